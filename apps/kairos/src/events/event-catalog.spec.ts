import { ActorType, DecisionContext, Decider, DomainEvent, RecordedEvent, streamId } from '@kairos/core';
import {
  AttendanceStatus,
  BookingEvent,
  BookingFields,
  BookingStatus,
  PaymentOption,
  EntryStatus,
  PaymentStatus,
  SlotHoldEvent,
  SlotHoldView,
  WaitlistEvent,
  bookingDecider,
  claimsDecider,
  seatsDecider,
  slotHoldDecider,
  waitlistDecider,
} from '@kairos/bookings';
import { LocationEvent, LocationFields, ResourceEvent, ResourceType, locationDecider, resourceDecider } from '@kairos/resources';
import {
  DayOfWeek,
  ScheduleEvent,
  ScheduleOwnerType,
  ScheduleTag,
  ScheduleView,
  SessionEvent,
  SessionType,
  SessionView,
  Transparency,
  scheduleDecider,
  sessionDecider,
} from '@kairos/scheduling';
import {
  BookingPolicyEvent,
  BookingPolicyFields,
  LocationType,
  RateType,
  ServiceEvent,
  ServiceFields,
  ServiceType,
  bookingPolicyDecider,
  defaultPolicyDecider,
  serviceDecider,
} from '@kairos/services';
import { given } from '@kairos/testing';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ceTypeOf, toPublishedMessage } from '@kairos/publisher';
import { aggregateOf, asyncApiDocument } from '@kairos/publisher/asyncapi/asyncapi';
import { JsonSchema, toJsonSchema } from '@kairos/publisher/asyncapi/json-schema';
import { schemaErrors } from '@kairos/publisher/asyncapi/schema-check.fixture';
import { EVENT_ROUTES } from '../capabilities';

// Every event type of the published aggregates. A new member of a union fails to compile here until it is listed.
type PublishedType =
  | ServiceEvent['type']
  | BookingPolicyEvent['type']
  | ResourceEvent['type']
  | LocationEvent['type']
  | ScheduleEvent['type']
  | SessionEvent['type']
  | BookingEvent['type']
  | SlotHoldEvent['type']
  | WaitlistEvent['type'];
const PUBLISHED_TYPES: Record<PublishedType, true> = {
  'service.created': true,
  'service.updated': true,
  'service.deleted': true,
  'booking-policy.created': true,
  'booking-policy.updated': true,
  'booking-policy.deleted': true,
  'booking-policy.default-set': true,
  'resource.created': true,
  'resource.updated': true,
  'resource.deleted': true,
  'location.created': true,
  'location.updated': true,
  'location.archived': true,
  'schedule.created': true,
  'schedule.updated': true,
  'schedule.canceled': true,
  'session.created': true,
  'session.updated': true,
  'session.canceled': true,
  'booking.created': true,
  'booking.confirmed': true,
  'booking.declined': true,
  'booking.canceled': true,
  'booking.rescheduled': true,
  'booking.participants-updated': true,
  'booking.attendance-marked': true,
  'booking.payment-updated': true,
  'slot-hold.placed': true,
  'slot-hold.released': true,
  'slot-hold.expired': true,
  'slot-hold.booked': true,
  'waitlist.joined': true,
  'waitlist.offered': true,
  'waitlist.accepted': true,
  'waitlist.offer-expired': true,
  'waitlist.left': true,
};

const NOW = new Date('2026-03-01T10:00:00.000Z');
const LATER = new Date('2026-04-01T10:00:00.000Z');
const at = (iso: string) => new Date(iso);

