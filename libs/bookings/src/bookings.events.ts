import { EventCatalog } from '@kairos/core';
import { bookingEvents } from './booking/booking.events';
import { slotHoldEvents } from './slot-hold/slot-hold.events';
import { waitlistEvents } from './waitlist/waitlist.events';

/** What the bookings capability publishes: bookings, slot holds and waitlists. Resource claims and seats stay internal. */
export const bookingsEvents: EventCatalog = { capability: 'bookings', events: [...bookingEvents, ...slotHoldEvents, ...waitlistEvents] };
