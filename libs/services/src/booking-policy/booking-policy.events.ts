import { Static } from '@sinclair/typebox';
import { AggregateMeta, EventsOf, aggregateId, deletedBody, describedAs, eventSchema, flag, instant, integer, nullable, patchOf, record, text, updatedBody } from '@kairos/core';

const minutes = (description?: string) => integer(description, 0);

export const WaitlistPolicy = record({ capacity: integer(), reservationMinutes: minutes() });
export type WaitlistPolicy = Static<typeof WaitlistPolicy>;

/** Minutes are measured back from a session's start; `null` means no limit. */
export const BookingPolicyFields = record({
  name: text(),
  earliestBookingMinutes: nullable(minutes('how far ahead of the start booking opens; null: no limit')),
  latestBookingMinutes: nullable(minutes('how close to the start booking closes; null: no limit')),
  latestCancelMinutes: nullable(minutes('null: no limit')),
  latestRescheduleMinutes: nullable(minutes('null: no limit')),
  bookAfterStart: flag(),
  waitlist: nullable(describedAs(WaitlistPolicy, 'null: no waitlist')),
  maxParticipantsPerBooking: integer(),
  autoAssignResources: flag(),
});
export type BookingPolicyFields = Static<typeof BookingPolicyFields>;

export const BookingPolicyPatch = patchOf(BookingPolicyFields, 'booking policy fields');
export type BookingPolicyPatch = Static<typeof BookingPolicyPatch>;

export const BookingPolicyView = record({ ...AggregateMeta.properties, ...BookingPolicyFields.properties, deletedAt: nullable(instant()) });
export type BookingPolicyView = Static<typeof BookingPolicyView>;

export const bookingPolicyEvents = [
  eventSchema('booking-policy.created', 'A booking policy was created; the body is the policy as GET shows it.', BookingPolicyView),
  eventSchema('booking-policy.updated', 'Fields of a booking policy changed.', updatedBody(BookingPolicyPatch)),
  eventSchema('booking-policy.deleted', 'A booking policy was deleted.', deletedBody('The policy')),
  eventSchema(
    'booking-policy.default-set',
    "A booking policy became the tenant's default.",
    record({ id: aggregateId(), previousDefaultId: nullable(text('null: there was no default')), at: instant() }),
  ),
] as const;
export type BookingPolicyEvent = EventsOf<typeof bookingPolicyEvents>;
