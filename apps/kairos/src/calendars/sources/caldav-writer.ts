import { createEvent } from 'ics';
import { calendarUid } from '@kairos/calendars';
import { DavTransport, PreconditionFailed } from './dav-transport';
import { BOOKING_PROPERTY } from './ics-occurrences';
import { SourceConnection, SourceFailure, SourceOptions } from './source';

/** A booking as the entry it becomes in the resource's own calendar. */
export interface BookingEntry {
  bookingId: string;
  /** Grows with every change, so a client that cached the entry applies the newer one. */
  sequence: number;
  start: Date;
  end: Date;
  summary: string;
  description?: string;
  location?: string;
}

/** Where the entry is and the ETag it was written with: what the next update or delete must name. */
export interface WrittenEntry {
  href: string;
  etag: string | null;
}

/** The entry was changed or created by someone else since the ETag the writer holds: read it again before writing over it. */
export class EntryConflict extends Error {
  constructor(readonly bookingId: string) {
    super(`the calendar entry of booking ${bookingId} changed on the server`);
    this.name = 'EntryConflict';
  }
}

/** An RFC 5545 calendar object of one VEVENT, as CalDAV stores it (no METHOD: RFC 4791 §4.1). */
export const bookingIcs = (entry: BookingEntry): string => {
  const { error, value } = createEvent({
    productId: 'kairos',
    // Not ics's default PUBLISH: an explicit undefined drops the line.
    method: undefined,
    uid: calendarUid(entry.bookingId),
    sequence: entry.sequence,
    start: entry.start.getTime(),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: entry.end.getTime(),
    endInputType: 'utc',
    endOutputType: 'utc',
    title: entry.summary,
    ...(entry.description ? { description: entry.description } : {}),
    ...(entry.location ? { location: entry.location } : {}),
    status: 'CONFIRMED',
    transp: 'OPAQUE',
  });
  if (error || !value) throw new Error(`the booking's calendar entry cannot be written: ${error?.message ?? 'no output'}`);
  // ics writes no X- properties: the mark that keeps the calendar's own sync from reading the booking back as busy time goes in by hand.
  return value.replace(/\r\nEND:VEVENT/, `\r\n${BOOKING_PROPERTY}:${entry.bookingId}\r\nEND:VEVENT`);
};

/**
 * Writes bookings into a CalDAV calendar collection (the connection's URL) as entries named by the
 * booking: created with If-None-Match: * (never over an entry someone else made), updated and
 * deleted with If-Match on the ETag last written, so a change made in the calendar meanwhile is a
 * conflict to resolve, not something silently overwritten.
 */
export class CalDavWriter {
  constructor(private readonly options: SourceOptions) {}

  hrefOf(connection: Pick<SourceConnection, 'url'>, bookingId: string): string {
    const collection = connection.url.endsWith('/') ? connection.url : `${connection.url}/`;
    return new URL(`${encodeURIComponent(bookingId)}.ics`, collection).href;
  }

  /** Creates the entry (etag null) or replaces the one written with `etag`. */
  async put(connection: SourceConnection, entry: BookingEntry, etag: string | null, signal: AbortSignal): Promise<WrittenEntry> {
    const href = this.hrefOf(connection, entry.bookingId);
    const response = await this.send(connection, entry.bookingId, signal, href, {
      method: 'PUT',
      headers: { 'content-type': 'text/calendar; charset=utf-8', ...(etag === null ? { 'if-none-match': '*' } : { 'if-match': etag }) },
      body: bookingIcs(entry),
    });
    return { href, etag: response.headers.get('etag') };
  }

  /** Deletes the entry of a cancelled booking; one already gone is what was wanted. */
  async remove(connection: SourceConnection, bookingId: string, etag: string | null, signal: AbortSignal): Promise<void> {
    const href = this.hrefOf(connection, bookingId);
    try {
      await this.send(connection, bookingId, signal, href, { method: 'DELETE', headers: etag === null ? {} : { 'if-match': etag } });
    } catch (error) {
      if (error instanceof SourceFailure && error.reason === 'not-found') return;
      throw error;
    }
  }

  /** The ETag the entry has on the server now, null when there is none: what an overwrite names after a conflict. */
  async currentEtag(connection: SourceConnection, bookingId: string, signal: AbortSignal): Promise<string | null> {
    try {
      const response = await this.send(connection, bookingId, signal, this.hrefOf(connection, bookingId), { method: 'GET', headers: {} });
      return response.headers.get('etag');
    } catch (error) {
      if (error instanceof SourceFailure && error.reason === 'not-found') return null;
      throw error;
    }
  }

  private async send(connection: SourceConnection, bookingId: string, signal: AbortSignal, href: string, init: RequestInit & { headers: Record<string, string> }): Promise<Response> {
    const transport = new DavTransport(this.options, connection, signal);
    try {
      return await transport.send(href, { ...init, headers: { ...transport.headers, ...init.headers } });
    } catch (error) {
      if (error instanceof PreconditionFailed) throw new EntryConflict(bookingId);
      throw transport.failureOf(error, () => new SourceFailure('unreachable', (error as Error).message));
    }
  }
}
