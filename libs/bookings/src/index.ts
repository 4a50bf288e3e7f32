export * from './booking/booking';
export * from './claims/resource-claims';
export * from './seats/seats';
export * from './bookings.projection';
export * from './slot-hold/slot-hold';
export * from './waitlist/waitlist';
export * from './capability';
