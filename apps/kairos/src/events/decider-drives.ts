/**
 * Every published aggregate driven through its decider, command by command: every event a consumer
 * can receive, as the deciders write it. The AsyncAPI document and docs/events/ take their examples
 * from here, and the event catalog spec checks each against its schema, so no example is made up.
 */
import { DecisionContext, Decider, DomainEvent, eventTypesOf, fold } from '@kairos/core';
import { BookingFields, bookingDecider, slotHoldDecider, waitlistDecider } from '@kairos/bookings';
import { ConnectionFields, calendarsEvents, connectionDecider } from '@kairos/calendars';
import { contactDecider } from '@kairos/clients';
import { CouponFields, PlanFields, couponDecider, planDecider, planOrderDecider, priceSnapshotOf } from '@kairos/memberships';
import { NotificationRequest, RenderedMessage, deliveryDecider, notificationsEvents, settingsDecider } from '@kairos/notifications';
import { locationDecider, resourceDecider } from '@kairos/resources';
import { scheduleDecider, sessionDecider } from '@kairos/scheduling';
import { BookingPolicyFields, ServiceFields, bookingPolicyDecider, serviceDecider } from '@kairos/services';

export const NOW = new Date('2026-03-01T10:00:00.000Z');
const LATER = new Date('2026-04-01T10:00:00.000Z');
const at = (iso: string) => new Date(iso);

/** Runs commands one after the other, each decided on the state the previous ones left. */
/** A staff member's own calendar, read from an ICS feed every 15 minutes. */
export const CALENDAR_FIELDS: ConnectionFields = {
  resourceId: 'staff-1',
  name: "Ana's calendar",
  source: 'ICS',
  url: 'https://calendar.example.com/ana.ics',
  username: null,
  ownerEmail: 'ana@example.com',
  timeZone: 'Europe/Lisbon',
  syncIntervalMinutes: 15,
  writeBack: false,
};

export const drive = <C, S, E extends DomainEvent, Ctx extends DecisionContext>(decider: Decider<C, S, E, Ctx>, context: Ctx, steps: (C | [C, Partial<Ctx>])[]) => {
  const history: E[] = [];
  for (const step of steps) {
    const [command, extra] = Array.isArray(step) ? step : [step, {}];
    const events = decider.decide(command, fold(decider, history), { ...context, ...extra });
    if (events.length === 0) throw new Error(`${JSON.stringify(command)} produced no event`);
    history.push(...events);
  }
  return history;
};

const money = (amount: string) => ({ amount, currency: 'EUR' });

const haircut: ServiceFields = {
  name: 'Haircut',
  type: 'APPOINTMENT',
  category: null,
  hidden: false,
  defaultCapacity: 1,
  sessionDurations: [30, 45],
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 10,
  slotSplitIntervalMinutes: 15,
  resourceGroups: [{ resourceIds: ['staff-1', 'staff-2'], requiredCount: 1, selectable: true }],
  locations: [
    { id: 'loc-1', type: 'BUSINESS' },
    { id: null, type: 'CUSTOMER' },
  ],
  onlineBooking: { enabled: true, requireManualApproval: false, allowMultipleRequests: false },
  payment: { rateType: 'FIXED', price: money('25.00'), deposit: null, planIds: [] },
  bookingPolicyId: null,
};

const strictPolicy: BookingPolicyFields = {
  name: 'Strict',
  earliestBookingMinutes: 10080,
  latestBookingMinutes: 60,
  latestCancelMinutes: 1440,
  latestRescheduleMinutes: 1440,
  bookAfterStart: false,
  waitlist: { capacity: 10, reservationMinutes: 15 },
  maxParticipantsPerBooking: 4,
  autoAssignResources: true,
};
const openPolicy: BookingPolicyFields = {
  name: 'Open',
  earliestBookingMinutes: null,
  latestBookingMinutes: null,
  latestCancelMinutes: null,
  latestRescheduleMinutes: null,
  bookAfterStart: true,
  waitlist: null,
  maxParticipantsPerBooking: 1,
  autoAssignResources: false,
};

