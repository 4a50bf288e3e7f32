import { BookedSlot, BookingEvent, BookingFields, bookingDecider } from '@kairos/bookings';
import { DomainEvent, EventMetadata, MemoryReadModels, ParticipantNotification, ProjectedEvent, SYSTEM_TENANT } from '@kairos/core';
import { PlanOrderEvent } from '@kairos/memberships';
import { DEFAULT_BOOKING_POLICY } from '@kairos/services';
import {
  DeliveryEvent,
  NOTIFICATIONS,
  NOTIFICATION_DELIVERIES,
  NOTIFICATION_OUTBOX,
  NotificationLogEntry,
  OutboxEntry,
  SettingsEvent,
  notificationsProjection,
  outboxIdOf,
} from './index';

const NOW = '2026-03-01T10:00:00.000Z';
const HOUR = 3600_000;
const hoursFrom = (at: string, hours: number) => new Date(Date.parse(at) + hours * HOUR).toISOString();
const slotAt = (hoursAhead: number): BookedSlot => ({
  start: hoursFrom(NOW, hoursAhead),
  end: hoursFrom(NOW, hoursAhead + 1),
  timeZone: 'Europe/Lisbon',
  resourceIds: ['r1'],
  locationId: 'l1',
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
});

const fields = (slot: BookedSlot, contactId: string | null = 'c1'): BookingFields => ({
  serviceId: 's1',
  serviceType: 'APPOINTMENT',
  slot,
  sessionId: null,
  scheduleId: null,
  appointmentSessionId: null,
  contactId,
  contactDetails: { name: 'Ana', email: 'ana@example.com', phone: null },
  partySize: 1,
  selectedPaymentOption: 'OFFLINE',
  price: null,
  planOrderId: null,
  couponCode: null,
  policySnapshot: DEFAULT_BOOKING_POLICY,
  priceSnapshot: null,
});

const created = (slot: BookedSlot, options: { pending?: boolean; contactId?: string | null } = {}): BookingEvent => {
  const context = options.pending ? { now: new Date(NOW), actor: 'CUSTOMER' as const, requireManualApproval: true, onlineBookingEnabled: true } : { now: new Date(NOW), actor: 'BUSINESS' as const };
  return bookingDecider.decide({ type: 'CreateBooking', id: 'b1', fields: fields(slot, options.contactId), draft: false }, bookingDecider.initialState(), { ...context, ignorePolicy: !options.pending })[0];
};
const statusChange = { id: 'b1', actor: 'BUSINESS' as const, reason: null, holdsSlot: true };
const rescheduled = (slot: BookedSlot, at: string): BookingEvent => ({ type: 'booking.rescheduled', data: { id: 'b1', slot, sessionId: null, appointmentSessionId: null, previous: { slot: slotAt(72), sessionId: null }, at } });
const canceled = (at: string): BookingEvent => ({ type: 'booking.canceled', data: { ...statusChange, previousStatus: 'CONFIRMED', at, holdsSlot: false, withinPolicy: true, creditsRestored: false } });

type Step = [DomainEvent, string] | [DomainEvent, string, ParticipantNotification];
const meta = (occurredAt: string, participantNotification?: ParticipantNotification): EventMetadata => ({ tenant: 't1', actor: { type: 'BUSINESS' }, occurredAt, ...(participantNotification ? { participantNotification } : {}) });
const project = (steps: Step[], models = new MemoryReadModels()) =>
  models.project(
    notificationsProjection,
    steps.map(([event, at, notification]) => ({ ...event, metadata: meta(at, notification) }) as ProjectedEvent),
  );
const outbox = (models: MemoryReadModels) => models.all<OutboxEntry>(NOTIFICATION_OUTBOX, SYSTEM_TENANT);
const summary = (models: MemoryReadModels) => outbox(models).map(({ trigger, dueAt, sequence, slot, message }) => ({ trigger, dueAt, sequence, start: slot?.start ?? null, message }));

