import { JsonSchema, arrayOf, bool, enumOf, instant, int, mapOf, nullable, object, patchOf, str } from './json-schema';

/**
 * Every event the service publishes (api.md §3), with the JSON Schema of its body. Written by hand
 * from the deciders' event types; event-catalog.spec.ts drives every decider and checks that each
 * event it emits is listed here and matches its schema, and that nothing internal is.
 */
export interface CatalogEntry {
  /** The stored event type, `<aggregate>.<event>`; `ce_type` is `kairos.<type>.v<schemaVersion>`. */
  type: string;
  schemaVersion: number;
  summary: string;
  payload: JsonSchema;
}

type Props = Record<string, JsonSchema>;

const id = (description = 'aggregate id') => str(description);
const meta: Props = {
  id: id(),
  revision: int('1 at creation, +1 per event of the aggregate', 1),
  createdAt: instant(),
  updatedAt: instant(),
};
const actorType = enumOf(['BUSINESS', 'CUSTOMER', 'SYSTEM'], 'who acted');
const money = object({ amount: str('decimal, e.g. "25.00"'), currency: str('ISO 4217 code') });
const minutes = (description?: string) => int(description, 0);
const timeZone = str('IANA time zone, e.g. Europe/Lisbon');
const deleted = (what: string) =>
  object({ id: id(), deletedAt: instant() }, `${what} was deleted: soft, it stays readable with deletedAt set.`);
const updated = (patch: JsonSchema, at = 'updatedAt'): JsonSchema =>
  object({ id: id(), changes: { ...patch, description: 'new values of the changed fields' }, previous: { ...patch, description: 'old values of the same fields' }, [at]: instant() });

// services ------------------------------------------------------------------------------------

const serviceFields: Props = {
  name: str(),
  type: enumOf(['APPOINTMENT', 'CLASS', 'COURSE']),
  category: nullable(str()),
  hidden: bool(),
  defaultCapacity: int(),
  sessionDurations: arrayOf(int(), 'minutes'),
  bufferBeforeMinutes: minutes(),
  bufferAfterMinutes: minutes(),
  slotSplitIntervalMinutes: nullable(int()),
  resourceGroups: arrayOf(
    object({
      resourceIds: arrayOf(str()),
      requiredCount: int(),
      selectable: bool('whether the customer picks the resource; otherwise one is assigned'),
    }),
  ),
  locations: arrayOf(object({ id: nullable(str()), type: enumOf(['BUSINESS', 'CUSTOM', 'CUSTOMER']) })),
  onlineBooking: object({ enabled: bool(), requireManualApproval: bool(), allowMultipleRequests: bool() }),
  payment: object({
    rateType: enumOf(['FIXED', 'VARIED', 'CUSTOM', 'NO_FEE']),
    price: nullable(money),
    deposit: nullable(money),
    planIds: arrayOf(str()),
  }),
  bookingPolicyId: nullable(str('null: the tenant default policy')),
};

const bookingPolicyFields: Props = {
  name: str(),
  earliestBookingMinutes: nullable(minutes('how far ahead of the start booking opens; null: no limit')),
  latestBookingMinutes: nullable(minutes('how close to the start booking closes; null: no limit')),
  latestCancelMinutes: nullable(minutes('null: no limit')),
  latestRescheduleMinutes: nullable(minutes('null: no limit')),
  bookAfterStart: bool(),
  waitlist: nullable(object({ capacity: int(), reservationMinutes: minutes() }, 'null: no waitlist')),
  maxParticipantsPerBooking: int(),
  autoAssignResources: bool(),
};

// resources -----------------------------------------------------------------------------------

const resourceFields: Props = {
  type: enumOf(['STAFF', 'ROOM', 'EQUIPMENT']),
  name: str(),
  email: nullable(str()),
  phone: nullable(str()),
  tags: arrayOf(str()),
  usesBusinessHours: bool('links the business schedule FREE: the resource works the opening hours'),
};

const address = object({
  formatted: nullable(str()),
  street: nullable(str()),
  city: nullable(str()),
  postalCode: nullable(str()),
  country: nullable(str()),
});

const locationFields: Props = {
  name: str(),
  type: enumOf(['BUSINESS', 'CUSTOM']),
  timeZone,
  address: nullable(address),
  isDefault: bool(),
};

// scheduling ----------------------------------------------------------------------------------

