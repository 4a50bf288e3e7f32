import { DecisionContext, Decider } from '@kairos/core';
import { OutboxDispatched } from './delivery/delivery.events';
import { Trigger } from './triggers';

/** The slot a message speaks of, as it stood when the event happened. */
export interface OutboxSlot {
  start: string;
  end: string;
  timeZone: string;
  locationId: string | null;
}

/**
 * Something to tell one contact, kept until the dispatcher turns it into a notification per
 * channel: at once for what just happened, at `dueAt` for a reminder or a plan about to end.
 * Under the system tenant (id `<tenant>|<outboxId>`) so one query finds every tenant's due ones.
 */
export interface OutboxEntry {
  id: string;
  tenant: string;
  outboxId: string;
  trigger: Trigger;
  contactId: string;
  bookingId: string | null;
  serviceId: string | null;
  sessionId: string | null;
  slot: OutboxSlot | null;
  /** The booking's calendar sequence as of the event, for the .ics. */
  sequence: number;
  dueAt: string;
  /** What the write that caused it added for the participants. */
  message: string | null;
  offerExpiresAt: string | null;
  plan: { name: string; endsAt: string | null } | null;
  creditsRemaining: number | null;
  [key: string]: unknown;
}

export type OutboxCommand = { type: 'DispatchOutbox'; outboxId: string; notificationIds: string[]; skipped: string | null };
export type OutboxState = { dispatched: boolean };

/**
 * The stream `notification-outbox:<tenant>:<outboxId>` records that an entry was dispatched, in
 * the same append as the notifications it became: an entry is dispatched once, whoever tries.
 */
export const outboxDecider: Decider<OutboxCommand, OutboxState, OutboxDispatched> = {
  initialState: () => ({ dispatched: false }),
  evolve: () => ({ dispatched: true }),
  decide: (command, state, { now }: DecisionContext) =>
    state.dispatched ? [] : [{ type: 'notification-outbox.dispatched', data: { id: command.outboxId, notificationIds: command.notificationIds, skipped: command.skipped, at: now.toISOString() } }],
};