describe('notifications projection: bookings', () => {
  it('tells a confirmed booking at once and reminds 24 hours before it starts', () => {
    const models = project([[created(slotAt(72)), NOW]]);
    expect(summary(models)).toEqual([
      { trigger: 'BOOKING_CONFIRMED', dueAt: NOW, sequence: 0, start: slotAt(72).start, message: null },
      { trigger: 'BOOKING_REMINDER', dueAt: hoursFrom(NOW, 48), sequence: 0, start: slotAt(72).start, message: null },
    ]);
    const [confirmation] = outbox(models);
    expect(confirmation).toMatchObject({ tenant: 't1', contactId: 'c1', bookingId: 'b1', serviceId: 's1', slot: { timeZone: 'Europe/Lisbon', locationId: 'l1' } });
    expect(confirmation.id).toBe(`t1|${confirmation.outboxId}`);
  });

  it('gives the same entry the same id when the event is folded again', () => {
    const first = outbox(project([[created(slotAt(72)), NOW]]));
    const again = outbox(project([[created(slotAt(72)), NOW]]));
    expect(again.map((e) => e.id)).toEqual(first.map((e) => e.id));
    expect(first[0].outboxId).toBe(outboxIdOf('t1', `b1:BOOKING_CONFIRMED:${NOW}`, 'c1'));
  });

  it('creates no reminder whose time has already passed when the booking is made', () => {
    expect(summary(project([[created(slotAt(5)), NOW]])).map((e) => e.trigger)).toEqual(['BOOKING_CONFIRMED']);
  });

  it('tells a PENDING booking it was requested, with no reminder until it is confirmed', () => {
    const pending = project([[created(slotAt(72), { pending: true }), NOW]]);
    expect(summary(pending).map((e) => e.trigger)).toEqual(['BOOKING_REQUESTED']);
    const confirmedAt = hoursFrom(NOW, 1);
    const confirmed: BookingEvent = { type: 'booking.confirmed', data: { ...statusChange, previousStatus: 'PENDING', at: confirmedAt } };
    expect(summary(project([[confirmed, confirmedAt]], pending)).map((e) => e.trigger)).toEqual(['BOOKING_REQUESTED', 'BOOKING_CONFIRMED', 'BOOKING_REMINDER']);
  });

  it('moves the reminder with a reschedule, which raises the calendar sequence, and drops it on cancel', () => {
    const movedAt = hoursFrom(NOW, 1);
    const moved = project([
      [created(slotAt(72)), NOW],
      [rescheduled(slotAt(96), movedAt), movedAt],
    ]);
    expect(summary(moved).filter((e) => e.trigger !== 'BOOKING_CONFIRMED')).toEqual([
      { trigger: 'BOOKING_RESCHEDULED', dueAt: movedAt, sequence: 1, start: slotAt(96).start, message: null },
      { trigger: 'BOOKING_REMINDER', dueAt: hoursFrom(NOW, 72), sequence: 1, start: slotAt(96).start, message: null },
    ]);
    const canceledAt = hoursFrom(NOW, 2);
    const gone = project([[canceled(canceledAt), canceledAt]], moved);
    expect(summary(gone).map((e) => [e.trigger, e.sequence])).toEqual([
      ['BOOKING_CONFIRMED', 0],
      ['BOOKING_RESCHEDULED', 1],
      ['BOOKING_CANCELED', 2],
    ]);
  });

  it('sends nothing for a write that said not to notify, and carries the message of one that did', () => {
    const quiet = project([[created(slotAt(72)), NOW, { notifyParticipants: false }]]);
    expect(summary(quiet).map((e) => e.trigger)).toEqual(['BOOKING_REMINDER']);
    const canceledAt = hoursFrom(NOW, 1);
    const told = project([[canceled(canceledAt), canceledAt, { notifyParticipants: true, message: 'The room flooded' }]], quiet);
    expect(summary(told)).toEqual([{ trigger: 'BOOKING_CANCELED', dueAt: canceledAt, sequence: 1, start: slotAt(72).start, message: 'The room flooded' }]);
  });

  it('tells nobody about a booking with no contact', () => {
    expect(outbox(project([[created(slotAt(72), { contactId: null }), NOW]]))).toEqual([]);
  });

  it('reminds as many hours ahead as the settings say when the booking is made', () => {
    const settings: SettingsEvent = { type: 'notification-settings.updated', data: { id: 'settings', changes: { reminderHoursBefore: 2 }, previous: { reminderHoursBefore: 24 }, updatedAt: NOW } };
    const models = project([
      [settings, NOW],
      [created(slotAt(72)), NOW],
    ]);
    expect(summary(models).find((e) => e.trigger === 'BOOKING_REMINDER')?.dueAt).toBe(hoursFrom(NOW, 70));
  });
});

