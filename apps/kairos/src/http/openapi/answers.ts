import { Static, TSchema, Type } from '@sinclair/typebox';
import { PolicyViolations, Slot } from '@kairos/availability';
import { BookingStatus, BookingView, SlotHoldView, WaitlistEntry } from '@kairos/bookings';
import { ConnectionView, FeedView, SyncFailureReason } from '@kairos/calendars';
import { ContactView, NoteAuthor } from '@kairos/clients';
import { flag, instant, integer, listOf, nullable, oneOf, record, text, timeZoneName } from '@kairos/core';
import { CouponUse, CouponView, DiscountType, LedgerEntry, PlanOrderView, PlanView, PriceSnapshot } from '@kairos/memberships';
import { NotificationSettingsView, NotificationTemplateView, NotificationView } from '@kairos/notifications';
import { LocationView, ResourceView } from '@kairos/resources';
import { ScheduleView, SessionDetails, SessionInstance, SessionType, SessionView } from '@kairos/scheduling';
import { BookingPolicyFields, BookingPolicyView, ServiceView } from '@kairos/services';
import { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { openApiSchemaOf } from './schema-objects';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Who holds a place in an EVENT session that can be booked (a single session or one instance), and what is left. */
const participation = {
  participants: Type.Optional(
    listOf(record({ bookingId: text(), contactId: nullable(text()), partySize: integer(undefined, 1), status: BookingStatus }), 'bookings holding a place; EVENT sessions that can be booked only'),
  ),
  openSpots: Type.Optional(integer('capacity less the seats taken and offered; EVENT sessions that can be booked only', 0)),
};

const localDateTime = () => text('local wall clock YYYY-MM-DDTHH:mm in timeZone');

const InstanceShape = record({
  ...SessionDetails.properties,
  id: text('the series id for a single session; UUIDv5(series id, originalStart) for an instance'),
  recurringSessionId: nullable(text('the series; null: a single session')),
  originalStart: instant('where the recurrence put it, before any move'),
  scheduleId: text(),
  type: SessionType,
  start: instant(),
  end: instant(),
  localStart: localDateTime(),
  localEnd: localDateTime(),
  timeZone: timeZoneName(),
  recurrence: nullable(text('the RRULE of its series')),
  status: Type.Unsafe<'ACTIVE' | 'CANCELED'>({ type: 'string', enum: ['ACTIVE', 'CANCELED'] }),
});
true satisfies Same<Static<typeof InstanceShape>, SessionInstance>;

const Violations = record({ tooEarly: flag(), tooLate: flag(), onlineBookingDisabled: flag() });
true satisfies Same<Static<typeof Violations>, PolicyViolations>;

const SlotShape = record({
  start: instant(),
  end: instant(),
  localStart: localDateTime(),
  localEnd: localDateTime(),
  timeZone: timeZoneName(),
  serviceId: text(),
  scheduleId: text(),
  sessionId: nullable(text('CLASS: the session instance')),
  resources: listOf(record({ groupIndex: integer(undefined, 0), resourceIds: listOf(text()) }), 'per resource group of the service, the resources free for the whole slot'),
  locationId: nullable(text()),
  totalSpots: integer(undefined, 0),
  openSpots: integer(undefined, 0),
  waitingList: nullable(record({ totalSpots: integer(undefined, 0), openSpots: integer(undefined, 0) })),
  bookable: flag('openSpots >= partySize, no policy violation, not locked for another contact'),
  policyViolations: Violations,
  locked: flag('seats offered to a waiting contact'),
});
true satisfies Same<Static<typeof SlotShape>, Slot>;

/**
 * What the service answers, by component name: the read models' views as their events declare
 * them, with what the queries and commands add (a booking's allowedActions, a policy's isDefault).
 */
export const ANSWERS = {
  Service: ServiceView,
  BookingPolicy: record({ ...BookingPolicyView.properties, isDefault: flag("whether it is the tenant's default") }),
  BookingPolicyFields: record(BookingPolicyFields.properties, 'a combination of policies: the strictest of each rule'),
  Resource: ResourceView,
  Location: LocationView,
  Schedule: ScheduleView,
  Session: record({ ...SessionView.properties, ...participation }, 'a session as created: single, or a recurring series'),
  SessionInstance: record({ ...InstanceShape.properties, ...participation }, 'one occurrence of a session, with its series changes and overrides applied'),
  Booking: record({
    ...BookingView.properties,
    allowedActions: record({ cancel: flag(), reschedule: flag() }, 'what the caller may still do, given its policy windows'),
  }),
  SlotHold: SlotHoldView,
  WaitlistEntry: record({ ...WaitlistEntry.properties, id: Type.Optional(text('the entryId again, as GET /v1/waitlist/{entryId} answers it')) }),
  Waitlist: record({ id: text('the session'), entries: listOf(WaitlistEntry, 'in join order'), waiting: integer('entries still WAITING', 0) }),
  Slot: record({
    ...SlotShape.properties,
    coveredByPlan: Type.Optional(flag("asked with a contactId: whether one of the contact's ACTIVE plan orders would pay for the party here (covers the service, runs past the start, has the credits)")),
  }),
  Plan: PlanView,
  PlanOrder: PlanOrderView,
  PlanOrderLedgerEntry: LedgerEntry,
  Coupon: CouponView,
  CouponUse,
  CouponValidation: record({
    couponId: text(),
    code: text('as the coupon has it'),
    discountType: DiscountType,
    discountMinor: integer('what it takes off, in minor units of currency', 0),
    currency: text('ISO 4217 code'),
    subtotalMinor: integer('the price before the discount', 0),
    totalMinor: integer('the price after it', 0),
  }),
  PriceSnapshot,
  NotificationSettings: NotificationSettingsView,
  NotificationTemplate: NotificationTemplateView,
  Notification: NotificationView,
  Contact: ContactView,
  ContactNote: record({ id: text(), contactId: text(), text: text(), author: NoteAuthor, createdAt: instant() }),
  CalendarFeed: FeedView,
  IssuedCalendarFeed: record({
    ...FeedView.properties,
    token: Type.Optional(text('the secret, answered this once and kept nowhere (only its SHA-256 is); absent from a replay of the Idempotency-Key')),
    url: Type.Optional(text('where a calendar app subscribes: /v1/feeds/{token}.ics; absent with the token')),
  }),
  CalendarConnection: record(
    {
      ...ConnectionView.properties,
      // The last recorded outcome of reading the calendar; null before the first.
      lastSync: nullable(record({ status: oneOf(['OK', 'FAILED']), at: instant(), reason: nullable(SyncFailureReason), detail: nullable(text('what went wrong, as the calendar answered')) })),
      blockCount: integer('blocks of busy time it holds, past ones included', 0),
    },
    "a resource's external calendar, read as busy time; its secret is never answered",
  ),
  CalendarSync: record({
    connectionId: text(),
    outcome: oneOf(['CHANGED', 'UNCHANGED', 'FAILED'], 'CHANGED: busy time was added or given back; UNCHANGED: none was (nothing appended for an unchanged calendar); FAILED: the calendar could not be read, what it brought before stays'),
    added: integer('blocks added', 0),
    removed: integer('blocks given back', 0),
    reason: nullable(SyncFailureReason),
    detail: nullable(text()),
  }),
} satisfies Record<string, TSchema>;

export type AnswerName = keyof typeof ANSWERS;
export type AnswerOf<Name extends AnswerName> = Static<(typeof ANSWERS)[Name]>;

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** A page of a list (api.md §1, "Paging"). */
export const pageSchema = (item: AnswerName): SchemaObject => ({
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: {
    items: { type: 'array', items: ref(item) },
    nextCursor: { type: 'string', nullable: true, description: 'the cursor of the next page; null: the last page' },
  },
});

export const answerSchemas = (): Record<string, SchemaObject> =>
  Object.fromEntries(Object.entries(ANSWERS).map(([name, schema]) => [name, openApiSchemaOf(schema)]));
