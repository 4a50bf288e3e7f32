import { Static } from '@sinclair/typebox';
import {
  ActorType,
  AggregateMeta,
  EventsOf,
  aggregateId,
  describedAs,
  eventSchema,
  flag,
  instant,
  integer,
  listOf,
  nullable,
  oneOf,
  record,
  statusChangeOf,
  text,
  timeZoneName,
} from '@kairos/core';
import { PriceSnapshot } from '@kairos/memberships';
import { BookingPolicyFields, Money, ServiceType } from '@kairos/services';

export const BookingStatus = oneOf(['CREATED', 'PENDING', 'CONFIRMED', 'DECLINED', 'CANCELED', 'WAITING_LIST']);
export type BookingStatus = Static<typeof BookingStatus>;
export const PaymentStatus = oneOf(['NOT_PAID', 'PAID', 'PARTIALLY_PAID', 'REFUNDED', 'EXEMPT']);
export type PaymentStatus = Static<typeof PaymentStatus>;
export const PaymentOption = oneOf(['OFFLINE', 'ONLINE', 'MEMBERSHIP', 'MEMBERSHIP_OFFLINE']);
export type PaymentOption = Static<typeof PaymentOption>;
export const AttendanceStatus = oneOf(['NOT_SET', 'ATTENDED', 'NOT_ATTENDED']);
export type AttendanceStatus = Static<typeof AttendanceStatus>;

const minutes = (description?: string) => integer(description, 0);
const partySize = () => integer(undefined, 1);

export const BookedSlot = record({
  start: instant(),
  end: instant(),
  timeZone: timeZoneName(),
  resourceIds: listOf(text()),
  locationId: nullable(text()),
  bufferBeforeMinutes: minutes('the service buffers at booking time: the held span is [start - before, end + after)'),
  bufferAfterMinutes: minutes(),
});
export type BookedSlot = Static<typeof BookedSlot>;

export const ContactDetails = record({ name: nullable(text()), email: nullable(text()), phone: nullable(text()) });
export type ContactDetails = Static<typeof ContactDetails>;

export const BookingFields = record({
  serviceId: text(),
  serviceType: ServiceType,
  slot: BookedSlot,
  sessionId: nullable(text()),
  scheduleId: nullable(text()),
  appointmentSessionId: nullable(text("the EVENT session an appointment put on its resources' calendars")),
  contactId: nullable(text()),
  contactDetails: nullable(ContactDetails),
  partySize: partySize(),
  selectedPaymentOption: PaymentOption,
  price: nullable(Money),
  planOrderId: nullable(text()),
  couponCode: nullable(text('the coupon it used, as the coupon writes its code')),
  policySnapshot: describedAs(BookingPolicyFields, 'the booking policy in force when it was booked'),
  priceSnapshot: nullable(describedAs(PriceSnapshot, 'the price it was sold at; null: its service has no price')),
});
export type BookingFields = Static<typeof BookingFields>;

export const BookingView = record({
  ...AggregateMeta.properties,
  ...BookingFields.properties,
  status: BookingStatus,
  actor: ActorType,
  paymentStatus: PaymentStatus,
  amountPaid: nullable(text('decimal')),
  attendance: record({ status: AttendanceStatus, attendeeCount: integer(undefined, 0) }),
  cancellation: nullable(record({ reason: nullable(text()), actor: ActorType, withinPolicy: flag() })),
  holdsSlot: flag('whether it holds its resources or seats (CONFIRMED, or PENDING without allowMultipleRequests)'),
});
export type BookingView = Static<typeof BookingView>;

const statusChange = {
  id: aggregateId(),
  ...statusChangeOf(BookingStatus),
  at: instant(),
  holdsSlot: flag('whether it now holds its resources or seats'),
};
export const StatusChange = record(statusChange);
export type StatusChange = Static<typeof StatusChange>;

export const bookingEvents = [
  eventSchema('booking.created', 'A booking was created; the body is the booking as stored: what GET shows but allowedActions, which depends on who reads it and when.', BookingView),
  eventSchema('booking.confirmed', 'A booking was confirmed.', StatusChange),
  eventSchema('booking.declined', 'A booking request was declined.', StatusChange),
  eventSchema(
    'booking.canceled',
    'A booking was canceled.',
    record({
      ...statusChange,
      withinPolicy: flag('whether it was canceled inside the policy window'),
      creditsRestored: flag('whether membership credits were given back'),
    }),
  ),
  eventSchema(
    'booking.rescheduled',
    'A booking moved to another time.',
    record({
      id: aggregateId(),
      slot: BookedSlot,
      sessionId: nullable(text()),
      appointmentSessionId: nullable(text()),
      previous: record({ slot: BookedSlot, sessionId: nullable(text()) }),
      at: instant(),
    }),
  ),
  eventSchema(
    'booking.participants-updated',
    'The party size of a booking changed.',
    record({ id: aggregateId(), partySize: partySize(), previous: record({ partySize: partySize() }), at: instant() }),
  ),
  eventSchema(
    'booking.attendance-marked',
    'Attendance of a booking was recorded.',
    record({ id: aggregateId(), status: AttendanceStatus, attendeeCount: integer(undefined, 0), at: instant() }),
  ),
  eventSchema(
    'booking.payment-updated',
    'The payment status of a booking changed.',
    record({ id: aggregateId(), paymentStatus: PaymentStatus, amountPaid: nullable(text('decimal')), previous: record({ paymentStatus: PaymentStatus }), at: instant() }),
  ),
] as const;
export type BookingEvent = EventsOf<typeof bookingEvents>;
