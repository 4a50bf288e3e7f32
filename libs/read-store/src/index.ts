export * from './read-store';
export { SqlReadStore } from './sql/sql-read-store';
export { CachingReadStore } from './caching/caching-read-store';
export type { CachingOptions } from './caching/caching-read-store';
