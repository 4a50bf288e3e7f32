export * from './calendar';
export * from './slots';
export * from './availability';
export * from './windows';
export * from './walk';
export * from './slot-at';
export * from './capability';
