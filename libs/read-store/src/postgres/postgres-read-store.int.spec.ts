import { PgClient } from '@kairos/sql';
import { describeWith, testServers, uniqueName } from '@kairos/testing';
import { readStoreContract } from '../contract';
import { postgresReadStore } from './postgres-read-store';

describeWith('PostgreSQL', testServers.postgresUrl(), 'read store on PostgreSQL', () => {
  readStoreContract(async () => {
    const schema = uniqueName('rs');
    const client = new PgClient({ url: testServers.postgresUrl()!, schema });
    return {
      store: postgresReadStore(client),
      dispose: async () => {
        await client.query(`drop schema ${schema} cascade`);
        await client.close();
      },
    };
  });
});
