import { StoreUnavailable } from '@kairos/core';
import { PostgresCluster, describeWith, eventually, silentableProxy, startPostgresCluster, testServers } from '@kairos/testing';
import { PgClient } from './pg-client';

const elapsed = async (call: () => Promise<unknown>) => {
  const started = Date.now();
  const outcome = await call().then(
    () => 'resolved',
    (error: unknown) => error,
  );
  return { outcome, ms: Date.now() - started };
};

/** On a cluster of its own, stopped and started under the client as an outage would. */
describeWith('PostgreSQL server programs (initdb, pg_ctl)', testServers.postgresBinaries(), 'PgClient through a PostgreSQL outage', () => {
  let cluster: PostgresCluster;
  const clients: PgClient[] = [];
  const client = (options: { url?: string; schema?: string; poolSize?: number; connectTimeoutMs?: number; queryTimeoutMs?: number } = {}) => {
    const pg = new PgClient({ url: cluster.url, ...options });
    clients.push(pg);
    return pg;
  };

  beforeAll(async () => {
    cluster = await startPostgresCluster(testServers.postgresBinaries());
  }, 60_000);

  afterEach(async () => {
    await cluster.start().catch(() => undefined);
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  });

  afterAll(async () => {
    await cluster?.dispose();
  });

  it.each(['fast', 'immediate'] as const)('a call in flight when the server stops (%s) fails as StoreUnavailable, and the process lives on', async (mode) => {
    const pg = client();
    await pg.query('select 1');
    const sleeping = elapsed(() => pg.query('select pg_sleep(30)'));
    const inTransaction = elapsed(() => pg.transaction((tx) => tx.query('select pg_sleep(30)')));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await cluster.stop(mode);
    for (const call of [await sleeping, await inTransaction]) {
      expect(call.outcome).toBeInstanceOf(StoreUnavailable);
      expect(call.ms).toBeLessThan(15_000);
    }
  });

  it('while the server is down calls fail fast as StoreUnavailable; once it is back they succeed by themselves', async () => {
    const pg = client();
    await pg.query('select 1');
    await cluster.stop('immediate');
    // Created during the outage: its schema cannot be made yet, and must be made at the first call that can.
    const scoped = client({ schema: 'made_after_outage' });
    for (const call of [() => pg.query('select 1'), () => pg.transaction((tx) => tx.query('select 1')), () => scoped.query('select 1')]) {
      const { outcome, ms } = await elapsed(call);
      expect(outcome).toBeInstanceOf(StoreUnavailable);
      expect(ms).toBeLessThan(6000);
    }
    await cluster.start();
    await eventually(async () => expect(await pg.query('select 1 as one')).toEqual([{ one: 1 }]), 10_000, 100);
    expect(await scoped.query<{ schema: string }>('select current_schema() as schema')).toEqual([{ schema: 'made_after_outage' }]);
  });

  it('waits a bounded time for a pooled connection, then answers unavailable', async () => {
    const pg = client({ poolSize: 1, connectTimeoutMs: 500 });
    const holding = pg.transaction((tx) => tx.query('select pg_sleep(3)'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { outcome, ms } = await elapsed(() => pg.query('select 1'));
    expect(outcome).toBeInstanceOf(StoreUnavailable);
    expect(ms).toBeLessThan(2500);
    await holding;
  });

  it('a server that goes silent without closing the connection fails the call as StoreUnavailable in bounded time; calls work again once it answers', async () => {
    const proxy = await silentableProxy(cluster.port);
    try {
      const pg = client({ url: `postgres://postgres@127.0.0.1:${proxy.port}/postgres`, queryTimeoutMs: 1000, connectTimeoutMs: 1000 });
      expect(await pg.query('select 1 as one')).toEqual([{ one: 1 }]);
      proxy.freeze(true);
      for (const call of [await elapsed(() => pg.query('select 2')), await elapsed(() => pg.transaction((tx) => tx.query('select 3')))]) {
        expect(call.outcome).toBeInstanceOf(StoreUnavailable);
        expect(call.ms).toBeLessThan(5000);
      }
      proxy.freeze(false);
      expect(await pg.query('select 4 as four')).toEqual([{ four: 4 }]);
    } finally {
      await proxy.close();
    }
  });

  it('the LISTEN connection comes back by itself and hears notifications again', async () => {
    const pg = client();
    const heard: number[] = [];
    const unlisten = await pg.listen('outage_test', () => heard.push(Date.now()));
    try {
      await eventually(async () => {
        await pg.query(`select pg_notify('outage_test', '')`);
        expect(heard.length).toBeGreaterThan(0);
      }, 10_000, 100);
      await cluster.stop('immediate');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await cluster.start();
      const restarted = Date.now();
      await eventually(async () => {
        await pg.query(`select pg_notify('outage_test', '')`).catch(() => undefined);
        expect(heard.filter((at) => at > restarted).length).toBeGreaterThan(1);
      }, 15_000, 200);
    } finally {
      await unlisten();
    }
  });
});
