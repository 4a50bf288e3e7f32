export * from './schedule/schedule';
export * from './session/session';
export * from './session/instances';
export * from './scheduling.projection';
export * from './time';
export * from './capability';
