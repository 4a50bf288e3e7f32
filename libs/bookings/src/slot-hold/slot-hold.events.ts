import { Static } from '@sinclair/typebox';
import { AggregateMeta, EventsOf, aggregateId, eventSchema, instant, integer, nullable, oneOf, record, statusChangeOf, text } from '@kairos/core';
import { ServiceType } from '@kairos/services';
import { BookedSlot } from '../booking/booking.events';

export const SlotHoldStatus = oneOf(['ACTIVE', 'RELEASED', 'EXPIRED', 'BOOKED']);

export const SlotHoldView = record({
  ...AggregateMeta.properties,
  serviceId: text(),
  serviceType: ServiceType,
  slot: BookedSlot,
  sessionId: nullable(text()),
  scheduleId: nullable(text()),
  appointmentSessionId: nullable(text()),
  partySize: integer(undefined, 1),
  contactId: text(),
  expiresAt: instant(),
  status: SlotHoldStatus,
  bookingId: nullable(text('the booking it became')),
});
export type SlotHoldView = Static<typeof SlotHoldView>;

export const slotHoldEvents = [
  eventSchema('slot-hold.placed', "A checkout holds a slot's resources or seats for a few minutes; the body is the hold as GET shows it.", SlotHoldView),
  eventSchema('slot-hold.released', 'A slot hold was given back before it expired.', record({ id: aggregateId(), at: instant(), ...statusChangeOf(SlotHoldStatus) })),
  eventSchema('slot-hold.expired', 'A slot hold lapsed unbooked.', record({ id: aggregateId(), at: instant(), ...statusChangeOf(SlotHoldStatus) })),
  eventSchema('slot-hold.booked', 'A slot hold became a booking.', record({ id: aggregateId(), bookingId: text(), at: instant(), ...statusChangeOf(SlotHoldStatus) })),
] as const;
export type SlotHoldEvent = EventsOf<typeof slotHoldEvents>;
