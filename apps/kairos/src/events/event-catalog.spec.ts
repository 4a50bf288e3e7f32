import { ActorType, DomainEvent } from '@kairos/core';
import {
  AttendanceStatus,
  BookingEvent,
  claimsDecider,
  seatsDecider,
  BookingStatus,
  PaymentOption,
  EntryStatus,
  PaymentStatus,
  SlotHoldEvent,
  SlotHoldView,
  WaitlistEvent,
} from '@kairos/bookings';
import { ConnectionEvent, FOLLOWED_BOOKING_TYPES, FollowedBookingEvent, connectionDecider, entryDecider, feedDecider } from '@kairos/calendars';
import { ContactEvent, contactEmailDecider } from '@kairos/clients';
import { BenefitKind, CancelEffective, CouponEvent, DiscountType, PaymentStatus as OrderPaymentStatus, PlanEvent, PlanOrderEvent, PlanOrderStatus, PricingType, couponCodeDecider } from '@kairos/memberships';
import { CHANNELS, DeliveryEvent, SettingsEvent, TRIGGERS, deliveryDecider, outboxDecider } from '@kairos/notifications';
import { LocationEvent, LocationFields, ResourceEvent, ResourceType } from '@kairos/resources';
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
} from '@kairos/scheduling';
import { BookingPolicyEvent, LocationType, RateType, ServiceEvent, ServiceType, defaultPolicyDecider } from '@kairos/services';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ceTypeOf, toPublishedMessage } from '@kairos/publisher';
import { aggregateOf, asyncApiDocument } from '@kairos/publisher/asyncapi/asyncapi';
import { JsonSchema, toJsonSchema } from '@kairos/publisher/asyncapi/json-schema';
import { schemaErrors } from '@kairos/publisher/asyncapi/schema-check.fixture';
import { EVENT_ROUTES } from '../capabilities';
import { CALENDAR_FIELDS, NOW, drive, produced } from './decider-drives';
import { asRecorded, keyOf } from './event-examples';

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
  | WaitlistEvent['type']
  | PlanEvent['type']
  | PlanOrderEvent['type']
  | CouponEvent['type']
  | ContactEvent['type']
  | Exclude<DeliveryEvent['type'], 'notification.rendered' | 'notification.attempted' | 'notification.deferred'>
  | SettingsEvent['type']
  | Exclude<ConnectionEvent['type'], 'calendar-connection.secret-set' | 'calendar-connection.cursor-moved'>;
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
  'plan.created': true,
  'plan.updated': true,
  'plan.archived': true,
  'plan-order.purchased': true,
  'plan-order.started': true,
  'plan-order.cycle-started': true,
  'plan-order.paused': true,
  'plan-order.resumed': true,
  'plan-order.ended': true,
  'plan-order.cancel-scheduled': true,
  'plan-order.canceled': true,
  'plan-order.credits-redeemed': true,
  'plan-order.credits-restored': true,
  'plan-order.payment-updated': true,
  'coupon.created': true,
  'coupon.updated': true,
  'coupon.archived': true,
  'coupon.redeemed': true,
  'coupon.released': true,
  'contact.created': true,
  'contact.updated': true,
  'contact.deleted': true,
  'contact.note-added': true,
  'contact.note-deleted': true,
  'notification.requested': true,
  'notification.sent': true,
  'notification.failed': true,
  'notification-settings.updated': true,
  'calendar-connection.created': true,
  'calendar-connection.updated': true,
  'calendar-connection.deleted': true,
  'external-busy.synced': true,
  'calendar-connection.sync-failed': true,
};

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
  ...drive(couponCodeDecider, { now: NOW }, [{ type: 'ClaimCouponCode', code: 'SPRING', couponId: 'coupon-1' }]),
  ...drive(contactEmailDecider, { now: NOW }, [
    { type: 'ClaimEmail', contactId: 'contact-1' },
    { type: 'ReleaseEmail', contactId: 'contact-1' },
  ]),
  ...drive(deliveryDecider, { now: NOW }, [
    {
      type: 'RequestNotification',
      request: { id: 'notification-2', trigger: 'BOOKING_REMINDER', channel: 'EMAIL', contactId: 'contact-1', bookingId: 'bk-1', outboxId: 'outbox-2' },
      message: { to: 'ana@example.com', subject: 'Reminder', text: 'See you tomorrow', html: null, calendar: null },
    },
    { type: 'StartAttempt' },
    { type: 'RecordFailure', attempt: 1, permanent: false, error: 'connection refused', answer: null },
  ]).filter((event) => event.type !== 'notification.requested'),
  ...drive(outboxDecider, { now: NOW }, [{ type: 'DispatchOutbox', outboxId: 'outbox-2', notificationIds: ['notification-2'], skipped: null }]),
  ...drive(feedDecider, { now: NOW }, [{ type: 'IssueFeed', id: 'feed-1', scope: 'RESOURCE', ownerId: 'staff-1', name: null, tokenDigest: 'digest-1' }, { type: 'RevokeFeed' }]),
  ...drive(connectionDecider, { now: NOW }, [
    { type: 'CreateConnection', id: 'cal-2', fields: CALENDAR_FIELDS, scheduleId: 'sch-staff-1', secret: 'app-password' },
    { type: 'RecordSync', window: { from: NOW, to: new Date('2027-03-01T00:00:00Z') }, snapshot: { kind: 'full', occurrences: [] }, cursor: 'sync-token-1', limit: 500 },
  ]).filter((event) => event.type === 'calendar-connection.secret-set' || event.type === 'calendar-connection.cursor-moved'),
  ...drive(entryDecider, { now: NOW }, [
    { type: 'RecordWriteFailed', connectionId: 'cal-2', bookingId: 'bk-1', sequence: 0, action: 'PUT', reason: 'unreachable', detail: 'connection refused', giveUp: false },
    { type: 'RecordWritten', connectionId: 'cal-2', bookingId: 'bk-1', sequence: 0, href: 'https://dav.example.com/ana/work/bk-1.ics', etag: '"1"' },
    { type: 'RecordRemoved', connectionId: 'cal-2', bookingId: 'bk-1', sequence: 1 },
  ]),
];

