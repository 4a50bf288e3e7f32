export * from './sql-client';
export * from './pg-client';
export * from './pglite-client';
export * from './pg-session-locks';
