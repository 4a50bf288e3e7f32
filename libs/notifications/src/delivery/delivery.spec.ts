import { given } from '@kairos/testing';
import { DeliveryEvent, IN_DOUBT_AFTER_MS, MAX_ATTEMPTS, NotificationRequest, RenderedMessage, deliveryDecider, retryDelayMs } from '../index';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const T = NOW.toISOString();
const at = (ms: number) => new Date(NOW.getTime() + ms);
const ctx = { now: NOW };

const request: NotificationRequest = { id: 'n1', trigger: 'BOOKING_CONFIRMED', channel: 'EMAIL', contactId: 'c1', bookingId: 'b1', outboxId: 'o1' };
const message: RenderedMessage = { to: 'ana@example.com', subject: 'Booking confirmed', text: 'Hello Ana', html: '<p>Hello Ana</p>', calendar: null };
const about = { id: 'n1', trigger: 'BOOKING_CONFIRMED', channel: 'EMAIL', contactId: 'c1', bookingId: 'b1' } as const;

const requested: DeliveryEvent[] = [
  { type: 'notification.requested', data: { ...request, at: T } },
  { type: 'notification.rendered', data: { id: 'n1', contactId: 'c1', message } },
];
const attempted = (attempt: number, when = T): DeliveryEvent => ({ type: 'notification.attempted', data: { id: 'n1', attempt, at: when } });
const deferred = (attempt: number, retryAt: string): DeliveryEvent => ({ type: 'notification.deferred', data: { id: 'n1', attempt, error: 'connection refused', answer: null, retryAt, at: T } });
const sent: DeliveryEvent = { type: 'notification.sent', data: { ...about, attempt: 1, provider: 'smtp', providerMessageId: 'm1', answer: '250 OK', at: T } };

describe('notification delivery: RequestNotification', () => {
  it('queues the message with its rendering kept apart', () => {
    given(deliveryDecider, []).when({ type: 'RequestNotification', request, message }, ctx).then(requested);
    given(deliveryDecider, requested).when({ type: 'StartAttempt' }, ctx).thenState({ status: 'QUEUED', message, attempts: 1 });
  });

  it('asked for again, records nothing', () => {
    given(deliveryDecider, requested).when({ type: 'RequestNotification', request, message }, ctx).thenNothing();
  });
});

describe('notification delivery: StartAttempt', () => {
  it('numbers attempts', () => {
    given(deliveryDecider, requested).when({ type: 'StartAttempt' }, ctx).then([attempted(1)]);
    const retryAt = at(retryDelayMs(1)).toISOString();
    given(deliveryDecider, [...requested, attempted(1), deferred(1, retryAt)]).when({ type: 'StartAttempt' }, { now: at(retryDelayMs(1)) }).then([attempted(2, retryAt)]);
  });

  it('refuses while an attempt runs, until it is in doubt', () => {
    given(deliveryDecider, [...requested, attempted(1)]).when({ type: 'StartAttempt' }, { now: at(IN_DOUBT_AFTER_MS - 1) }).thenThrows('request-in-progress');
    given(deliveryDecider, [...requested, attempted(1)]).when({ type: 'StartAttempt' }, { now: at(IN_DOUBT_AFTER_MS) }).then([attempted(2, at(IN_DOUBT_AFTER_MS).toISOString())]);
  });

  it('refuses before the retry is due, and once the message was sent or given up', () => {
    given(deliveryDecider, [...requested, attempted(1), deferred(1, at(5000).toISOString())]).when({ type: 'StartAttempt' }, { now: at(4999) }).thenThrows('invalid-transition');
    given(deliveryDecider, [...requested, attempted(1), sent]).when({ type: 'StartAttempt' }, ctx).thenThrows('invalid-transition');
    given(deliveryDecider, []).when({ type: 'StartAttempt' }, ctx).thenThrows('not-found');
  });
});

describe('notification delivery: outcomes', () => {
  it('records the provider answer once', () => {
    given(deliveryDecider, [...requested, attempted(1)]).when({ type: 'RecordSent', attempt: 1, provider: 'smtp', providerMessageId: 'm1', answer: '250 OK' }, ctx).then([sent]);
    given(deliveryDecider, [...requested, attempted(1), sent]).when({ type: 'RecordSent', attempt: 1, provider: 'smtp', providerMessageId: 'm1', answer: '250 OK' }, ctx).thenNothing();
  });

  it('retries a transient failure 5 s later, doubling, and gives up after the last attempt', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([5000, 10_000, 20_000, 40_000]);
    expect(retryDelayMs(20)).toBe(15 * 60_000);
    given(deliveryDecider, [...requested, attempted(1)])
      .when({ type: 'RecordFailure', attempt: 1, permanent: false, error: 'connection refused', answer: null }, ctx)
      .then([deferred(1, at(5000).toISOString())]);
    given(deliveryDecider, [...requested, attempted(MAX_ATTEMPTS)])
      .when({ type: 'RecordFailure', attempt: MAX_ATTEMPTS, permanent: false, error: 'connection refused', answer: null }, ctx)
      .then([{ type: 'notification.failed', data: { ...about, reason: `gave up after ${MAX_ATTEMPTS} attempts: connection refused`, answer: null, attempts: MAX_ATTEMPTS, at: T } }]);
  });

  it('fails a permanent refusal at once, with the reason', () => {
    given(deliveryDecider, [...requested, attempted(1)])
      .when({ type: 'RecordFailure', attempt: 1, permanent: true, error: 'mailbox unavailable', answer: '550 no such user' }, ctx)
      .then([{ type: 'notification.failed', data: { ...about, reason: 'mailbox unavailable', answer: '550 no such user', attempts: 1, at: T } }]);
  });

  it('gives up a message that can no longer be sent, with the reason', () => {
    given(deliveryDecider, [...requested, attempted(1), deferred(1, T)])
      .when({ type: 'GiveUp', reason: 'the contact was erased' }, ctx)
      .then([{ type: 'notification.failed', data: { ...about, reason: 'the contact was erased', answer: null, attempts: 1, at: T } }]);
    given(deliveryDecider, [...requested, attempted(1), sent]).when({ type: 'GiveUp', reason: 'x' }, ctx).thenThrows('invalid-transition');
  });

  it('ignores the late outcome of an attempt that is no longer the running one', () => {
    given(deliveryDecider, [...requested, attempted(1), attempted(2)]).when({ type: 'RecordFailure', attempt: 1, permanent: true, error: 'x', answer: null }, ctx).thenNothing();
  });
});