const membership: PlanFields = {
  name: 'Monthly membership',
  description: 'Four classes a month, the first week free',
  pricing: { type: 'SUBSCRIPTION', cycle: { unit: 'MONTH', length: 1 }, cycleCount: 12, duration: null, freeTrialDays: 7, price: { amountMinor: 3000, currency: 'EUR' } },
  benefit: { kind: 'LIMITED', credits: 4, serviceIds: ['svc-2'] },
  timeZone: 'Europe/Lisbon',
};
const membershipView = { id: 'plan-1', revision: 1, createdAt: NOW.toISOString(), updatedAt: NOW.toISOString(), ...membership, archivedAt: null };
const punchCard = { ...membershipView, id: 'plan-2', pricing: { ...membership.pricing, type: 'SINGLE_PAYMENT' as const, cycle: null, cycleCount: null, duration: { unit: 'MONTH' as const, length: 3 }, freeTrialDays: 0 } };
const yogaCredits = { credits: 1, serviceId: 'svc-2', servicePlanIds: [], start: '2026-03-04T18:00:00.000Z' };

const slot = (start: string, end: string) => ({
  start,
  end,
  timeZone: 'Europe/Lisbon',
  resourceIds: ['staff-1'],
  locationId: 'loc-1',
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 10,
});
const spring: CouponFields = {
  code: 'SPRING',
  name: 'Spring 10% off',
  discountType: 'PERCENT',
  percentOff: 10,
  amountOffMinor: null,
  validFrom: null,
  validUntil: '2026-06-01T00:00:00.000Z',
  usageLimit: 100,
  perContactLimit: 1,
  serviceIds: ['svc-1'],
  planIds: [],
};

const appointment: BookingFields = {
  serviceId: 'svc-1',
  serviceType: 'APPOINTMENT',
  slot: slot('2026-03-02T09:00:00.000Z', '2026-03-02T09:30:00.000Z'),
  sessionId: null,
  scheduleId: 'sch-1',
  appointmentSessionId: 'ses-appt-1',
  contactId: 'contact-1',
  contactDetails: { name: 'Ana', email: 'ana@example.com', phone: null },
  partySize: 1,
  selectedPaymentOption: 'ONLINE',
  price: money('25.00'),
  planOrderId: null,
  couponCode: 'SPRING',
  policySnapshot: openPolicy,
  priceSnapshot: priceSnapshotOf({ rateType: 'FIXED', price: money('25.00'), deposit: null, partySize: 1, coupon: spring }),
};
const yogaClass: BookingFields = {
  ...appointment,
  serviceId: 'svc-2',
  serviceType: 'CLASS',
  slot: { ...slot('2026-03-09T09:00:00.000Z', '2026-03-09T10:00:00.000Z'), resourceIds: [], locationId: null, bufferAfterMinutes: 0 },
  sessionId: 'ses-yoga',
  scheduleId: null,
  appointmentSessionId: null,
  contactId: null,
  contactDetails: null,
  selectedPaymentOption: 'MEMBERSHIP',
  price: null,
  planOrderId: 'order-1',
  couponCode: null,
  policySnapshot: strictPolicy,
  priceSnapshot: null,
};

const confirmationBy = (channel: NotificationRequest['channel']): NotificationRequest => ({
  id: `notification-${channel.toLowerCase()}-1`,
  trigger: 'BOOKING_CONFIRMED',
  channel,
  contactId: 'contact-1',
  bookingId: 'bk-1',
  outboxId: 'outbox-1',
});
const confirmationEmail: RenderedMessage = {
  to: 'ana@example.com',
  subject: 'Booking confirmed: Haircut',
  text: 'Hello Ana, your booking is confirmed.',
  html: null,
  calendar: { method: 'REQUEST', uid: 'bk-1@kairos', sequence: 0, start: '2026-03-02T09:00:00.000Z', end: '2026-03-02T09:30:00.000Z', summary: 'Haircut', description: null, location: null },
};

/** A delivery's published events: its attempts and retries stay in its stream. */
const published = (schemas: Parameters<typeof eventTypesOf>[0], events: DomainEvent[]) => {
  const types: string[] = eventTypesOf(schemas);
  return events.filter((event) => types.includes(event.type));
};