// Every other event has a causation id, so the headers are checked with and without one.
const recordedAll = asRecorded([...produced, ...internal], EVENT_ROUTES, 't1').map((r) =>
  r.position % 2 ? { ...r, metadata: { ...r.metadata, causationId: 'cause-1' } } : r,
);
/** The event as the store would hand it to the publisher. */
const recorded = (event: DomainEvent) => recordedAll.find((r) => r.data === event.data)!;

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
    for (const entry of EVENT_CATALOG) expect(entry.topic).toBe(`kairos.${entry.capability}.v${entry.schemaVersion}`);
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
    expect(typesOf(internal)).toEqual([
      'booking-policy-default.changed',
      'calendar-connection.cursor-moved',
      'calendar-connection.secret-set',
      'calendar-entry.removed',
      'calendar-entry.write-failed',
      'calendar-entry.written',
      'calendar-feed.issued',
      'calendar-feed.revoked',
      'contact-email.claimed',
      'contact-email.released',
      'coupon-code.claimed',
      'notification-outbox.dispatched',
      'notification.attempted',
      'notification.deferred',
      'notification.rendered',
      'resource-claim.claimed',
      'resource-claim.released',
      'seats.released',
      'seats.taken',
    ]);
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
      ['coupon.created', 'discountType', members<DiscountType>({ PERCENT: true, FIXED: true })],
      ['booking.created', 'priceSnapshot.rateType', members<RateType>({ FIXED: true, VARIED: true, CUSTOM: true, NO_FEE: true })],
      ['waitlist.joined', 'status', members<EntryStatus>({ WAITING: true, OFFERED: true, ENROLLED: true, EXPIRED: true, LEFT: true })],
      ['plan.created', 'pricing.type', members<PricingType>({ SUBSCRIPTION: true, SINGLE_PAYMENT: true, UNLIMITED: true })],
      ['plan.created', 'benefit.kind', members<BenefitKind>({ LIMITED: true, UNLIMITED: true })],
      ['plan-order.purchased', 'status', members<PlanOrderStatus>({ PENDING: true, ACTIVE: true, PAUSED: true, ENDED: true, CANCELED: true })],
      ['plan-order.purchased', 'paymentStatus', members<OrderPaymentStatus>({ NOT_PAID: true, PAID: true, PARTIALLY_PAID: true, REFUNDED: true, EXEMPT: true })],
      ['plan-order.canceled', 'effective', members<CancelEffective>({ NOW: true, END_OF_CYCLE: true })],
      ['notification.requested', 'trigger', [...TRIGGERS].sort()],
      ['notification.sent', 'channel', [...CHANNELS].sort()],
    ] as const)('%s %s', (type, path, values) => {
      expect(enumAt(type, path)).toEqual(values);
    });
  });
});

/** Compiles only while every booking event write-back follows still fits the shape it reads (libs/calendars names them, not imports them). */
const asFollowed = (event: Extract<BookingEvent, { type: FollowedBookingEvent['type'] }>): FollowedBookingEvent => event;

describe('the booking events calendar write-back follows', () => {
  it('are booking events the deciders produce, as libs/bookings declares them', () => {
    const followed = produced.filter((event): event is Extract<BookingEvent, { type: FollowedBookingEvent['type'] }> => (FOLLOWED_BOOKING_TYPES as readonly string[]).includes(event.type));
    expect([...new Set(followed.map((event) => asFollowed(event).type))].sort()).toEqual([...FOLLOWED_BOOKING_TYPES].sort());
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
