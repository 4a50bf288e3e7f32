export * from './read-store';
export { SqlReadStore } from './sql/sql-read-store';