const linkedSchedule = object({ scheduleId: str(), transparency: enumOf(['FREE', 'BUSY']) });
const localDate = (description: string) => str(`local date YYYY-MM-DD; ${description}`);
const workingHoursRule = object({
  daysOfWeek: arrayOf(enumOf(['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN']), 'the local weekday an interval starts on'),
  startTime: str('wall clock HH:mm'),
  endTime: str('wall clock HH:mm; <= startTime ends the next day'),
  everyWeeks: int('applies every n-th ISO week', 1),
  validFrom: nullable(localDate('null: no bound')),
  validUntil: nullable(localDate('null: no bound')),
});

const scheduleFields: Props = {
  ownerType: enumOf(['SERVICE', 'RESOURCE', 'BUSINESS']),
  ownerId: str(),
  timeZone,
  tags: arrayOf(enumOf(['INDIVIDUAL', 'GROUP', 'COURSE'])),
  capacity: int(),
  linkedSchedules: arrayOf(linkedSchedule),
  workingHours: arrayOf(workingHoursRule, "recurring weekly hours in timeZone's wall clock"),
  locationId: nullable(str()),
};

const localDateTime = (description = '') => str(`local wall clock YYYY-MM-DDTHH:mm in the session's time zone${description}`);

const sessionDetails: Props = {
  title: nullable(str()),
  capacity: nullable(int("null: the schedule's capacity")),
  resourceIds: arrayOf(str()),
  affectedSchedules: nullable(arrayOf(linkedSchedule, "null: the schedules of its resources, BUSY")),
  bufferBeforeMinutes: minutes(),
  bufferAfterMinutes: minutes(),
  locationId: nullable(str()),
};

const sessionFields: Props = {
  ...sessionDetails,
  scheduleId: str(),
  type: enumOf(['EVENT', 'WORKING_HOURS', 'AVAILABILITY']),
  timeZone,
  localStart: localDateTime("; the series' first occurrence"),
  localEnd: localDateTime(),
  recurrence: nullable(str('RFC 5545 RRULE value; null: a single session')),
  exdates: arrayOf(localDateTime(), 'skipped occurrences'),
};

const instanceOverride = patchOf(
  { ...sessionDetails, localStart: localDateTime(), localEnd: localDateTime(), status: enumOf(['CANCELED']) },
  'what one instance overrides',
);

// bookings ------------------------------------------------------------------------------------

const bookingStatus = enumOf(['CREATED', 'PENDING', 'CONFIRMED', 'DECLINED', 'CANCELED', 'WAITING_LIST']);
const paymentStatus = enumOf(['NOT_PAID', 'PAID', 'PARTIALLY_PAID', 'REFUNDED', 'EXEMPT']);
const attendanceStatus = enumOf(['NOT_SET', 'ATTENDED', 'NOT_ATTENDED']);

const bookedSlot = object({
  start: instant(),
  end: instant(),
  timeZone,
  resourceIds: arrayOf(str()),
  locationId: nullable(str()),
  bufferBeforeMinutes: minutes('the service buffers at booking time: the held span is [start - before, end + after)'),
  bufferAfterMinutes: minutes(),
});

const bookingFields: Props = {
  serviceId: str(),
  serviceType: enumOf(['APPOINTMENT', 'CLASS', 'COURSE']),
  slot: bookedSlot,
  sessionId: nullable(str()),
  scheduleId: nullable(str()),
  appointmentSessionId: nullable(str('the EVENT session an appointment put on its resources\' calendars')),
  contactId: nullable(str()),
  contactDetails: nullable(object({ name: nullable(str()), email: nullable(str()), phone: nullable(str()) })),
  partySize: int(undefined, 1),
  selectedPaymentOption: enumOf(['OFFLINE', 'ONLINE', 'MEMBERSHIP', 'MEMBERSHIP_OFFLINE']),
  price: nullable(money),
  planOrderId: nullable(str()),
  couponCode: nullable(str()),
  policySnapshot: object(bookingPolicyFields, 'the booking policy in force when it was booked'),
};

const statusChange: Props = {
  id: id(),
  previousStatus: bookingStatus,
  actor: actorType,
  reason: nullable(str()),
  at: instant(),
  holdsSlot: bool('whether it now holds its resources or seats'),
};

const slotHoldStatus = enumOf(['ACTIVE', 'RELEASED', 'EXPIRED', 'BOOKED']);
const entryRef: Props = { sessionId: str('the class session; the key of waitlist messages'), entryId: str(), contactId: str(), at: instant() };

