import { Client } from 'pg';
import { RecordedEvent } from '@kairos/core';
import { PgClient } from '@kairos/sql';
import { anEvent, describeWith, eventually, testServers, uniqueName } from '@kairos/testing';
import { SqlEventStore, appendInTransaction } from './sql-event-store';

describeWith('PostgreSQL', testServers.postgresUrl(), 'SQL event store: readers never pass an append still in flight', () => {
  const schema = uniqueName('inflight');
  let client: PgClient;
  let store: SqlEventStore;
  let slow: Client;

  beforeAll(async () => {
    client = new PgClient({ url: testServers.postgresUrl()!, schema });
    store = new SqlEventStore(client);
    await store.init();
    slow = new Client({ connectionString: testServers.postgresUrl(), options: `-c search_path=${schema}` });
    await slow.connect();
  });
  afterAll(async () => {
    await slow.end();
    await client.query(`drop schema ${schema} cascade`);
    await client.close();
  });

  it('holds back later commits until the earlier append commits, then delivers all in order', async () => {
    const head = await store.headPosition();
    const seen: RecordedEvent[] = [];
    const subscription = store.subscribeAll({ after: head, onEvents: async (events) => void seen.push(...events) });
    try {
      await slow.query('begin');
      const early = anEvent('early');
      const held = await appendInTransaction(
        { query: async (text, params) => (await slow.query(text, params as unknown[])).rows },
        [{ streamId: uniqueName('s'), expectedRevision: 'noStream', events: [early] }],
        true,
      );

      const later = [anEvent('later'), anEvent('later'), anEvent('later')];
      for (const event of later) await store.append([{ streamId: uniqueName('s'), expectedRevision: 'noStream', events: [event] }]);
      const laterPositions = (await client.query<{ position: string }>(
        'select position from kairos_events where event_id = any($1::uuid[])',
        [later.map((e) => e.id)],
      )).map((r) => Number(r.position));
      expect(Math.min(...laterPositions)).toBeGreaterThan(held.position);

      // The later events are committed, but readers must not see past the open one.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await store.readAll({ after: head, limit: 100 })).toEqual([]);
      expect(seen).toEqual([]);
      expect(await store.headPosition()).toBe(head);

      await slow.query('commit');
      await eventually(() => expect(seen.map((e) => e.id)).toEqual([early.id, ...later.map((e) => e.id)]));
      expect((await store.readAll({ after: head, limit: 100 })).map((e) => e.type)).toEqual(['early', 'later', 'later', 'later']);
    } finally {
      await subscription.stop();
    }
  });

  it('does not reorder positions across an open transaction that started its insert first', async () => {
    const head = await store.headPosition();
    await slow.query('begin');
    const first = anEvent('first');
    await appendInTransaction(
      { query: async (text, params) => (await slow.query(text, params as unknown[])).rows },
      [{ streamId: uniqueName('s'), expectedRevision: 'noStream', events: [first] }],
      true,
    );
    const second = anEvent('second');
    await store.append([{ streamId: uniqueName('s'), expectedRevision: 'noStream', events: [second] }]);
    await slow.query('rollback');
    // A rolled-back append leaves a gap, never a hole a reader waits on forever.
    await eventually(async () => expect((await store.readAll({ after: head, limit: 10 })).map((e) => e.id)).toEqual([second.id]));
  });

  it('lets go of the append lock when an append fails while holding it', async () => {
    const other = new Client({ connectionString: testServers.postgresUrl(), options: `-c search_path=${schema}` });
    await other.connect();
    try {
      const streamId = uniqueName('s');
      await slow.query('begin');
      await appendInTransaction(
        { query: async (text, params) => (await slow.query(text, params as unknown[])).rows },
        [{ streamId, expectedRevision: 'noStream', events: [anEvent()] }],
        true,
      );
      // Outside a transaction, as the store appends: nothing rolls back and unlocks for it afterwards.
      await other.query('set statement_timeout = 300');
      const [{ pid }] = (await other.query<{ pid: number }>('select pg_backend_pid() as pid')).rows;
      const stuck = appendInTransaction(
        { query: async (text, params) => (await other.query(text, params as unknown[])).rows },
        [{ streamId, expectedRevision: 'any', events: [anEvent()] }],
        true,
      );
      // It waits, holding the lock, on the open transaction's row for the same revision, until the timeout cancels it.
      await expect(stuck).rejects.toMatchObject({ code: '57014' });
      expect((await other.query(`select 1 from pg_locks where locktype = 'advisory' and pid = $1`, [pid])).rows).toEqual([]);
      await expect(store.append([{ streamId: uniqueName('s'), expectedRevision: 'noStream', events: [anEvent()] }])).resolves.toBeDefined();
    } finally {
      await slow.query('rollback');
      await other.end();
    }
  });
});
