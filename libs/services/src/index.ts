export * from './service/service';
export * from './booking-policy/booking-policy';
export * from './streams';
export * from './services.projection';
export * from './capability';