/** Runs commands one after the other, each decided on the state the previous ones left. */
const drive = <C, S, E extends DomainEvent, Ctx extends DecisionContext>(decider: Decider<C, S, E, Ctx>, context: Ctx, steps: (C | [C, Partial<Ctx>])[]) => {
  const history: E[] = [];
  for (const step of steps) {
    const [command, extra] = Array.isArray(step) ? step : [step, {}];
    const events = given(decider, history).when(command, { ...context, ...extra })();
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

const slot = (start: string, end: string) => ({
  start,
  end,
  timeZone: 'Europe/Lisbon',
  resourceIds: ['staff-1'],
  locationId: 'loc-1',
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 10,
});
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
};

const produced: DomainEvent[] = [
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
    { type: 'CancelSchedule' },
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
    { type: 'CancelInstance', instanceId: 'inst-2', originalStart: '2026-03-23T09:00:00.000Z' },
    { type: 'CancelSeries', from: '2026-03-30T09:00:00.000Z', continuedBy: 'ses-yoga-2' },
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
    { type: 'CancelSeries', from: null },
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
  ...drive(slotHoldDecider, { now: NOW }, [
    { type: 'PlaceHold', minutes: 10, hold: { id: 'hold-1', serviceId: 'svc-1', serviceType: 'APPOINTMENT', slot: appointment.slot, sessionId: null, scheduleId: null, appointmentSessionId: 'ses-appt-1', partySize: 1, contactId: 'contact-1' } },
    { type: 'BookHold', bookingId: 'bk-1', contactId: 'contact-1' },
  ]),
  ...drive(slotHoldDecider, { now: NOW }, [
    { type: 'PlaceHold', minutes: 5, hold: { id: 'hold-2', serviceId: 'svc-2', serviceType: 'CLASS', slot: yogaClass.slot, sessionId: 'ses-yoga', scheduleId: 'sch-2', appointmentSessionId: null, partySize: 2, contactId: 'contact-2' } },
    { type: 'ReleaseHold' },
  ]),
  ...drive(slotHoldDecider, { now: NOW }, [
    { type: 'PlaceHold', minutes: 5, hold: { id: 'hold-3', serviceId: 'svc-2', serviceType: 'CLASS', slot: yogaClass.slot, sessionId: 'ses-yoga', scheduleId: 'sch-2', appointmentSessionId: null, partySize: 1, contactId: 'contact-3' } },
    [{ type: 'ExpireHold' }, { now: LATER }],
  ]),
  ...drive(waitlistDecider, { now: NOW }, [
    { type: 'Join', sessionId: 'ses-yoga', entryId: 'entry-1', contactId: 'contact-1', partySize: 2, waitlistCapacity: 5, openSpots: 0 },
    { type: 'Join', sessionId: 'ses-yoga', entryId: 'entry-2', contactId: 'contact-2', partySize: 1, waitlistCapacity: 5, openSpots: 0 },
    { type: 'OfferFreed', freeSeats: 3, reservationMinutes: 15 },
    { type: 'Accept', entryId: 'entry-1', contactId: 'contact-1', bookingId: 'bk-5' },
    [{ type: 'Expire', entryId: 'entry-2' }, { now: LATER }],
    { type: 'Join', sessionId: 'ses-yoga', entryId: 'entry-3', contactId: 'contact-3', partySize: 1, waitlistCapacity: 5, openSpots: 0 },
    { type: 'Leave', entryId: 'entry-3' },
    { type: 'Join', sessionId: 'ses-yoga', entryId: 'entry-4', contactId: 'contact-4', partySize: 1, waitlistCapacity: 5, openSpots: 0 },
    { type: 'OfferFreed', freeSeats: 1, reservationMinutes: 15 },
    { type: 'Leave', entryId: 'entry-4' },
  ]),
];

// Internal streams: produced by deciders too, never published.
const internal: DomainEvent[] = [
  ...drive(defaultPolicyDecider, { now: NOW }, [{ type: 'SetDefaultPolicy', policyId: 'policy-1' }]),
  ...drive(claimsDecider, { now: NOW }, [
    { type: 'Claim', resourceId: 'staff-1', bucket: '2026-03-02T09', claim: { holderId: 'bk-1', start: Date.parse('2026-03-02T09:00:00Z'), end: Date.parse('2026-03-02T09:40:00Z') } },
    { type: 'Release', resourceId: 'staff-1', bucket: '2026-03-02T09', holderId: 'bk-1' },
  ]),
  ...drive(seatsDecider, { now: NOW }, [
    { type: 'Take', offerId: 'ses-yoga', holderId: 'bk-2', partySize: 2, capacity: 8 },
    { type: 'Release', offerId: 'ses-yoga', holderId: 'bk-2' },
  ]),
];

let position = 0;
const revisions = new Map<string, number>();
/** The event as the store would hand it to the publisher. */
/** The id a consumer gets as the key: the aggregate's, and a waitlist's is its session's. */
const keyOf = (event: DomainEvent) => {
  const data = event.data as { id?: string; sessionId?: string };
  return (aggregateOf(event.type) === 'waitlist' ? data.sessionId : data.id) ?? 'internal';
};
const recorded = (event: DomainEvent): RecordedEvent => {
  const id = keyOf(event);
  const stream = streamId(aggregateOf(event.type), 't1', id);
  const streamRevision = revisions.get(stream) ?? 0;
  revisions.set(stream, streamRevision + 1);
  position += 3;
  return {
    id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    type: event.type,
    schemaVersion: 1,
    data: event.data,
    metadata: { tenant: 't1', actor: { type: 'BUSINESS' }, occurredAt: NOW.toISOString(), correlationId: 'corr-1', ...(position % 2 ? { causationId: 'cause-1' } : {}) },
    streamId: stream,
    streamRevision,
    position,
    recordedAt: NOW.toISOString(),
  };
};

const { events: EVENT_CATALOG, routeOf } = EVENT_ROUTES;
const catalogTypes = EVENT_CATALOG.map((e) => e.type);
const routed = (type: string) => routeOf(type) !== undefined;
const payloadOf = (type: string) => toJsonSchema(routeOf(type)!.body);
const typesOf = (events: DomainEvent[]) => [...new Set(events.map((e) => e.type))].sort();

describe('the event catalog', () => {
  it('lists each event type once, at schema version 1', () => {
    expect(new Set(catalogTypes).size).toBe(catalogTypes.length);
    for (const entry of EVENT_CATALOG) expect(entry.schemaVersion).toBe(1);
  });

  it("routes every event to its capability's topic, and all of one aggregate's events to one topic", () => {
    for (const entry of EVENT_CATALOG) expect(entry.topic).toBe(`kairos.${entry.capability}.v1`);
    for (const aggregate of new Set(catalogTypes.map(aggregateOf))) {
      expect(new Set(EVENT_CATALOG.filter((e) => aggregateOf(e.type) === aggregate).map((e) => e.topic)).size).toBe(1);
    }
  });

  it('lists exactly the event types of the published aggregates', () => {
    expect([...catalogTypes].sort()).toEqual(Object.keys(PUBLISHED_TYPES).sort());
  });

  it('lists every event schema declared anywhere in libs/, and no internal event, so a new aggregate cannot slip past', () => {
    const libs = join(__dirname, '../../../../libs');
    const sources = (readdirSync(libs, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !/\.(spec|fixture)\.ts$/.test(f));
    const declared = (pattern: RegExp) => sources.flatMap((f) => [...readFileSync(join(libs, f), 'utf8').matchAll(pattern)].map((m) => m[1]));
    const schemas = declared(/eventSchema\(\s*'([a-z-]+\.[a-z-]+)'/g);
    const internal = declared(/DomainEvent<\s*'([a-z-]+\.[a-z-]+)'/g);
    expect(internal.length).toBeGreaterThan(0);
    expect([...new Set(schemas)].sort()).toEqual([...catalogTypes].sort());
    expect(internal.filter(routed)).toEqual([]);
  });

  it('lists every routed event the deciders produce, and the drives reach every listed one', () => {
    expect(typesOf(produced.filter((e) => routed(e.type)))).toEqual([...catalogTypes].sort());
    expect(produced.filter((e) => !routed(e.type))).toEqual([]);
  });

  it('leaves internal events out: no route, no entry, no message', () => {
    expect(typesOf(internal)).toEqual(['booking-policy-default.changed', 'resource-claim.claimed', 'resource-claim.released', 'seats.released', 'seats.taken']);
    for (const event of internal) {
      expect(routed(event.type)).toBe(false);
      expect(catalogTypes).not.toContain(event.type);
      expect(toPublishedMessage(recorded(event), EVENT_ROUTES)).toBeNull();
    }
  });

  describe('matches every event the deciders produce, as a consumer receives it', () => {
    const document = asyncApiDocument(EVENT_ROUTES);
    const messages = document.components.messages as Record<string, { headers: JsonSchema; payload: JsonSchema }>;
    const cases = produced.map((event, i) => [`${i}: ${event.type}`, event] as const);

    it.each(cases)('%s', (_, event) => {
      const message = toPublishedMessage(recorded(event), EVENT_ROUTES)!;
      const name = message.headers.ce_type;
      expect(name).toBe(ceTypeOf(routeOf(event.type)!));
      expect(document.channels[message.topic]).toBeDefined();
      expect(Object.keys(document.channels[message.topic].messages)).toContain(name);
      expect(message.key).toBe(keyOf(event));
      expect(schemaErrors(messages[name].payload, JSON.parse(message.value))).toEqual([]);
      expect(schemaErrors(messages[name].headers, message.headers)).toEqual([]);
    });
  });

  describe('enumerates exactly the values of the TypeScript unions', () => {
    /** The keys of an exhaustive record: the compiler insists on every member and nothing else. */
    const members = <T extends string>(record: Record<T, true>) => Object.keys(record).sort();
    const enumAt = (type: string, path: string) => {
      let schema = payloadOf(type);
      for (const segment of path.split('.')) {
        const name = segment.replace(/\[\]$/g, '');
        schema = schema.properties![name];
        for (let n = (segment.match(/\[\]/g) ?? []).length; n > 0; n--) schema = schema.items!;
      }
      return (schema.enum ?? []).filter((v) => v !== null).sort();
    };
    const serviceTypes = members<ServiceType>({ APPOINTMENT: true, CLASS: true, COURSE: true });
    const transparency = members<Transparency>({ FREE: true, BUSY: true });
    const bookingStatus = members<BookingStatus>({ CREATED: true, PENDING: true, CONFIRMED: true, DECLINED: true, CANCELED: true, WAITING_LIST: true });
    const actors = members<ActorType>({ BUSINESS: true, CUSTOMER: true, SYSTEM: true });
    const attendance = members<AttendanceStatus>({ NOT_SET: true, ATTENDED: true, NOT_ATTENDED: true });
    const paymentStatus = members<PaymentStatus>({ NOT_PAID: true, PAID: true, PARTIALLY_PAID: true, REFUNDED: true, EXEMPT: true });

    it.each([
      ['service.created', 'type', serviceTypes],
      ['service.created', 'payment.rateType', members<RateType>({ FIXED: true, VARIED: true, CUSTOM: true, NO_FEE: true })],
      ['service.created', 'locations[].type', members<LocationType>({ BUSINESS: true, CUSTOM: true, CUSTOMER: true })],
      ['resource.created', 'type', members<ResourceType>({ STAFF: true, ROOM: true, EQUIPMENT: true })],
      ['location.created', 'type', members<LocationFields['type']>({ BUSINESS: true, CUSTOM: true })],
      ['schedule.created', 'ownerType', members<ScheduleOwnerType>({ SERVICE: true, RESOURCE: true, BUSINESS: true })],
      ['schedule.created', 'tags[]', members<ScheduleTag>({ INDIVIDUAL: true, GROUP: true, COURSE: true })],
      ['schedule.created', 'linkedSchedules[].transparency', transparency],
      ['schedule.created', 'workingHours[].daysOfWeek[]', members<DayOfWeek>({ MON: true, TUE: true, WED: true, THU: true, FRI: true, SAT: true, SUN: true })],
      ['schedule.created', 'status', members<ScheduleView['status']>({ ACTIVE: true, CANCELED: true })],
      ['session.created', 'type', members<SessionType>({ EVENT: true, WORKING_HOURS: true, AVAILABILITY: true })],
      ['session.created', 'status', members<SessionView['status']>({ ACTIVE: true, CANCELED: true })],
      ['session.created', 'affectedSchedules[].transparency', transparency],
      ['booking.created', 'serviceType', serviceTypes],
      ['booking.created', 'status', bookingStatus],
      ['booking.created', 'actor', actors],
      ['booking.created', 'cancellation.actor', actors],
      ['booking.created', 'paymentStatus', paymentStatus],
      ['booking.created', 'selectedPaymentOption', members<PaymentOption>({ OFFLINE: true, ONLINE: true, MEMBERSHIP: true, MEMBERSHIP_OFFLINE: true })],
      ['booking.created', 'attendance.status', attendance],
      ['booking.confirmed', 'previousStatus', bookingStatus],
      ['booking.canceled', 'actor', actors],
      ['booking.attendance-marked', 'status', attendance],
      ['booking.payment-updated', 'previous.paymentStatus', paymentStatus],
      ['slot-hold.placed', 'serviceType', serviceTypes],
      ['slot-hold.placed', 'status', members<SlotHoldView['status']>({ ACTIVE: true, RELEASED: true, EXPIRED: true, BOOKED: true })],
      ['waitlist.joined', 'status', members<EntryStatus>({ WAITING: true, OFFERED: true, ENROLLED: true, EXPIRED: true, LEFT: true })],
    ] as const)('%s %s', (type, path, values) => {
      expect(enumAt(type, path)).toEqual(values);
    });
  });
});

describe('the schema check', () => {
  const schema = payloadOf('booking.attendance-marked');
  const valid = { id: 'bk-1', status: 'ATTENDED', attendeeCount: 1, at: NOW.toISOString() };

  it('accepts a valid body and rejects what does not match', () => {
    expect(schemaErrors(schema, valid)).toEqual([]);
    const { at: _at, ...withoutAt } = valid;
    expect(schemaErrors(schema, withoutAt)).toEqual(['$: missing required at']);
    expect(schemaErrors(schema, { ...valid, status: 'MAYBE' })).toHaveLength(1);
    expect(schemaErrors(schema, { ...valid, attendeeCount: 1.5 })).toHaveLength(1);
    expect(schemaErrors(schema, { ...valid, attendeeCount: -1 })).toHaveLength(1);
    expect(schemaErrors(schema, { ...valid, at: '2026-03-01' })).toHaveLength(1);
    expect(schemaErrors(schema, { ...valid, id: null })).toHaveLength(1);
    expect(schemaErrors(schema, { ...valid, extra: true })).toEqual(['$: extra is not declared']);
  });

  it('takes null only where the schema is nullable, and checks items', () => {
    const created = payloadOf('resource.created');
    const resource = produced.find((e) => e.type === 'resource.created')!.data as Record<string, unknown>;
    expect(schemaErrors(created, { ...resource, email: null })).toEqual([]);
    expect(schemaErrors(created, { ...resource, name: null })).toHaveLength(1);
    expect(schemaErrors(created, { ...resource, tags: ['a', 1] })).toEqual(['$.tags[1]: expected string, got integer 1']);
  });
});