const entry = (type: string, summary: string, payload: JsonSchema): CatalogEntry => ({ type, schemaVersion: 1, summary, payload });

export const EVENT_CATALOG: readonly CatalogEntry[] = [
  entry('service.created', 'A service was created; the body is the service as GET shows it.', object({ ...meta, ...serviceFields, scheduleId: str(), timeZone, deletedAt: nullable(instant()) })),
  entry('service.updated', 'Fields of a service changed.', updated(patchOf(serviceFields, 'service fields', ['type']))),
  entry('service.deleted', 'A service was deleted.', deleted('The service')),

  entry('booking-policy.created', 'A booking policy was created; the body is the policy as GET shows it.', object({ ...meta, ...bookingPolicyFields, deletedAt: nullable(instant()) })),
  entry('booking-policy.updated', 'Fields of a booking policy changed.', updated(patchOf(bookingPolicyFields, 'booking policy fields'))),
  entry('booking-policy.deleted', 'A booking policy was deleted.', deleted('The policy')),
  entry(
    'booking-policy.default-set',
    "A booking policy became the tenant's default.",
    object({ id: id(), previousDefaultId: nullable(str('null: there was no default')), at: instant() }),
  ),

  entry('resource.created', 'A resource (staff, room, equipment) was created; the body is the resource as GET shows it.', object({ ...meta, ...resourceFields, scheduleId: str(), deletedAt: nullable(instant()) })),
  entry('resource.updated', 'Fields of a resource changed.', updated(patchOf(resourceFields, 'resource fields', ['type']))),
  entry('resource.deleted', 'A resource was deleted.', deleted('The resource')),

  entry('location.created', 'A location was created; the body is the location as GET shows it.', object({ ...meta, ...locationFields, archived: bool() })),
  entry('location.updated', 'Fields of a location changed.', updated(patchOf(locationFields, 'location fields'))),
  entry('location.archived', 'A location was archived.', object({ id: id(), archivedAt: instant() })),

  entry('schedule.created', 'A schedule was created; the body is the schedule as GET shows it.', object({ ...meta, ...scheduleFields, status: enumOf(['ACTIVE', 'CANCELED']) })),
  entry(
    'schedule.updated',
    'Fields of a schedule changed.',
    updated(patchOf(scheduleFields, 'schedule fields', ['ownerType', 'ownerId'])),
  ),
  entry('schedule.canceled', 'A schedule was canceled.', object({ id: id(), canceledAt: instant(), previousStatus: enumOf(['ACTIVE']) })),

  entry(
    'session.created',
    'A session, single or a recurring series, was created; the body is the session as GET shows it.',
    object(
      {
        ...meta,
        ...sessionFields,
        bookingId: str('the appointment booking that put the session on the calendar; absent on sessions created directly'),
        status: enumOf(['ACTIVE', 'CANCELED']),
        canceledFrom: nullable(instant('instances starting at or after this are canceled')),
        overrides: mapOf(instanceOverride, "per instance, keyed by the instance's original start (ISO instant)"),
        versions: arrayOf(object({ from: instant(), changes: patchOf(sessionDetails, 'session details') }), 'series-wide changes, each from an instant on'),
      },
      undefined,
      ['bookingId'],
    ),
  ),
  entry(
    'session.updated',
    'A session changed: the whole series (instanceId null) or one instance of it.',
    object({
      id: id('the session (series) id'),
      instanceId: nullable(str('null: a series-wide change')),
      originalStart: nullable(instant('the instance\'s original start; null: a series-wide change')),
      changes: { ...instanceOverride, description: 'new values of the changed fields' },
      previous: { ...instanceOverride, description: 'old values of the same fields' },
      updatedAt: instant(),
    }),
  ),
  entry(
    'session.canceled',
    'A session was canceled: one instance, a series from an instant on, or all of it.',
    object({
      id: id('the session (series) id'),
      instanceId: nullable(str('null: the series')),
      originalStart: nullable(instant('the instance\'s original start; null: the series')),
      from: nullable(instant('a series canceled from this instant on; null with an instance, or for the whole session')),
      continuedBy: nullable(str('the series that continues it, when "this and following" was changed')),
      canceledBookingIds: arrayOf(str()),
      canceledAt: instant(),
    }),
  ),

  entry(
    'booking.created',
    'A booking was created; the body is the booking as GET shows it.',
    object({
      ...meta,
      ...bookingFields,
      status: bookingStatus,
      actor: actorType,
      paymentStatus,
      amountPaid: nullable(str('decimal')),
      attendance: object({ status: attendanceStatus, attendeeCount: int(undefined, 0) }),
      cancellation: nullable(object({ reason: nullable(str()), actor: actorType, withinPolicy: bool() })),
      holdsSlot: bool('whether it holds its resources or seats (CONFIRMED, or PENDING without allowMultipleRequests)'),
    }),
  ),
  entry('booking.confirmed', 'A booking was confirmed.', object(statusChange)),
  entry('booking.declined', 'A booking request was declined.', object(statusChange)),
  entry(
    'booking.canceled',
    'A booking was canceled.',
    object({
      ...statusChange,
      withinPolicy: bool('whether it was canceled inside the policy window'),
      creditsRestored: bool('whether membership credits were given back'),
    }),
  ),
  entry(
    'booking.rescheduled',
    'A booking moved to another time.',
    object({
      id: id(),
      slot: bookedSlot,
      sessionId: nullable(str()),
      appointmentSessionId: nullable(str()),
      previous: object({ slot: bookedSlot, sessionId: nullable(str()) }),
      at: instant(),
    }),
  ),
  entry('booking.participants-updated', 'The party size of a booking changed.', object({ id: id(), partySize: int(undefined, 1), previous: object({ partySize: int(undefined, 1) }), at: instant() })),
  entry('booking.attendance-marked', 'Attendance of a booking was recorded.', object({ id: id(), status: attendanceStatus, attendeeCount: int(undefined, 0), at: instant() })),
  entry(
    'booking.payment-updated',
    'The payment status of a booking changed.',
    object({ id: id(), paymentStatus, amountPaid: nullable(str('decimal')), previous: object({ paymentStatus }), at: instant() }),
  ),

  entry(
    'slot-hold.placed',
    "A checkout holds a slot's resources or seats for a few minutes; the body is the hold as GET shows it.",
    object({
      ...meta,
      serviceId: str(),
      serviceType: enumOf(['APPOINTMENT', 'CLASS', 'COURSE']),
      slot: bookedSlot,
      sessionId: nullable(str()),
      scheduleId: nullable(str()),
      appointmentSessionId: nullable(str()),
      partySize: int(undefined, 1),
      contactId: str(),
      expiresAt: instant(),
      status: slotHoldStatus,
      bookingId: nullable(str('the booking it became')),
    }),
  ),
  entry('slot-hold.released', 'A slot hold was given back before it expired.', object({ id: id(), at: instant() })),
  entry('slot-hold.expired', 'A slot hold lapsed unbooked.', object({ id: id(), at: instant() })),
  entry('slot-hold.booked', 'A slot hold became a booking.', object({ id: id(), bookingId: str(), at: instant() })),

  entry(
    'waitlist.joined',
    "A contact joined a class session's waitlist.",
    object({
      entryId: str(),
      sessionId: str('the class session; the key of waitlist messages'),
      contactId: str(),
      partySize: int(undefined, 1),
      position: int('place in the queue, 1 = next', 1),
      status: enumOf(['WAITING', 'OFFERED', 'ENROLLED', 'EXPIRED', 'LEFT']),
      offerExpiresAt: nullable(instant()),
      bookingId: nullable(str()),
      joinedAt: instant(),
    }),
  ),
  entry(
    'waitlist.offered',
    'Freed seats were offered to a waiting contact, locked for them until offerExpiresAt.',
    object({ ...entryRef, offerExpiresAt: instant(), partySize: int(undefined, 1) }),
  ),
  entry('waitlist.accepted', 'A contact accepted their offer: it became a booking.', object({ ...entryRef, bookingId: str(), offerExpiresAt: nullable(instant()) })),
  entry('waitlist.offer-expired', 'An offer lapsed unaccepted.', object({ ...entryRef, offerExpiresAt: nullable(instant()) })),
  entry('waitlist.left', 'A contact left the waitlist.', object({ ...entryRef, offerExpiresAt: nullable(instant('null: they had no offer')) })),
];

/** `kairos.<type>.v<schemaVersion>`, the CloudEvents type and the AsyncAPI message name. */
export const ceTypeOf = (entry: Pick<CatalogEntry, 'type' | 'schemaVersion'>) => `kairos.${entry.type}.v${entry.schemaVersion}`;
