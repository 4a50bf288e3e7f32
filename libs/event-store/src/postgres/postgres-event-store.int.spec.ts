import { PgClient } from '@kairos/sql';
import { describeWith, testServers, uniqueName } from '@kairos/testing';
import { eventStoreContract } from '../contract';
import { postgresEventStore } from './postgres-event-store';

describeWith('PostgreSQL', testServers.postgresUrl(), 'event store on PostgreSQL', () => {
  eventStoreContract(async () => {
    const schema = uniqueName('es');
    const client = new PgClient({ url: testServers.postgresUrl()!, schema });
    return {
      store: postgresEventStore(client),
      dispose: async () => {
        await client.query(`drop schema ${schema} cascade`);
        await client.close();
      },
    };
  });
});
