import { DomainEvent } from '@kairos/core';

/** What a write of a booking's calendar entry does: put the entry as the booking now is, or delete it. */
export type EntryAction = 'PUT' | 'DELETE';

interface EntryRef {
  connectionId: string;
  bookingId: string;
  /** The booking's calendar sequence the write carried. */
  sequence: number;
  at: string;
}

/**
 * What became of the writes of one booking into one calendar. Internal: they are the writer's
 * bookkeeping (where the entry is, the ETag it was written with, when to try again), which no
 * other service needs; the booking's own events say what happened to the booking.
 */
export type EntryEvent =
  | DomainEvent<'calendar-entry.written', EntryRef & { href: string; etag: string | null }>
  | DomainEvent<'calendar-entry.removed', EntryRef>
  | DomainEvent<'calendar-entry.write-failed', EntryRef & { action: EntryAction; reason: string; detail: string; attempt: number; retryAt: string | null }>;

export const ENTRY_EVENT_TYPES = ['calendar-entry.written', 'calendar-entry.removed', 'calendar-entry.write-failed'] as const satisfies readonly EntryEvent['type'][];