describe('notifications projection: waitlist and plans', () => {
  it('tells a waiting contact of their offer', () => {
    const offered: DomainEvent = { type: 'waitlist.offered', data: { sessionId: 'ses1', entryId: 'e1', contactId: 'c2', partySize: 1, offerExpiresAt: hoursFrom(NOW, 1), at: NOW } };
    expect(outbox(project([[offered, NOW]]))).toMatchObject([{ trigger: 'WAITLIST_OFFERED', contactId: 'c2', sessionId: 'ses1', offerExpiresAt: hoursFrom(NOW, 1), dueAt: NOW }]);
  });

  it('announces a plan order three days before it ends, follows its end, and tells when credits run low', () => {
    const endsAt = hoursFrom(NOW, 24 * 30);
    const purchased = { type: 'plan-order.purchased', data: { id: 'o1', contactId: 'c1', planSnapshot: { name: 'Ten classes' }, endsAt } } as unknown as PlanOrderEvent;
    const bought = project([[purchased, NOW]]);
    expect(summary(bought)).toEqual([{ trigger: 'PLAN_EXPIRING', dueAt: hoursFrom(NOW, 24 * 27), sequence: 0, start: null, message: null }]);
    const redeem = (credits: number, remaining: number): PlanOrderEvent => ({ type: 'plan-order.credits-redeemed', data: { id: 'o1', bookingId: 'b1', credits, remaining, at: NOW } });
    expect(outbox(project([[redeem(1, 2), NOW]], bought)).map((e) => e.trigger)).toEqual(['PLAN_EXPIRING']);
    expect(outbox(project([[redeem(1, 1), NOW]], bought))).toMatchObject([{ trigger: 'PLAN_EXPIRING' }, { trigger: 'CREDITS_LOW', creditsRemaining: 1, plan: { name: 'Ten classes' } }]);
    const canceledOrder = { type: 'plan-order.canceled', data: { id: 'o1', effective: 'NOW', at: NOW, previousStatus: 'ACTIVE', actor: 'BUSINESS', reason: null } } as PlanOrderEvent;
    expect(outbox(project([[canceledOrder, NOW]], bought)).map((e) => e.trigger)).toEqual(['CREDITS_LOW']);
  });
});

describe('notifications projection: the delivery log', () => {
  const about = { id: 'n1', trigger: 'BOOKING_CONFIRMED', channel: 'EMAIL', contactId: 'c1', bookingId: 'b1' } as const;
  const requested: DeliveryEvent = { type: 'notification.requested', data: { ...about, outboxId: 'o1', at: NOW } };
  const attemptAt = hoursFrom(NOW, 0.01);
  const attempted: DeliveryEvent = { type: 'notification.attempted', data: { id: 'n1', attempt: 1, at: attemptAt } };
  const log = (models: MemoryReadModels) => models.get<NotificationLogEntry>(NOTIFICATIONS, 't1', 'n1');
  const timer = (models: MemoryReadModels) => models.get(NOTIFICATION_DELIVERIES, SYSTEM_TENANT, 't1|n1');

  it('shows a notification QUEUED and due at once, then due again when its attempt would fall in doubt', () => {
    const queued = project([[requested, NOW]]);
    expect(log(queued)).toMatchObject({ status: 'QUEUED', attempts: 0, nextAttemptAt: NOW, answers: [] });
    expect(timer(queued)).toEqual({ id: 't1|n1', tenant: 't1', notificationId: 'n1', dueAt: NOW });
    const trying = project([[attempted, attemptAt]], queued);
    expect(log(trying)).toMatchObject({ attempts: 1, nextAttemptAt: new Date(Date.parse(attemptAt) + 60_000).toISOString() });
  });

  it('keeps every provider answer, and the retry time while it waits', () => {
    const retryAt = hoursFrom(NOW, 1);
    const deferred: DeliveryEvent = { type: 'notification.deferred', data: { id: 'n1', attempt: 1, error: 'connection refused', answer: null, retryAt, at: attemptAt } };
    const sent: DeliveryEvent = { type: 'notification.sent', data: { ...about, attempt: 2, provider: 'smtp', providerMessageId: 'm1', answer: '250 OK', at: retryAt } };
    const waiting = project([
      [requested, NOW],
      [attempted, attemptAt],
      [deferred, attemptAt],
    ]);
    expect(log(waiting)).toMatchObject({ status: 'QUEUED', lastError: 'connection refused', nextAttemptAt: retryAt });
    expect(timer(waiting)).toMatchObject({ dueAt: retryAt });
    const done = project([[sent, retryAt]], waiting);
    expect(log(done)).toMatchObject({
      status: 'SENT',
      provider: 'smtp',
      providerMessageId: 'm1',
      sentAt: retryAt,
      nextAttemptAt: null,
      answers: [
        { attempt: 1, outcome: 'DEFERRED', error: 'connection refused' },
        { attempt: 2, outcome: 'SENT', answer: '250 OK' },
      ],
    });
    expect(timer(done)).toBeNull();
  });

  it('shows a given-up notification FAILED with its reason', () => {
    const failed: DeliveryEvent = { type: 'notification.failed', data: { ...about, reason: 'mailbox unavailable', answer: '550', attempts: 1, at: attemptAt } };
    const models = project([
      [requested, NOW],
      [attempted, attemptAt],
      [failed, attemptAt],
    ]);
    expect(log(models)).toMatchObject({ status: 'FAILED', failureReason: 'mailbox unavailable', nextAttemptAt: null });
    expect(timer(models)).toBeNull();
  });

  it('drops an outbox entry once it is dispatched', () => {
    const models = project([[created(slotAt(72)), NOW]]);
    const [confirmation] = outbox(models);
    project([[{ type: 'notification-outbox.dispatched', data: { id: confirmation.outboxId, notificationIds: ['n1'], skipped: null, at: NOW } }, NOW]], models);
    expect(outbox(models).map((e) => e.trigger)).toEqual(['BOOKING_REMINDER']);
  });
});
