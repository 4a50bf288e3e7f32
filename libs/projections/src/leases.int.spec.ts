import { StoreUnavailable } from '@kairos/core';
import { SqlEventStore } from '@kairos/event-store';
import { ReadStore, SqlReadStore } from '@kairos/read-store';
import { PgClient, PgSessionLocks, PgliteClient } from '@kairos/sql';
import { anEvent, describeWith, eventually, scratchPostgres, silentableProxy, testServers, uniqueName } from '@kairos/testing';
import { CheckpointedRunner } from './checkpointed-runner';
import { LEASES, RunnerLeases, leaseDocuments } from './leases';

/** What every kind of lease promises: one holder per name, and the next one in once it is released or lost. */
const leaseContract = (open: () => Promise<{ one: RunnerLeases; other: RunnerLeases; loseOne(name: string): Promise<void>; dispose(): Promise<void> }>) => {
  let fixture: Awaited<ReturnType<typeof open>>;
  beforeEach(async () => (fixture = await open()));
  afterEach(async () => fixture.dispose());

  it('grants a name to one holder at a time, and to the next once released', async () => {
    const name = uniqueName('runner');
    const first = await fixture.one.tryAcquire(name, () => undefined);
    expect(first).not.toBeNull();
    expect(await fixture.other.tryAcquire(name, () => undefined)).toBeNull();
    expect(await fixture.other.tryAcquire(uniqueName('runner'), () => undefined)).not.toBeNull();
    await first!.release();
    expect(await fixture.other.tryAcquire(name, () => undefined)).not.toBeNull();
    expect(await fixture.one.tryAcquire(name, () => undefined)).toBeNull();
  });

  it('tells a holder that lost its lease, and lets another take it', async () => {
    const name = uniqueName('runner');
    let lost = 0;
    expect(await fixture.one.tryAcquire(name, () => lost++)).not.toBeNull();
    await fixture.loseOne(name);
    await eventually(async () => expect(await fixture.other.tryAcquire(name, () => undefined)).not.toBeNull(), 20_000, 200);
    await eventually(() => expect(lost).toBe(1), 20_000);
  });
};

describeWith('PostgreSQL', testServers.postgresUrl(), 'session locks on PostgreSQL', () => {
  leaseContract(async () => {
    const schema = uniqueName('locks');
    const url = testServers.postgresUrl()!;
    const one = new PgSessionLocks({ url, schema });
    const other = new PgSessionLocks({ url, schema });
    const admin = new PgClient({ url });
    return {
      one,
      other,
      // The server ends the holder's session, as when the process dies or the server restarts.
      loseOne: async (name) => {
        await admin.query(
          `select pg_terminate_backend(l.pid) from pg_locks l, (select hashtextextended($1, 0) as k) h
            where l.locktype = 'advisory' and l.granted and l.objsubid = 1
              and l.classid::bigint = (h.k >> 32) & 4294967295 and l.objid::bigint = h.k & 4294967295`,
          [`kairos:${schema}:${name}`],
        );
      },
      dispose: async () => {
        await Promise.all([one.close(), other.close(), admin.close()]);
      },
    };
  });

  it('a server gone silent fails the next request in bounded time, and its holders hear they lost their locks', async () => {
    const url = new URL(testServers.postgresUrl()!);
    const proxy = await silentableProxy(Number(url.port || 5432));
    url.port = String(proxy.port);
    const locks = new PgSessionLocks({ url: url.toString(), schema: uniqueName('locks') });
    try {
      const lost: string[] = [];
      expect(await locks.tryAcquire('services', () => lost.push('services'))).not.toBeNull();
      proxy.freeze(true);
      const started = Date.now();
      await expect(locks.tryAcquire('bookings', () => undefined)).rejects.toBeInstanceOf(StoreUnavailable);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(lost).toEqual(['services']);
      proxy.freeze(false);
      expect(await locks.tryAcquire('bookings', () => undefined)).not.toBeNull();
    } finally {
      await locks.close();
      await proxy.close();
    }
  });

  it('keeps deployments in different schemas apart', async () => {
    const url = testServers.postgresUrl()!;
    const one = new PgSessionLocks({ url, schema: uniqueName('locks') });
    const other = new PgSessionLocks({ url, schema: uniqueName('locks') });
    try {
      expect(await one.tryAcquire('services', () => undefined)).not.toBeNull();
      expect(await other.tryAcquire('services', () => undefined)).not.toBeNull();
    } finally {
      await Promise.all([one.close(), other.close()]);
    }
  });
});

