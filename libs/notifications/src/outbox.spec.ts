import { given } from '@kairos/testing';
import { OutboxCommand, outboxDecider } from './outbox';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const dispatch: OutboxCommand = { type: 'DispatchOutbox', outboxId: 'o1', notificationIds: ['n1', 'n2'], skipped: null };
const dispatched = { type: 'notification-outbox.dispatched' as const, data: { id: 'o1', notificationIds: ['n1', 'n2'], skipped: null, at: NOW.toISOString() } };

describe('outbox entry', () => {
  it('is dispatched once, with the notifications it became or why it was skipped', () => {
    given(outboxDecider, []).when(dispatch, { now: NOW }).then([dispatched]);
    given(outboxDecider, [])
      .when({ ...dispatch, notificationIds: [], skipped: 'the booking had started' }, { now: NOW })
      .then([{ ...dispatched, data: { ...dispatched.data, notificationIds: [], skipped: 'the booking had started' } }]);
  });

  it('dispatched before, records nothing whoever asks again', () => {
    given(outboxDecider, [dispatched]).when(dispatch, { now: NOW }).thenNothing();
  });
});
