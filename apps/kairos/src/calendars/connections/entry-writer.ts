import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CALENDAR_ENTRY_WRITES, ConnectionState, EntryCommand, EntryState, EntryWriteDoc, connectionDecider, connectionStream, entryDecider, entryStream } from '@kairos/calendars';
import { KAIROS_NAMESPACE, uuidV5 } from '@kairos/core';
import { ReadStore } from '@kairos/read-store';
import { SERVICES } from '@kairos/services';
import { KairosConfig } from '../../config/config';
import { handleCommand, streamOf } from '../../infrastructure/command-handling';
import { EventSourcing } from '../../infrastructure/event-sourcing';
import { BackgroundDueWork, RepeatingSweep } from '../../infrastructure/sweeps';
import { CONFIG, READ_STORE } from '../../infrastructure/tokens';
import { BookingEntry, CalDavWriter, EntryConflict } from '../sources/caldav-writer';
import { SourceConnection, SourceFailure } from '../sources/source';

/** Entries written at once by one process: a slow calendar server holds up a few writes, not the others. */
const WRITES_AT_ONCE = 4;
/** The title of an entry whose service the read models do not know (yet, or any more). */
const UNNAMED = 'Booking';

type Connection = Exclude<ConnectionState, { status: 'none' }>;

/**
 * Write-back: every second (backing off while a store is down) it takes the entry writes now due
 * (calendar_entry_writes: one per connection and booking, the booking's latest wanted state) and
 * brings each entry there through CalDAV, a few at a time in the background, then records the
 * outcome on the entry's stream; the stream's revision lets only the first of two processes that
 * wrote the same change record it. Each write names the ETag last recorded, so the server refuses
 * it when the entry changed meanwhile; the booking being the source of truth, the writer then
 * reads the entry's current ETag and writes once more over it (an entry moved or deleted by hand
 * in the calendar app is put back as the booking is). A failure is retried later and later (2 s,
 * 4 s... up to an hour), and given up when the booking is over or the connection no longer writes
 * back. Runs with the projector role, like the sync sweep.
 */
