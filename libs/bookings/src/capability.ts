import { Capability } from '@kairos/core';
import { bookingsEvents } from './bookings.events';
import { bookingsProjection } from './bookings.projection';

export const bookingsCapability: Capability = {
  name: 'bookings',
  projections: [bookingsProjection],
  events: bookingsEvents,
  personalData: [{ eventType: 'booking.created', subjectOf: (booking) => (typeof booking.contactId === 'string' ? booking.contactId : null), fields: ['contactDetails'] }],
};
