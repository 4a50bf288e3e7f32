import { SqlClient, SqlExecutor, SqlTransaction } from '@kairos/sql';
import { describeWith, testServers } from '@kairos/testing';
import { TestApp, buildForRunnerThread, startApp } from './harness';

/** The statements the request thread sends, with their parameters, from now on. */
const statementsOf = (sql: SqlClient) => {
  const sent: unknown[][] = [];
  const recording = (executor: SqlExecutor): SqlExecutor['query'] => {
    const query = executor.query.bind(executor);
    return <R>(text: string, params?: unknown[]) => (sent.push([text, ...(params ?? [])]), query<R>(text, params));
  };
  sql.query = recording(sql);
  const transaction = sql.transaction.bind(sql);
  sql.transaction = <T>(fn: (tx: SqlTransaction) => Promise<T>) => transaction((tx) => fn({ ...tx, query: recording(tx) }));
  /** How many of those sent during `work` name `id`: a read of that document goes to the store. */
  return async <R>(id: string, work: () => Promise<R>): Promise<{ result: R; asked: number }> => {
    const from = sent.length;
    const result = await work();
    return { result, asked: sent.slice(from).filter((statement) => JSON.stringify(statement).includes(id)).length };
  };
};

/**
 * On PostgreSQL the runners write the read models in their worker thread; what a batch wrote
 * reaches the request thread's read cache with the report of its commit, so the read after a write
 * needs no statement, as with runners on the request thread. A batch over the report's budget
 * names its documents only: they are dropped, and read back once.
 */
describeWith('PostgreSQL', testServers.postgresUrl(), 'reads after writes with the runners in their thread', () => {
  buildForRunnerThread();

  const serviceRoundTrip = async (t: TestApp) => {
    const asking = statementsOf(t.sql);
    const created = await t.http.post('/v1/services').set('Kairos-Tenant', t.tenant).send({ name: 'Cut', type: 'APPOINTMENT', sessionDurations: [30] }).expect(201);
    const id = created.body.id as string;
    const read = (position: string) => asking(id, () => t.http.get(`/v1/services/${id}?minPosition=${position}`).set('Kairos-Tenant', t.tenant).expect(200));
    const first = await read(created.headers['kairos-position']);
    const again = await read(created.headers['kairos-position']);
    const renamed = await t.http.patch(`/v1/services/${id}`).set('Kairos-Tenant', t.tenant).set('If-Match', '1').send({ name: 'Trim' }).expect(200);
    const afterRename = await read(renamed.headers['kairos-position']);
    return { first, again, afterRename };
  };

  it('serves the documents a batch of the runner thread wrote without asking the store', async () => {
    const t = await startApp({ engine: 'postgres', postgresUrl: testServers.postgresUrl() });
    try {
      const { first, again, afterRename } = await serviceRoundTrip(t);
      expect(first.result.body).toMatchObject({ name: 'Cut', revision: 1 });
      expect(first.asked).toBe(0);
      expect(again.asked).toBe(0);
      expect(afterRename.result.body).toMatchObject({ name: 'Trim', revision: 2 });
      expect(afterRename.asked).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('drops what a batch over the budget wrote, and reads the new version back once', async () => {
    const t = await startApp({ engine: 'postgres', postgresUrl: testServers.postgresUrl(), config: { readCacheReportBytes: 0 } });
    try {
      const { first, afterRename } = await serviceRoundTrip(t);
      expect(first.result.body).toMatchObject({ name: 'Cut', revision: 1 });
      expect(first.asked).toBeGreaterThan(0);
      expect(afterRename.result.body).toMatchObject({ name: 'Trim', revision: 2 });
      expect(afterRename.asked).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });
});
