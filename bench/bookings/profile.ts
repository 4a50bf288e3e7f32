import { AsyncLocalStorage } from 'node:async_hooks';
import * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import { INestApplication } from '@nestjs/common';
import { SqlEventStore } from '@kairos/event-store';
import { SqlReadStore } from '@kairos/read-store';
import { PgClient, SqlTransaction } from '@kairos/sql';

export interface DbStats {
  queries: number;
  transactions: number;
  dbMs: number;
  poolWaitMs: number;
}
export interface RouteStats extends DbStats {
  count: number;
  serverMs: number;
}

export interface RunnerStats {
  batches: number;
  events: number;
  queries: number;
  applyMs: number;
}

/**
 * BENCH_PROFILE=1: counts, per request, the SQL statements, transactions, time in the database and
 * time waiting for a pooled connection; per projection runner, its batches, events, statements and
 * busy time; and the event store's readAll calls.
 *
 * It does so by replacing methods on this benchmark's own instances (its PgClient, the PgClient's
 * private pool, its read store and event store) with wrappers that count and then call the
 * original, and by an Express middleware that gives each request a tally through
 * AsyncLocalStorage. The app is measured as it ships: none of these objects offers a hook for
 * this, and node-postgres emits no event per statement, so adding one would mean changing app code
 * for the benchmark's sake. Nothing is replaced unless BENCH_PROFILE=1.
 */
export const instrument = (sql: PgClient, app: INestApplication, readStore: SqlReadStore, eventStore: SqlEventStore) => {
  const als = new AsyncLocalStorage<DbStats>();
  const routes = new Map<string, RouteStats>();
  // Outside any request: the projection runners and the publisher.
  const background: DbStats = { queries: 0, transactions: 0, dbMs: 0, poolWaitMs: 0 };
  const count = <T>(work: () => Promise<T>, tx = false): Promise<T> => {
    const stats = als.getStore() ?? background;
    const begin = performance.now();
    if (tx) stats.transactions++;
    else stats.queries++;
    return work().finally(() => {
      if (!tx) stats.dbMs += performance.now() - begin;
    });
  };
  // Failed statements by SQLSTATE: pg-pool's query() closes the connection on any error, expected or not.
  const failures = new Map<string, number>();
  const failed = (error: unknown) => {
    const code = (error as { code?: string }).code ?? 'no code';
    failures.set(code, (failures.get(code) ?? 0) + 1);
    throw error;
  };
  const query = sql.query.bind(sql);
  const transaction = sql.transaction.bind(sql);
  sql.query = <R>(text: string, params?: unknown[]) => count(() => query<R>(text, params).catch(failed));
  sql.transaction = <T>(fn: (tx: SqlTransaction) => Promise<T>) =>
    count(() => {
      const stats = als.getStore() ?? background;
      stats.queries += 2; // begin, commit
      return transaction((tx) => fn({ ...tx, query: <R>(text: string, params?: unknown[]) => count(() => tx.query<R>(text, params)) }));
    }, true);
  // The pool is private to PgClient; timing its connect shows queueing for a connection.
  const pool = (sql as unknown as { pool?: { connect: (...args: unknown[]) => unknown; waitingCount: number; on(event: string, fn: () => void): void } }).pool;
  const connections = { opened: 0 };
  if (pool) {
    pool.on('connect', () => connections.opened++);
    const connect = pool.connect.bind(pool);
    pool.connect = (...args: unknown[]) => {
      const stats = als.getStore() ?? background;
      const begin = performance.now();
      const done = () => {
        stats.poolWaitMs += performance.now() - begin;
      };
      if (typeof args[0] === 'function') {
        const callback = args[0] as (...a: unknown[]) => void;
        return connect((...a: unknown[]) => {
          done();
          callback(...a);
        });
      }
      return (connect() as Promise<unknown>).finally(done);
    };
  }
  app.use((req: http.IncomingMessage & { route?: { path?: string } }, res: http.ServerResponse, next: () => void) => {
    const stats: DbStats = { queries: 0, transactions: 0, dbMs: 0, poolWaitMs: 0 };
    const begin = performance.now();
    res.on('finish', () => {
      const key = `${req.method} ${req.route?.path ?? req.url?.split('?')[0]} ${res.statusCode}`;
      const r = routes.get(key) ?? { count: 0, serverMs: 0, queries: 0, transactions: 0, dbMs: 0, poolWaitMs: 0 };
      r.count++;
      r.serverMs += performance.now() - begin;
      r.queries += stats.queries;
      r.transactions += stats.transactions;
      r.dbMs += stats.dbMs;
      r.poolWaitMs += stats.poolWaitMs;
      routes.set(key, r);
    });
    als.run(stats, next);
  });
  // Each runner's batches: events applied, statements and wall time inside applyBatch.
  const runners = new Map<string, RunnerStats>();
  const applyBatch = readStore.applyBatch.bind(readStore);
  readStore.applyBatch = (batch) => {
    const r = runners.get(batch.projection) ?? { batches: 0, events: 0, queries: 0, applyMs: 0 };
    runners.set(batch.projection, r);
    const stats: DbStats = { queries: 0, transactions: 0, dbMs: 0, poolWaitMs: 0 };
    const begin = performance.now();
    return als.run(stats, () => applyBatch(batch)).finally(() => {
      r.batches++;
      r.events += batch.positions.length;
      r.queries += stats.queries;
      r.applyMs += performance.now() - begin;
    });
  };
  const reads = { calls: 0, events: 0 };
  const readAll = eventStore.readAll.bind(eventStore);
  eventStore.readAll = async (options) => {
    const events = await readAll(options);
    reads.calls++;
    reads.events += events.length;
    return events;
  };

  const reset = () => {
    runners.clear();
    Object.assign(reads, { calls: 0, events: 0 });
    routes.clear();
    failures.clear();
    connections.opened = 0;
    Object.assign(background, { queries: 0, transactions: 0, dbMs: 0, poolWaitMs: 0 });
  };
  return { routes, background, failures, connections, runners, reads, reset, waiting: () => pool?.waitingCount ?? 0 };
};

export type Profile = ReturnType<typeof instrument>;

/** One route's means per request, as the profile prints them. */
export const routeLine = (route: string, r: RouteStats): string =>
  `  ${route.padEnd(48)} n=${String(r.count).padStart(5)} server ${(r.serverMs / r.count).toFixed(2)} ms, ${(r.queries / r.count).toFixed(1)} SQL, ${(r.transactions / r.count).toFixed(2)} tx, db ${(r.dbMs / r.count).toFixed(2)} ms, pool wait ${(r.poolWaitMs / r.count).toFixed(2)} ms`;