@Injectable()
export class CalendarEntryWriter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('calendar-writeback');
  private readonly looks = new RepeatingSweep(this.logger, 'look for calendar entries to write', () => this.sweep());
  private readonly stopping = new AbortController();
  private readonly writer: CalDavWriter;
  private readonly writes: BackgroundDueWork<EntryWriteDoc>;

  constructor(
    private readonly es: EventSourcing,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CONFIG) private readonly config: KairosConfig,
  ) {
    this.writer = new CalDavWriter(config.calendars);
    this.writes = new BackgroundDueWork(readStore, CALENDAR_ENTRY_WRITES, WRITES_AT_ONCE);
  }

  onApplicationBootstrap() {
    if (this.config.roles.includes('projector')) this.looks.start();
  }

  async onApplicationShutdown() {
    this.stopping.abort();
    await this.looks.stop();
    await this.writes.settled();
  }

  /** Starts the writes due now, as many as there is room for; answers how many it started. */
  async sweep(): Promise<number> {
    return this.writes.startDue(
      this.es.now().toISOString(),
      (due) => due.id,
      () => true,
      (due) =>
        this.write(due).catch((error: unknown) => {
          if (!this.stopping.signal.aborted) this.logger.warn({ message: 'could not write a calendar entry', connection: due.connectionId, booking: due.bookingId, error: (error as Error).message });
        }),
    );
  }

  private async write(due: EntryWriteDoc): Promise<void> {
    const { tenant, connectionId, bookingId, sequence } = due;
    const entry = streamOf(entryStream(tenant, connectionId, bookingId), entryDecider);
    const state: EntryState = await this.es.read(entry);
    const now = this.es.now();
    // Done already, or failed and not to be tried yet: the read model has not caught up with the stream.
    if (state.doneSequence >= sequence) return;
    if (state.retry?.sequence === sequence && (state.retry.at === null || state.retry.at > now.toISOString())) return;

    const connection = await this.es.read(streamOf(connectionStream(tenant, connectionId), connectionDecider));
    const key = { connectionId, bookingId, sequence };
    const ctx = { tenant, actor: { type: 'SYSTEM' as const }, correlationId: uuidV5(KAIROS_NAMESPACE, `${CALENDAR_ENTRY_WRITES}:${due.id}:${sequence}:${due.dueAt}`) };
    const record = (command: EntryCommand) =>
      handleCommand(this.es, ctx, () => ({
        streams: [entry],
        decide: (states, at) => ({ appends: [{ streamId: entry.streamId, events: entryDecider.decide(command, states.of(entry), { now: at }) }], answer: null }),
      }));
    if (connection.status !== 'ACTIVE' || !connection.view.writeBack) {
      await record({ type: 'RecordWriteFailed', ...key, action: due.action, reason: 'write-back-off', detail: 'the connection was deleted or no longer writes bookings back', giveUp: true });
      return;
    }
    // A conflict may be another process's write of this very change: then it is not made again.
    const doneMeanwhile = async () => (await this.es.read(entry)).doneSequence >= sequence;
    try {
      if (due.action === 'PUT') {
        const written = await this.put(connection, state, await this.entryOf(due), doneMeanwhile);
        if (written) await record({ type: 'RecordWritten', ...key, href: written.href, etag: written.etag });
      } else if (await this.remove(connection, state, bookingId, doneMeanwhile)) {
        await record({ type: 'RecordRemoved', ...key });
      }
    } catch (error) {
      if (this.stopping.signal.aborted || !(error instanceof SourceFailure || error instanceof EntryConflict)) throw error;
      const reason = error instanceof SourceFailure ? error.reason : 'conflict';
      // An entry of a booking already over is not worth more attempts.
      await record({ type: 'RecordWriteFailed', ...key, action: due.action, reason, detail: error.message, giveUp: Date.parse(due.end) < now.getTime() });
    }
  }

  private async entryOf(due: EntryWriteDoc): Promise<BookingEntry> {
    const service = await this.readStore.get<{ id: string; name: string }>(SERVICES, due.tenant, due.serviceId);
    return { bookingId: due.bookingId, sequence: due.sequence, start: new Date(due.start), end: new Date(due.end), summary: service?.name ?? UNNAMED };
  }

  /**
   * Puts the entry over the one last written; over whatever is there now when that changed (the
   * booking is the source of truth). Answers null when another process wrote this change meanwhile.
   */
  private async put(connection: Connection, state: EntryState, entry: BookingEntry, doneMeanwhile: () => Promise<boolean>) {
    const source = sourceOf(connection);
    const signal = this.stopping.signal;
    try {
      return await this.writer.put(source, entry, state.written?.etag ?? null, signal);
    } catch (error) {
      if (!(error instanceof EntryConflict)) throw error;
      if (await doneMeanwhile()) return null;
      return this.writer.put(source, entry, await this.writer.currentEtag(source, entry.bookingId, signal), signal);
    }
  }

  /** Deletes the entry, whatever was made of it in the calendar; answers false when another process removed it meanwhile. */
  private async remove(connection: Connection, state: EntryState, bookingId: string, doneMeanwhile: () => Promise<boolean>) {
    const source = sourceOf(connection);
    const signal = this.stopping.signal;
    try {
      await this.writer.remove(source, bookingId, state.written?.etag ?? null, signal);
    } catch (error) {
      if (!(error instanceof EntryConflict)) throw error;
      if (await doneMeanwhile()) return false;
      await this.writer.remove(source, bookingId, await this.writer.currentEtag(source, bookingId, signal), signal);
    }
    return true;
  }
}

const sourceOf = ({ view, secret }: Connection): SourceConnection => ({
  id: view.id,
  source: view.source,
  url: view.url,
  username: view.username,
  secret,
  ownerEmail: view.ownerEmail,
  timeZone: view.timeZone,
});
