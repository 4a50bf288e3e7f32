import { Capability } from '@kairos/core';
import { bookingsProjection } from './bookings.projection';

export const bookingsCapability: Capability = { name: 'bookings', projections: [bookingsProjection] };
