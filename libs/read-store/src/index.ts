export * from './read-store';
export { SqlReadStore } from './sql/sql-read-store';
export { CachingReadStore, reportsFor } from './caching/caching-read-store';
export { UNHEARD, deliver, reportingBatches, reportingTo, reportingToAll } from './caching/runner-reports';
export type { RunnerReport, RunnerReports, Touched } from './caching/runner-reports';
export type { CachingOptions } from './caching/caching-read-store';
