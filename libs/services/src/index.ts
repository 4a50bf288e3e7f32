export * from './service/service.events';
export * from './booking-policy/booking-policy.events';
export * from './services.events';
export * from './service/service';
export * from './booking-policy/booking-policy';
export * from './streams';
export * from './services.projection';
export * from './capability';
