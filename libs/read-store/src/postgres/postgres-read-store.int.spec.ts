import { PgClient, SqlClient } from '@kairos/sql';
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
      return client.transaction((tx) =>
        fn({ query: (text, params) => (tally.roundTrips++, tx.query(text, params)), copyIn: (target, rows) => (tally.roundTrips++, tx.copyIn(target, rows)) }),
      );
    },
    listen: (channel, onNotify) => client.listen(channel, onNotify),
    close: () => client.close(),
  };
  return { counting, tally };
};

/** A store on a scratch schema of its own, over a client that counts round trips; the schema is dropped after. */
const onCountedStore = async (use: (store: SqlReadStore, tally: { roundTrips: number }) => Promise<void>) => {
  const schema = uniqueName('rs');
  const client = new PgClient({ url: testServers.postgresUrl()!, schema });
  try {
    const { counting, tally } = counted(client);
    await use(new SqlReadStore(counting), tally);
  } finally {
    await client.query(`drop schema ${schema} cascade`);
    await client.close();
  }
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

  it('applies batches asked for at once with one statement, those that write and those that do not, and fails only a batch the server refuses', () =>
    onCountedStore(async (store, tally) => {
      const projections = Array.from({ length: 6 }, (_, i) => uniqueName(`p${i}`));
      const collections = projections.map((p) => [`${p}_a`, `${p}_b`]);
      await store.ensureCollections(collections.flat());
      // Each projection: a document in each of its collections at 1; at 2, the writers change one and delete the other.
      await Promise.all(
        projections.map((projection, i) =>
          store.applyBatch({
            projection,
            expected: null,
            positions: [1],
            apply: async (_, w) => {
              for (const collection of collections[i]) await w.put(collection, 't1', { id: 'd', v: 1 });
            },
          }),
        ),
      );
      tally.roundTrips = 0;
      const batch = (i: number, expected: number, apply: Parameters<SqlReadStore['applyBatch']>[0]['apply']) =>
        store.applyBatch({ projection: projections[i], expected, positions: [2], apply });
      const results = await Promise.allSettled([
        batch(0, 1, async (_, w) => {
          await w.put(collections[0][0], 't1', { id: 'd', v: 2 });
          await w.delete(collections[0][1], 't1', 'd');
        }),
        batch(1, 1, async (_, w) => w.put(collections[1][0], 't1', { id: 'e', v: 2 })),
        batch(2, 1, async () => undefined),
        // Stale: its writes must not land.
        batch(3, 0, async (_, w) => w.put(collections[3][0], 't1', { id: 'd', v: 99 })),
        batch(4, 1, async () => undefined),
        // PostgreSQL stores no NUL in a JSON string.
        batch(5, 1, async (_, w) => w.put(collections[5][0], 't1', { id: 'd', v: '\u0000' })),
      ]);
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([true, true, true, false, true, 'failed']);
      // One statement for the six, then each alone once one was refused.
      expect(tally.roundTrips).toBe(1 + 6);
      expect(await store.get(collections[0][0], 't1', 'd')).toEqual({ id: 'd', v: 2 });
      expect(await store.get(collections[0][1], 't1', 'd')).toBeNull();
      expect(await store.get(collections[1][0], 't1', 'e')).toEqual({ id: 'e', v: 2 });
      expect(await store.get(collections[3][0], 't1', 'd')).toEqual({ id: 'd', v: 1 });
      expect(await store.get(collections[5][0], 't1', 'd')).toEqual({ id: 'd', v: 1 });
      expect(await Promise.all(projections.map((p) => store.checkpoint(p)))).toEqual([2, 2, 2, 1, 2, 1]);

      tally.roundTrips = 0;
      const again = await Promise.all([0, 1, 2].map((i) => batch(i, 2, async (_, w) => w.put(collections[i][1], 't1', { id: 'f', v: 3 }))).map((p, i) => p.then((ok) => [i, ok])));
      expect(again).toEqual([[0, true], [1, true], [2, true]]);
      expect(tally.roundTrips).toBe(1);
    }));

  it('moves the checkpoints of batches that write nothing, asked for at once, with one statement', () =>
    onCountedStore(async (store, tally) => {
      const projections = Array.from({ length: 11 }, (_, i) => uniqueName(`p${i}`));
      await store.ensureCollections([]);
      await Promise.all(projections.map((p) => store.applyBatch({ projection: p, expected: null, positions: [1], apply: async () => undefined })));
      tally.roundTrips = 0;
      const moved = await Promise.all(projections.map((p) => store.applyBatch({ projection: p, expected: 1, positions: [2, 3], apply: async () => undefined })));
      expect(moved.every(Boolean)).toBe(true);
      expect(tally.roundTrips).toBe(1);
      expect(await Promise.all(projections.map((p) => store.checkpoint(p)))).toEqual(projections.map(() => 3));
    }));
});
