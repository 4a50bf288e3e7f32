import { SqlClient } from '@kairos/sql';
import { anEvent, describeWith, scratchPglite, scratchPostgres, testServers, uniqueName } from '@kairos/testing';
import { SqlEventStore } from './sql-event-store';

/**
 * Reads asked for in one turn share a statement; a member the server refuses (PostgreSQL stores no
 * NUL in text) must fail alone, not take every other caller's read with it.
 */
const batchedReads = (open: () => Promise<{ client: SqlClient; dispose(): Promise<void> }>) => () => {
  let dispose: () => Promise<void>;
  let store: SqlEventStore;

  beforeAll(async () => {
    const scratch = await open();
    dispose = scratch.dispose;
    store = new SqlEventStore(scratch.client);
    await store.init();
  });
  afterAll(() => dispose());

  it('answers every good stream of a batch that also asks for a stream id the server refuses', async () => {
    const good = [uniqueName('s'), uniqueName('s'), uniqueName('s')];
    for (const streamId of good) await store.append([{ streamId, expectedRevision: 'noStream', events: [anEvent('made')] }]);

    const [first, bad, second, third, missing] = await Promise.allSettled([
      store.readStream(good[0]),
      store.readStream(`booking-\u0000`),
      store.readStream(good[1]),
      store.readStream(good[2], { fromRevision: 1 }),
      store.readStream(uniqueName('none')),
    ]);
    expect(bad.status).toBe('rejected');
    expect(first).toMatchObject({ status: 'fulfilled', value: [{ streamId: good[0], type: 'made' }] });
    expect(second).toMatchObject({ status: 'fulfilled', value: [{ streamId: good[1], type: 'made' }] });
    expect(third).toEqual({ status: 'fulfilled', value: [] });
    expect(missing).toEqual({ status: 'fulfilled', value: [] });
  });

  it('still fails a batch whose only stream is refused', async () => {
    await expect(Promise.all([store.readStream('x\u0000'), store.readStream('x\u0000', { fromRevision: 2 })])).rejects.toMatchObject({ code: '22021' });
  });

  it('answers the log reads of a batch when one of them is refused', async () => {
    await store.append([{ streamId: uniqueName('s'), expectedRevision: 'noStream', events: [anEvent('logged')] }]);
    const head = (await store.headPosition())!;
    // A limit PostgreSQL refuses (NaN is no bigint) beside good reads from the same place.
    const [bad, good, other] = await Promise.allSettled([
      store.readAll({ after: head - 1, limit: NaN }),
      store.readAll({ after: head - 1, limit: 10 }),
      store.readAll({ after: head - 1, limit: 1 }),
    ]);
    expect(bad.status).toBe('rejected');
    expect(good).toMatchObject({ status: 'fulfilled', value: [{ position: head, type: 'logged' }] });
    expect(other).toMatchObject({ status: 'fulfilled', value: [{ position: head, type: 'logged' }] });
  });
};

describe('SQL event store: an outage fails a batch at once', () => {
  it('does not read the members one by one when the server is going away', async () => {
    const { client, dispose } = await scratchPglite();
    try {
      let streamQueries = 0;
      const goingAway: SqlClient = Object.assign(Object.create(client) as SqlClient, {
        query: async (text: string, params?: unknown[]) => {
          if (!text.includes('stream_id = any')) return client.query(text, params);
          streamQueries++;
          throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
        },
      });
      const store = new SqlEventStore(goingAway);
      await store.init();
      const reads = await Promise.allSettled([store.readStream('a'), store.readStream('b'), store.readStream('c')]);
      expect(reads.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(streamQueries).toBe(1);
    } finally {
      await dispose();
    }
  });
});

describe('SQL event store on PGlite: one refused read in a batch', batchedReads(scratchPglite));
describeWith('PostgreSQL', testServers.postgresUrl(), 'SQL event store on PostgreSQL: one refused read in a batch', batchedReads(() => scratchPostgres('batched')));
