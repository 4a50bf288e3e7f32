import { PgClient, SqlClient, SqlExecutor } from '@kairos/sql';
import { describeWith, testServers, uniqueName } from '@kairos/testing';
import { readStoreContract } from '../contract';
import { SqlReadStore } from '../sql/sql-read-store';
import { postgresReadStore } from './postgres-read-store';

/** The client, counting what goes to the server: statements, and transactions as begin and commit. */
const counted = (client: PgClient) => {
  const tally = { roundTrips: 0 };
  const counting: SqlClient = {
    dialect: client.dialect,
    concurrent: client.concurrent,
    query: (text, params) => {
      tally.roundTrips++;
      return client.query(text, params);
    },
    transaction: (fn) => {
      tally.roundTrips += 2;
      return client.transaction((tx) => fn({ query: (text, params) => (tally.roundTrips++, tx.query(text, params)) } satisfies SqlExecutor));
    },
    listen: (channel, onNotify) => client.listen(channel, onNotify),
    close: () => client.close(),
  };
  return { counting, tally };
};

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

  it('moves the checkpoints of batches that write nothing, asked for at once, with one statement', async () => {
    const schema = uniqueName('rs');
    const client = new PgClient({ url: testServers.postgresUrl()!, schema });
    try {
      const { counting, tally } = counted(client);
      const store = new SqlReadStore(counting);
      const projections = Array.from({ length: 11 }, (_, i) => uniqueName(`p${i}`));
      await store.ensureCollections([]);
      await Promise.all(projections.map((p) => store.applyBatch({ projection: p, expected: null, positions: [1], apply: async () => undefined })));
      tally.roundTrips = 0;
      const moved = await Promise.all(projections.map((p) => store.applyBatch({ projection: p, expected: 1, positions: [2, 3], apply: async () => undefined })));
      expect(moved.every(Boolean)).toBe(true);
      expect(tally.roundTrips).toBe(1);
      expect(await Promise.all(projections.map((p) => store.checkpoint(p)))).toEqual(projections.map(() => 3));
    } finally {
      await client.query(`drop schema ${schema} cascade`);
      await client.close();
    }
  });
});
