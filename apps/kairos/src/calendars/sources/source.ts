import { CalendarSnapshot, SourceKind, SyncFailureReason, SyncWindow } from '@kairos/calendars';

/** What a source needs to read one connection's calendar. */
export interface SourceConnection {
  id: string;
  source: SourceKind;
  /** ICS: the feed URL; CALDAV: the calendar collection URL; GOOGLE: the calendar id. */
  url: string;
  username: string | null;
  /** A CalDAV password or an OAuth access token. */
  secret: string | null;
  /** Whose invitations these are: an event this attendee declined is not busy. */
  ownerEmail: string | null;
  /** The zone of all-day and floating events. */
  timeZone: string;
}

/**
 * One read of the calendar. `cursor` is where the last complete read left off (an ETag, a CalDAV
 * sync token), null for none: a source answers `unchanged` when it can tell nothing changed since
 * (no block is then touched), a delta when it can say what did, and the whole window otherwise.
 */
export type SourceAnswer = { kind: 'unchanged' } | { kind: 'read'; snapshot: CalendarSnapshot; cursor: string | null };

export interface ReadRequest {
  connection: SourceConnection;
  window: SyncWindow;
  cursor: string | null;
  /** Whether the cursor may be used for a delta; false when the window moved and the calendar must be read whole. */
  incremental: boolean;
  signal: AbortSignal;
}

/** A calendar source: one per kind (ICS over HTTP, CalDAV, Google). */
export interface CalendarSource {
  read(request: ReadRequest): Promise<SourceAnswer>;
}

/** Reading the calendar failed in a way the connection shows; what it brought before stays. */
export class SourceFailure extends Error {
  constructor(
    readonly reason: SyncFailureReason,
    detail: string,
  ) {
    super(detail);
    this.name = 'SourceFailure';
  }
}

/** Bounds on one read, so a huge or slow calendar costs a failed sync, not the process. */
export interface SourceLimits {
  /** Whole read, connect to last byte. */
  timeoutMs: number;
  /** Bytes of calendar data taken in one read. */
  maxBytes: number;
  /** Busy occurrences taken from one read (recurring events expanded). */
  maxOccurrences: number;
}

/** What every source is built with: its bounds, whether private addresses may be read, and Google's API root (tests point it at a local server). */
export interface SourceOptions {
  limits: SourceLimits;
  allowPrivateHosts: boolean;
  googleApiUrl?: string;
}
