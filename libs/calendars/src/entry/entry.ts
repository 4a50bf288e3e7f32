import { DecisionContext, Decider, assertNever } from '@kairos/core';
import { EntryAction, EntryEvent } from './entry.events';

export type { EntryAction, EntryEvent } from './entry.events';
export { ENTRY_EVENT_TYPES } from './entry.events';

interface EntryKey {
  connectionId: string;
  bookingId: string;
  sequence: number;
}

export type EntryCommand =
  | ({ type: 'RecordWritten'; href: string; etag: string | null } & EntryKey)
  | ({ type: 'RecordRemoved' } & EntryKey)
  /** `giveUp`: not tried again (the booking is over, or the connection no longer writes back). */
  | ({ type: 'RecordWriteFailed'; action: EntryAction; reason: string; detail: string; giveUp: boolean } & EntryKey);

export interface EntryState {
  /** Where the entry is and the ETag it was last written with; null before the first write and once removed. */
  written: { href: string; etag: string | null } | null;
  /** The highest booking sequence whose write is recorded done (written or removed); -1 before any. */
  doneSequence: number;
  /** Failed attempts since the last success. */
  failures: number;
  /** The last failure's sequence and when it is to be tried again (null: given up); null after a success. */
  retry: { sequence: number; at: string | null } | null;
}

const SECOND = 1000;
const RETRY_CAP_MS = 60 * 60 * SECOND;

/** How long after its `attempt`th failure in a row a write is tried again: 2 s, 4 s, 8 s... up to an hour. */
export const retryDelayMs = (attempt: number) => Math.min(RETRY_CAP_MS, 2 ** Math.min(attempt, 20) * SECOND);

/**
 * One booking's entry in one calendar. The sweep that writes it records each outcome here, with
 * the booking sequence it wrote: an outcome for a sequence already done is dropped, so of two
 * sweeps that wrote the same change only the first records it (the stream's revision orders them).
 */
export const entryDecider: Decider<EntryCommand, EntryState, EntryEvent> = {
  initialState: () => ({ written: null, doneSequence: -1, failures: 0, retry: null }),

  evolve(state, event) {
    switch (event.type) {
      case 'calendar-entry.written':
        return { written: { href: event.data.href, etag: event.data.etag }, doneSequence: Math.max(state.doneSequence, event.data.sequence), failures: 0, retry: null };
      case 'calendar-entry.removed':
        return { written: null, doneSequence: Math.max(state.doneSequence, event.data.sequence), failures: 0, retry: null };
      case 'calendar-entry.write-failed':
        return { ...state, failures: event.data.attempt, retry: { sequence: event.data.sequence, at: event.data.retryAt } };
      default:
        return assertNever(event);
    }
  },

  decide(command, state, { now }: DecisionContext) {
    // Another sweep recorded this change, or a later one, first.
    if (command.sequence <= state.doneSequence) return [];
    const at = now.toISOString();
    const { connectionId, bookingId, sequence } = command;
    switch (command.type) {
      case 'RecordWritten':
        return [{ type: 'calendar-entry.written', data: { connectionId, bookingId, sequence, href: command.href, etag: command.etag, at } }];
      case 'RecordRemoved':
        return [{ type: 'calendar-entry.removed', data: { connectionId, bookingId, sequence, at } }];
      case 'RecordWriteFailed': {
        const attempt = state.failures + 1;
        const retryAt = command.giveUp ? null : new Date(now.getTime() + retryDelayMs(attempt)).toISOString();
        return [{ type: 'calendar-entry.write-failed', data: { connectionId, bookingId, sequence, action: command.action, reason: command.reason, detail: command.detail, attempt, retryAt, at } }];
      }
      default:
        return assertNever(command);
    }
  },
};
