import { PgliteClient } from '@kairos/sql';
import { eventStoreContract } from '../contract';
import { pgliteEventStore } from './pglite-event-store';

describe('event store on PGlite', () => {
  eventStoreContract(async () => {
    const client = await PgliteClient.open();
    return { store: pgliteEventStore(client), dispose: () => client.close() };
  });
});
