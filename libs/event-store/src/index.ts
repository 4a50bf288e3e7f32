export * from './event-store';
export * from './subscription';
export * from './upcasting';
export { SqlEventStore } from './sql/sql-event-store';
export * from './sealing/key-vault';
export * from './sealing/read-store-key-vault';
export * from './sealing/sealing-event-store';
