export * from './event-store';
export * from './subscription';
export * from './upcasting';
export { SqlEventStore } from './sql/sql-event-store';
