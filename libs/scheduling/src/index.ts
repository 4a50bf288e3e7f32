export * from './schedule/schedule.events';
export * from './session/session.events';
export * from './scheduling.events';
export * from './schedule/schedule';
export * from './session/session';
export * from './session/instances';
export * from './scheduling.projection';
export * from './time';