export const produced: DomainEvent[] = [
  ...drive(serviceDecider, { now: NOW }, [
    { type: 'CreateService', id: 'svc-1', scheduleId: 'sch-1', timeZone: 'Europe/Lisbon', fields: haircut },
    {
      type: 'UpdateService',
      patch: {
        name: 'Long haircut',
        category: 'Hair',
        slotSplitIntervalMinutes: null,
        payment: { rateType: 'FIXED', price: money('30.00'), deposit: money('10.00'), planIds: ['plan-1'] },
        bookingPolicyId: 'policy-1',
        onlineBooking: { enabled: true, requireManualApproval: true, allowMultipleRequests: true },
      },
      expectedRevision: 1,
    },
    { type: 'DeleteService' },
  ]),
  ...drive(bookingPolicyDecider, { now: NOW }, [
    { type: 'CreateBookingPolicy', id: 'policy-1', fields: strictPolicy },
    { type: 'MakeDefault', previousDefaultId: null },
    { type: 'UpdateBookingPolicy', patch: { latestBookingMinutes: null, bookAfterStart: true, waitlist: null, name: 'Relaxed' } },
    { type: 'UpdateBookingPolicy', patch: { latestBookingMinutes: 30, bookAfterStart: false, waitlist: { capacity: 2, reservationMinutes: 5 } } },
    { type: 'DeleteBookingPolicy', isDefault: false },
  ]),
  ...drive(bookingPolicyDecider, { now: NOW }, [
    { type: 'CreateBookingPolicy', id: 'policy-2', fields: openPolicy },
    { type: 'MakeDefault', previousDefaultId: 'policy-1' },
  ]),
  ...drive(resourceDecider, { now: NOW }, [
    {
      type: 'CreateResource',
      id: 'staff-1',
      scheduleId: 'sch-staff-1',
      fields: { type: 'STAFF', name: 'Rita', email: 'rita@example.com', phone: null, tags: ['senior'], usesBusinessHours: true },
    },
    { type: 'UpdateResource', patch: { email: null, phone: '+351 900 000 000', tags: [], usesBusinessHours: false } },
    { type: 'DeleteResource' },
  ]),
  ...drive(locationDecider, { now: NOW }, [
    { type: 'CreateLocation', id: 'loc-1', fields: { name: 'Main', type: 'BUSINESS', timeZone: 'Europe/Lisbon', address: null, isDefault: false } },
    {
      type: 'UpdateLocation',
      patch: { isDefault: true, address: { formatted: 'Rua 1, Lisboa', street: 'Rua 1', city: 'Lisboa', postalCode: null, country: 'PT' } },
    },
    { type: 'UpdateLocation', patch: { address: null, type: 'CUSTOM', name: 'Pop-up' } },
    { type: 'ArchiveLocation' },
  ]),
  ...drive(scheduleDecider, { now: NOW }, [
    {
      type: 'CreateSchedule',
      id: 'sch-1',
      fields: {
        ownerType: 'SERVICE',
        ownerId: 'svc-1',
        timeZone: 'Europe/Lisbon',
        tags: ['INDIVIDUAL'],
        capacity: 1,
        linkedSchedules: [{ scheduleId: 'sch-business', transparency: 'FREE' }],
        workingHours: [{ daysOfWeek: ['MON', 'TUE'], startTime: '09:00', endTime: '17:00', everyWeeks: 1, validFrom: null, validUntil: '2026-12-31' }],
        locationId: null,
      },
    },
    {
      type: 'UpdateSchedule',
      patch: {
        capacity: 5,
        tags: ['GROUP'],
        linkedSchedules: [],
        locationId: 'loc-1',
        timeZone: 'Europe/London',
        workingHours: [{ daysOfWeek: ['SAT'], startTime: '22:00', endTime: '06:00', everyWeeks: 2, validFrom: '2026-03-01', validUntil: null }],
      },
    },
    { type: 'CancelSchedule', actor: 'BUSINESS' },
  ]),
  ...drive(sessionDecider, { now: NOW, isOccurrence: () => true }, [
    {
      type: 'CreateSession',
      id: 'ses-yoga',
      fields: {
        scheduleId: 'sch-2',
        type: 'EVENT',
        timeZone: 'Europe/Lisbon',
        localStart: '2026-03-02T09:00',
        localEnd: '2026-03-02T10:00',
        recurrence: 'FREQ=WEEKLY;COUNT=6',
        exdates: ['2026-03-16T09:00'],
        title: null,
        capacity: null,
        resourceIds: ['staff-1'],
        affectedSchedules: null,
        bufferBeforeMinutes: 0,
        bufferAfterMinutes: 0,
        locationId: null,
      },
    },
    { type: 'UpdateSeries', changes: { title: 'Yoga', capacity: 8, affectedSchedules: [{ scheduleId: 'sch-room', transparency: 'BUSY' }], locationId: 'loc-1' } },
    {
      type: 'UpdateInstance',
      instanceId: 'inst-1',
      originalStart: '2026-03-09T09:00:00.000Z',
      changes: { localStart: '2026-03-09T10:00', localEnd: '2026-03-09T11:00', capacity: 4 },
    },
    { type: 'UpdateInstance', instanceId: 'inst-1', originalStart: '2026-03-09T09:00:00.000Z', changes: { capacity: null, title: 'Yoga (outdoor)' } },
    { type: 'CancelInstance', instanceId: 'inst-2', originalStart: '2026-03-23T09:00:00.000Z', actor: 'BUSINESS' },
    { type: 'CancelSeries', from: '2026-03-30T09:00:00.000Z', continuedBy: 'ses-yoga-2', actor: 'BUSINESS' },
  ]),
  ...drive(sessionDecider, { now: NOW }, [
    {
      type: 'CreateSession',
      id: 'ses-once',
      fields: {
        scheduleId: 'sch-2',
        type: 'AVAILABILITY',
        timeZone: 'Europe/Lisbon',
        localStart: '2026-03-03T09:00',
        localEnd: '2026-03-03T12:00',
        recurrence: null,
        exdates: [],
        title: 'Open lab',
        capacity: 3,
        resourceIds: [],
        affectedSchedules: [],
        bufferBeforeMinutes: 5,
        bufferAfterMinutes: 5,
        locationId: 'loc-1',
      },
    },
    { type: 'CancelSeries', from: null, actor: 'SYSTEM' },
  ]),
  ...drive(bookingDecider, { now: NOW, actor: 'CUSTOMER', requireManualApproval: true }, [
    { type: 'CreateBooking', id: 'bk-1', fields: appointment, draft: false },
    [{ type: 'ConfirmBooking', expectedRevision: 1 }, { actor: 'BUSINESS' }],
    [
      { type: 'RescheduleBooking', slot: slot('2026-03-03T09:00:00.000Z', '2026-03-03T09:30:00.000Z'), sessionId: null, appointmentSessionId: 'ses-appt-2' },
      { actor: 'BUSINESS' },
    ],
    { type: 'UpdatePayment', paymentStatus: 'PARTIALLY_PAID', amountPaid: '10.00' },
    { type: 'UpdatePayment', paymentStatus: 'PAID', amountPaid: '25.00' },
    [{ type: 'MarkAttendance', status: 'ATTENDED', attendeeCount: 1 }, { actor: 'BUSINESS', now: LATER }],
  ]),
  ...drive(bookingDecider, { now: NOW, actor: 'BUSINESS', ignorePolicy: true }, [
    { type: 'CreateBooking', id: 'bk-2', fields: yogaClass, draft: true },
    { type: 'UpdateParticipants', partySize: 3 },
    [{ type: 'CancelBooking', reason: 'sick', restoreCredit: true }, { now: at('2026-03-09T08:00:00.000Z') }],
  ]),
  ...drive(bookingDecider, { now: NOW, actor: 'CUSTOMER', requireManualApproval: true, allowMultipleRequests: true }, [
    { type: 'CreateBooking', id: 'bk-3', fields: { ...appointment, selectedPaymentOption: 'OFFLINE' }, draft: false },
    [{ type: 'DeclineBooking', reason: null }, { actor: 'BUSINESS' }],
  ]),
  ...drive(bookingDecider, { now: NOW, actor: 'CUSTOMER' }, [
    { type: 'CreateBooking', id: 'bk-4', fields: { ...yogaClass, policySnapshot: openPolicy, partySize: 1, selectedPaymentOption: 'MEMBERSHIP_OFFLINE' }, draft: false },
    { type: 'CancelBooking', reason: null, restoreCredit: false },
  ]),
  ...drive(couponDecider, { now: NOW }, [
    { type: 'CreateCoupon', id: 'coupon-1', fields: spring },
    { type: 'UpdateCoupon', patch: { usageLimit: 200, validUntil: null } },
    { type: 'UseCoupon', bookingId: 'bk-1', planOrderId: null, contactId: 'contact-1', serviceId: 'svc-1', planId: null, price: { subtotalMinor: 2500, currency: 'EUR' } },
    { type: 'ReleaseCoupon', useId: 'bk-1' },
    { type: 'ArchiveCoupon' },
  ]),
  ...drive(slotHoldDecider, { now: NOW }, [
    { type: 'PlaceHold', minutes: 10, hold: { id: 'hold-1', serviceId: 'svc-1', serviceType: 'APPOINTMENT', slot: appointment.slot, sessionId: null, scheduleId: null, appointmentSessionId: 'ses-appt-1', partySize: 1, contactId: 'contact-1' } },
    { type: 'BookHold', bookingId: 'bk-1', contactId: 'contact-1', actor: 'CUSTOMER' },
  ]),
  ...drive(slotHoldDecider, { now: NOW }, [
    { type: 'PlaceHold', minutes: 5, hold: { id: 'hold-2', serviceId: 'svc-2', serviceType: 'CLASS', slot: yogaClass.slot, sessionId: 'ses-yoga', scheduleId: 'sch-2', appointmentSessionId: null, partySize: 2, contactId: 'contact-2' } },
    { type: 'ReleaseHold', actor: 'CUSTOMER' },
  ]),
  ...drive(slotHoldDecider, { now: NOW }, [
    { type: 'PlaceHold', minutes: 5, hold: { id: 'hold-3', serviceId: 'svc-2', serviceType: 'CLASS', slot: yogaClass.slot, sessionId: 'ses-yoga', scheduleId: 'sch-2', appointmentSessionId: null, partySize: 1, contactId: 'contact-3' } },
    [{ type: 'ExpireHold', actor: 'SYSTEM' }, { now: LATER }],
  ]),
  ...drive(waitlistDecider, { now: NOW }, [
    { type: 'Join', sessionId: 'ses-yoga', entryId: 'entry-1', contactId: 'contact-1', partySize: 2, waitlistCapacity: 5, openSpots: 0 },
    { type: 'Join', sessionId: 'ses-yoga', entryId: 'entry-2', contactId: 'contact-2', partySize: 1, waitlistCapacity: 5, openSpots: 0 },
    { type: 'OfferFreed', freeSeats: 3, reservationMinutes: 15 },
    { type: 'Accept', entryId: 'entry-1', contactId: 'contact-1', bookingId: 'bk-5', actor: 'CUSTOMER' },
    [{ type: 'Expire', entryId: 'entry-2', actor: 'SYSTEM' }, { now: LATER }],
    { type: 'Join', sessionId: 'ses-yoga', entryId: 'entry-3', contactId: 'contact-3', partySize: 1, waitlistCapacity: 5, openSpots: 0 },
    { type: 'Leave', entryId: 'entry-3', actor: 'CUSTOMER' },
    { type: 'Join', sessionId: 'ses-yoga', entryId: 'entry-4', contactId: 'contact-4', partySize: 1, waitlistCapacity: 5, openSpots: 0 },
    { type: 'OfferFreed', freeSeats: 1, reservationMinutes: 15 },
    { type: 'Leave', entryId: 'entry-4', actor: 'BUSINESS' },
  ]),
  ...drive(planDecider, { now: NOW }, [
    { type: 'CreatePlan', id: 'plan-1', fields: membership },
    { type: 'UpdatePlan', patch: { name: 'Monthly membership (4 classes)' } },
    { type: 'ArchivePlan' },
  ]),
  ...drive(planOrderDecider, { now: NOW }, [
    { type: 'PurchasePlan', id: 'order-1', plan: membershipView, contactId: 'contact-2' },
    { type: 'RedeemCredits', bookingId: 'bk-2', ...yogaCredits },
    { type: 'RestoreCredits', bookingId: 'bk-2' },
    { type: 'UpdatePayment', paymentStatus: 'PAID', amountPaid: 3000, actor: 'BUSINESS' },
    [{ type: 'PauseOrder', actor: 'CUSTOMER', reason: 'travelling' }, { now: at('2026-03-03T10:00:00.000Z') }],
    [{ type: 'ResumeOrder', actor: 'CUSTOMER' }, { now: at('2026-03-05T10:00:00.000Z') }],
    [{ type: 'Tick' }, { now: at('2026-03-10T10:00:00.000Z') }],
    [{ type: 'CancelOrder', effective: 'END_OF_CYCLE', actor: 'CUSTOMER', reason: 'moving away' }, { now: at('2026-03-11T10:00:00.000Z') }],
    [{ type: 'Tick' }, { now: at('2026-04-11T10:00:00.000Z') }],
  ]),
  ...drive(planOrderDecider, { now: NOW }, [
    { type: 'PurchasePlan', id: 'order-2', plan: punchCard, contactId: 'contact-3' },
    { type: 'UpdatePayment', paymentStatus: 'PAID', amountPaid: 3000, actor: 'BUSINESS' },
    { type: 'CancelOrder', effective: 'NOW', actor: 'BUSINESS' },
  ]),
  ...drive(planOrderDecider, { now: NOW }, [
    { type: 'PurchasePlan', id: 'order-3', plan: punchCard, contactId: 'contact-4', price: null },
    [{ type: 'Tick' }, { now: at('2026-06-02T00:00:00.000Z') }],
  ]),
  ...drive(contactDecider, { now: NOW }, [
    { type: 'CreateContact', id: 'contact-1', fields: { name: 'Ana Silva', email: 'ana@example.com', phone: '+351912345678', timeZone: 'Europe/Lisbon' } },
    { type: 'UpdateContact', patch: { phone: '+351913000111' } },
    { type: 'AddNote', noteId: 'note-1', text: 'Prefers mornings.', author: { type: 'BUSINESS', id: 'staff-1' } },
    { type: 'DeleteNote', noteId: 'note-1' },
    [{ type: 'EraseContact' }, { now: LATER }],
  ]),
  ...published(calendarsEvents.events, drive(connectionDecider, { now: NOW }, [
    { type: 'CreateConnection', id: 'cal-1', fields: CALENDAR_FIELDS, scheduleId: 'sch-staff-1', secret: null },
    {
      type: 'RecordSync',
      window: { from: NOW, to: at('2027-03-01T00:00:00.000Z') },
      snapshot: { kind: 'full', occurrences: [{ object: 'dentist@example.com', occurrence: '', start: at('2026-03-03T14:00:00.000Z'), end: at('2026-03-03T15:00:00.000Z') }] },
      cursor: '"etag-1"',
      limit: 500,
    },
    [{ type: 'RecordSyncFailure', reason: 'timeout', detail: 'no answer within 20000 ms' }, { now: LATER }],
    [{ type: 'UpdateConnection', patch: { syncIntervalMinutes: 30 } }, { now: LATER }],
    [{ type: 'DeleteConnection' }, { now: LATER }],
  ])),
  ...drive(settingsDecider, { now: NOW }, [
    { type: 'UpdateSettings', reminderHoursBefore: 2, senderName: 'Baixa Hair Studio', enabled: { BOOKING_CONFIRMED: { SMS: true } } },
    { type: 'PutTemplate', trigger: 'BOOKING_CONFIRMED', channel: 'EMAIL', template: { subject: 'See you soon, {{contact.name}}', body: 'Your {{service.name}} is on {{booking.start}} ({{booking.timeZone}}).' } },
  ]),
  ...published(notificationsEvents.events, [
    ...drive(deliveryDecider, { now: NOW }, [
      { type: 'RequestNotification', request: confirmationBy('EMAIL'), message: confirmationEmail },
      { type: 'StartAttempt' },
      { type: 'RecordSent', attempt: 1, provider: 'smtp', providerMessageId: '<notification-1@kairos>', answer: '250 OK: queued' },
    ]),
    ...drive(deliveryDecider, { now: NOW }, [
      { type: 'RequestNotification', request: confirmationBy('SMS'), message: { ...confirmationEmail, to: '+351912345678', subject: null, html: null, calendar: null } },
      { type: 'StartAttempt' },
      { type: 'RecordFailure', attempt: 1, permanent: true, error: 'the number cannot receive text messages', answer: '400 {"code":21614}' },
    ]),
  ]),
];
