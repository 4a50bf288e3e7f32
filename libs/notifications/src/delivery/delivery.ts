import { DecisionContext, Decider, DomainError, assertNever, invalidTransition } from '@kairos/core';
import { Channel, Trigger } from '../triggers';
import { DeliveryEvent, RenderedMessage } from './delivery.events';

export type { CalendarEntry, DeliveryEvent, DeliveryStatus, RenderedMessage } from './delivery.events';

/** An attempt with no outcome after this long is in doubt: the process sending it may have died, so it is checked and tried again. */
export const IN_DOUBT_AFTER_MS = 60_000;
/** Attempts before a message that keeps failing for now is given up (FAILED). */
export const MAX_ATTEMPTS = 8;
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 15 * 60_000;

/** How long after its n-th failed attempt a message is tried again: 5 s, doubling, at most 15 minutes. */
export const retryDelayMs = (attempt: number) => Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), MAX_RETRY_MS);

export interface NotificationRequest {
  id: string;
  trigger: Trigger;
  channel: Channel;
  contactId: string;
  bookingId: string | null;
  outboxId: string;
}

export type DeliveryCommand =
  | { type: 'RequestNotification'; request: NotificationRequest; message: RenderedMessage }
  | { type: 'StartAttempt' }
  | { type: 'RecordSent'; attempt: number; provider: string; providerMessageId: string | null; answer: string }
  | { type: 'RecordFailure'; attempt: number; permanent: boolean; error: string; answer: string | null }
  | { type: 'GiveUp'; reason: string };

export type DeliveryState =
  | { status: 'none' }
  | {
      status: 'QUEUED' | 'SENT' | 'FAILED';
      request: NotificationRequest;
      requestedAt: string;
      message: RenderedMessage | null;
      attempts: number;
      /** The attempt begun and not yet settled, with when it began. */
      running: { attempt: number; since: string } | null;
      retryAt: string | null;
    };

type Known = Exclude<DeliveryState, { status: 'none' }>;

/** When a QUEUED notification next needs the dispatcher: now for a new one, when its retry is due, or when its running attempt falls in doubt. */
export const nextAttemptAt = (state: Pick<Known, 'requestedAt' | 'running' | 'retryAt'>): string =>
  state.running ? new Date(Date.parse(state.running.since) + IN_DOUBT_AFTER_MS).toISOString() : (state.retryAt ?? state.requestedAt);

/** Whether the running attempt has gone without an outcome long enough to be checked and tried again. */
export const isInDoubt = (state: DeliveryState, now: Date): boolean =>
  state.status === 'QUEUED' && state.running !== null && now.getTime() >= Date.parse(state.running.since) + IN_DOUBT_AFTER_MS;

const requireQueued = (state: DeliveryState, action: string): Known => {
  if (state.status === 'none') throw new DomainError('not-found', 'notification does not exist');
  if (state.status !== 'QUEUED') throw invalidTransition('notification', state.status, action);
  return state;
};

/**
 * One message to one contact on one channel, from the request to SENT or FAILED. Each attempt is
 * recorded before the provider is called, with the stream revision read, so two dispatchers never
 * send the same attempt; an attempt that never recorded an outcome is in doubt after a minute and
 * may be tried again (at-least-once: the channel is asked first whether the provider already took it).
 */
export const deliveryDecider: Decider<DeliveryCommand, DeliveryState, DeliveryEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    switch (event.type) {
      case 'notification.requested': {
        const { at, ...request } = event.data;
        return { status: 'QUEUED', request, requestedAt: at, message: null, attempts: 0, running: null, retryAt: null };
      }
      case 'notification.rendered':
        return state.status === 'none' ? state : { ...state, message: event.data.message };
      case 'notification.attempted':
        return state.status === 'none' ? state : { ...state, attempts: event.data.attempt, running: { attempt: event.data.attempt, since: event.data.at }, retryAt: null };
      case 'notification.sent':
        return state.status === 'none' ? state : { ...state, status: 'SENT', running: null };
      case 'notification.deferred':
        return state.status === 'none' ? state : { ...state, running: null, retryAt: event.data.retryAt };
      case 'notification.failed':
        return state.status === 'none' ? state : { ...state, status: 'FAILED', running: null, retryAt: null };
      default:
        return assertNever(event);
    }
  },

  decide(command, state, { now }: DecisionContext) {
    const at = now.toISOString();
    switch (command.type) {
      case 'RequestNotification': {
        // The notification's id is derived from what it tells and to whom: asked again, it is already there.
        if (state.status !== 'none') return [];
        const { request, message } = command;
        return [
          { type: 'notification.requested', data: { ...request, at } },
          { type: 'notification.rendered', data: { id: request.id, contactId: request.contactId, message } },
        ];
      }
      case 'StartAttempt': {
        const queued = requireQueued(state, 'attempt');
        if (queued.running && !isInDoubt(queued, now)) throw new DomainError('request-in-progress', `attempt ${queued.running.attempt} is still running`);
        if (!queued.running && queued.retryAt && Date.parse(queued.retryAt) > now.getTime()) throw new DomainError('invalid-transition', `the next attempt is due at ${queued.retryAt}`);
        return [{ type: 'notification.attempted', data: { id: queued.request.id, attempt: queued.attempts + 1, at } }];
      }
      case 'RecordSent': {
        // A second report of the same success (a retried append) changes nothing.
        if (state.status === 'SENT') return [];
        const queued = requireQueued(state, 'record as sent');
        const { id, trigger, channel, contactId, bookingId } = queued.request;
        const { attempt, provider, providerMessageId, answer } = command;
        return [{ type: 'notification.sent', data: { id, trigger, channel, contactId, bookingId, attempt, provider, providerMessageId, answer, at } }];
      }
      case 'RecordFailure': {
        const queued = requireQueued(state, 'record a failure');
        // Only the outcome of the attempt in flight counts: a late report of an older one is stale.
        if (queued.running?.attempt !== command.attempt) return [];
        const { id, trigger, channel, contactId, bookingId } = queued.request;
        if (command.permanent || command.attempt >= MAX_ATTEMPTS) {
          const reason = command.permanent ? command.error : `gave up after ${command.attempt} attempts: ${command.error}`;
          return [{ type: 'notification.failed', data: { id, trigger, channel, contactId, bookingId, reason, answer: command.answer, attempts: command.attempt, at } }];
        }
        const retryAt = new Date(now.getTime() + retryDelayMs(command.attempt)).toISOString();
        return [{ type: 'notification.deferred', data: { id, attempt: command.attempt, error: command.error, answer: command.answer, retryAt, at } }];
      }
      case 'GiveUp': {
        const queued = requireQueued(state, 'give up');
        const { id, trigger, channel, contactId, bookingId } = queued.request;
        return [{ type: 'notification.failed', data: { id, trigger, channel, contactId, bookingId, reason: command.reason, answer: null, attempts: queued.attempts, at } }];
      }
      default:
        return assertNever(command);
    }
  },
};