describe('lease documents in the read store', () => {
  let clock = Date.now();
  let client: PgliteClient;
  let store: SqlReadStore;
  beforeAll(async () => {
    client = await PgliteClient.open();
    store = new SqlReadStore(client);
    await store.ensureCollections([LEASES]);
  });
  afterAll(async () => client?.close());
  leaseContract(async () => {
    let cutOff = false;
    // The holder's view of the store, which the test can cut it off from.
    const holders: ReadStore = Object.assign(Object.create(store) as ReadStore, {
      replaceIf: (...args: Parameters<ReadStore['replaceIf']>) => (cutOff ? Promise.reject(new Error('unreachable')) : store.replaceIf(...args)),
    });
    const one = leaseDocuments(holders, { ttlMs: 3000, now: () => clock });
    const other = leaseDocuments(store, { ttlMs: 3000, now: () => clock });
    return {
      one,
      other,
      // The holder cannot renew and its lease runs out: it must give up before the other takes over.
      loseOne: async () => {
        cutOff = true;
        clock += 4000;
      },
      dispose: async () => {
        await Promise.all([one.close(), other.close()]);
      },
    };
  });
});

describeWith('PostgreSQL', testServers.postgresUrl(), 'runners of two processes on one database', () => {
  it('one leads, the other stands by and takes over when the leader goes, from the checkpoint it left', async () => {
    const { client, dispose } = await scratchPostgres('runners');
    const eventStore = new SqlEventStore(client);
    await eventStore.init();
    const readStore = new SqlReadStore(client);
    await readStore.ensureCollections([]);
    const url = testServers.postgresUrl()!;
    const schema = (await client.query<{ schema: string }>('select current_schema() as schema'))[0].schema;
    const locks = [new PgSessionLocks({ url, schema }), new PgSessionLocks({ url, schema })];
    const handled: [runner: number, position: number][] = [];
    const leading: string[] = [];
    const runners = locks.map(
      (leases, n) =>
        new CheckpointedRunner(
          'counter',
          eventStore,
          readStore,
          async (events, expected) => {
            handled.push(...events.map((e): [number, number] => [n, e.position]));
            return readStore.applyBatch({ projection: 'counter', expected, positions: [events[events.length - 1].position], apply: async () => undefined });
          },
          leases,
          { onLeading: (name, position) => leading.push(`${n} from ${position}`), onStandby: () => leading.push(`${n} stands by`) },
        ),
    );
    try {
      for (const runner of runners) await runner.start();
      expect(runners.map((r) => r.leading)).toEqual([true, false]);
      await eventStore.append([{ streamId: 'thing-1', expectedRevision: 'noStream', events: [anEvent(), anEvent()] }]);
      await eventually(async () => expect(await readStore.checkpoint('counter')).toBe(2));
      // The leader's connection ends, as when its process dies: the other takes over where it left off.
      await locks[0].close();
      await eventually(() => expect(runners[1].leading).toBe(true), 10_000);
      await eventStore.append([{ streamId: 'thing-2', expectedRevision: 'noStream', events: [anEvent()] }]);
      await eventually(async () => expect(await readStore.checkpoint('counter')).toBe(3));
      expect(handled.map(([, position]) => position)).toEqual([1, 2, 3]);
      expect(handled.map(([runner]) => runner)).toEqual([0, 0, 1]);
      expect(leading).toEqual(['0 from null', '0 stands by', '1 from 2']);

      // Something else moves the checkpoint past the next event (a rebuild): the leader's batch is
      // refused, and it says that it skips ahead, so that its process forgets what it kept.
      expect(await readStore.applyBatch({ projection: 'counter', expected: 3, positions: [4], apply: async () => undefined })).toBe(true);
      await eventStore.append([{ streamId: 'thing-3', expectedRevision: 'noStream', events: [anEvent()] }]);
      await eventually(() => expect(leading.slice(3)).toEqual(['1 stands by', '1 from 4']));
      expect(runners[1].leading).toBe(true);
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
      await Promise.all(locks.map((l) => l.close()));
      await dispose();
    }
  });
});
