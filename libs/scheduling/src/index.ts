export * from './schedule/schedule';
export * from './scheduling.projection';
