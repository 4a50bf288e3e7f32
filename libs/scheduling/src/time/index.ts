export * from './intervals';
export * from './local-time';
export * from './recurrence';
export * from './rrule';
export * from './working-hours';
