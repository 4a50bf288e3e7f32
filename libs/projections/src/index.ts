export * from './projection';
export * from './checkpointed-runner';
export * from './leases';
export * from './projection-runner';
export * from './rebuild';
export * from './publishing-runner';
export * from './public-view';
