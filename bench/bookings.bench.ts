/**
 * Booking throughput, latency and correctness on PostgreSQL with the Kafka publisher, end to end:
 *
 *  - the real app (createApp, every role) on a fresh scratch schema, listening on a real socket;
 *  - a seeded tenant: 20 staff and 3 rooms working Mon–Fri 08:00–20:00 in London, a 30-minute
 *    "any staff" appointment, a 60-minute staff + room appointment with a 10-minute buffer, three
 *    classes of 20 seats, a default policy without windows, the clock pinned to 2026-03-01;
 *  - 50 concurrent clients for BENCH_SECONDS (default 30), each holding a plan order of the haircut:
 *    ~70 % creates (a fifth of them on a small
 *    hot set of slots, some class joins), ~15 % cancels and ~15 % reschedules of their own bookings;
 *  - then an open loop: BENCH_OPEN_RATE creates a second on a fixed schedule (with cancels and
 *    reschedules in the same proportion) for BENCH_OPEN_SECONDS, each request timed from when it was
 *    due, and how long the read model and Kafka take to show a write at that load;
 *  - CPU per created booking of every server (the app without the load thread, the whole PostgreSQL
 *    server, the Kafka broker), from /proc, over the closed loop until what it wrote has settled;
 *  - afterwards: no resource held twice and no class over capacity, in the read model (over HTTP)
 *    and in the event store (folding the booking streams); the floor (BENCH_FLOOR), a minimal server
 *    that only books at the database, under the same closed loop with Kafka stopped, for bookings/s
 *    and CPU per booking side by side; and `pgbench` simple-update TPS on a scratch database of the
 *    same server, as the yardstick for what this PostgreSQL can do.
 *
 * The load generator and the Kafka consumer run in a worker thread (bookings/load-worker.ts), so the
 * app's event loop (the main thread) carries only the app, as it would in production, and a CPU
 * profile of the main thread is a profile of the app.
 *
 * Knobs:
 *  - BENCH_SECONDS (30): closed loop, floor and pgbench duration.
 *  - BENCH_OPEN_RATE (50) creates per second and BENCH_OPEN_SECONDS (20): the open loop.
 *  - BENCH_FLOOR (../shared/bench/floor.js from the checkout): the floor server; when the file is
 *    not there, the floor is skipped and its keys are null. Run with NODE_PATH at this checkout's
 *    node_modules, on a scratch database `kairos_floor_<random>` dropped afterwards.
 *  - BENCH_PROFILE=1: counts, per route, the SQL statements, the time in the database and the time
 *    waiting for a pooled connection; per projection runner, events, statements and busy time; new
 *    connections and failed statements; and times 100 creates one at a time before the load.
 *  - BENCH_CPU_PROFILE=<file>: a V8 CPU profile of the app's thread over the load window only.
 *  - BENCH_CLIENTS (50), BENCH_POOL_SIZE (20, as main.ts), BENCH_MAX_CONCURRENT (16, as main.ts):
 *    for experiments.
 *  - BENCH_RUNNERS: `worker` (default, as main.ts runs PostgreSQL: projections and publisher in a
 *    thread of their own) or `inline` (on the request thread; BENCH_PROFILE counts their
 *    statements only then).
 *  - KAIROS_PROJECTION_PACE_MS, KAIROS_PUBLISH_PACE_MS: the runners' pacing (README), otherwise the
 *    defaults.
 *  - KAIROS_KAFKA_BROKERS, or a broker of its own from scripts/kafka.sh (stopped at the end).
 *  - KAIROS_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/test).
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { BookingView } from '@kairos/bookings';
import { startBookingsApp } from './bookings/app';
import { eventStoreBookings, heldOf, planBalanceMismatches, readModelBookings, violations } from './bookings/checks';
import { runFloor } from './bookings/floor';
import { runLoad } from './bookings/load-window';
import { routeLine } from './bookings/profile';
import { reportBookings } from './bookings/report';
import { MINUTE, WEEKDAYS, iso, london } from './bookings/scenario';
import { seedTenant } from './bookings/seed';
import { HttpClient } from './kit/http-client';
import { kafkaBrokerPid, startKafka } from './kit/kafka';
import { runPgbench } from './kit/pgbench';
import { postmasterPid } from './kit/postgres';
import { Cleanup } from './kit/processes';

/** Defaults as the brief and main.ts have them; BENCH_CLIENTS and BENCH_POOL_SIZE are for experiments. */
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const POOL_SIZE = Number(process.env.BENCH_POOL_SIZE ?? 20);
const MAX_CONCURRENT = Number(process.env.BENCH_MAX_CONCURRENT ?? 16);

const log = (message: string) => console.error(`[bench:bookings] ${message}`);

/** Set by SIGINT or SIGTERM: what fails while cleaning up after one is not news. */
let interrupted = false;

const settings = () => {
  const seconds = Number(process.env.BENCH_SECONDS ?? 30);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`BENCH_SECONDS must be a positive number, got ${process.env.BENCH_SECONDS}`);
  for (const [name, value] of [['BENCH_CLIENTS', CLIENTS], ['BENCH_POOL_SIZE', POOL_SIZE]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
  }
  const open = { seconds: Number(process.env.BENCH_OPEN_SECONDS ?? 20), bookingsPerSec: Number(process.env.BENCH_OPEN_RATE ?? 50) };
  for (const [name, value] of [['BENCH_OPEN_SECONDS', open.seconds], ['BENCH_OPEN_RATE', open.bookingsPerSec]] as const) {
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${process.env[name]}`);
  }
  return {
    seconds,
    open,
    profiling: process.env.BENCH_PROFILE === '1',
    url: process.env.KAIROS_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    runners: process.env.BENCH_RUNNERS === 'inline' ? ('inline' as const) : ('worker' as const),
  };
};

/** Unloaded baseline (profile mode): creates one at a time show the cost without queueing. */
const createOneAtATime = async (client: HttpClient, serviceB: string): Promise<number[]> => {
  const sequential: number[] = [];
  for (let i = 0; i < 100; i++) {
    const start = london(WEEKDAYS[i % WEEKDAYS.length], 8 * 60 + 30 * (i % 24));
    const begin = performance.now();
    const a = await client.ok('POST', '/v1/bookings', { serviceId: serviceB, slot: { start: iso(start), end: iso(start + 60 * MINUTE) }, contactId: randomUUID() }).catch(() => null);
    sequential.push(performance.now() - begin);
    if (a?.status === 201) await client.ok('POST', `/v1/bookings/${(a.body as BookingView).id}/cancel`, {});
  }
  return sequential;
};

const main = async () => {
  const { seconds, open, profiling, url, runners } = settings();
  const cleanup = new Cleanup();
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: cleaning up`);
    void cleanup.all().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const brokers = await startKafka(cleanup, log);
    const { port, schema, eventStore, publisher, profile, closeApp, closeStores } = await startBookingsApp(
      { url, brokers, poolSize: POOL_SIZE, maxConcurrent: MAX_CONCURRENT, runners, profiling },
      cleanup,
    );
    const tenant = `bench_${randomBytes(5).toString('hex')}`;
    const client = new HttpClient(port, { tenant, headers: { accept: 'application/json' } });
    cleanup.add('close the HTTP client', async () => client.close());
    log(`app on :${port}, schema ${schema}, tenant ${tenant}`);

    const seedStart = performance.now();
    const seed = await seedTenant(client, tenant, CLIENTS);
    await publisher.ping(); // creates the topics before the consumer subscribes
    log(`seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    let sequential: number[] = [];
    if (profile) {
      profile.reset();
      sequential = await createOneAtATime(client, seed.serviceB);
      console.error('\nsequential (1 client) per route, before the load:');
      for (const [route, r] of profile.routes) console.error(routeLine(route, r));
      profile.reset();
    }

    const servers = { postmaster: await postmasterPid(url), kafka: kafkaBrokerPid(brokers) };
    if (servers.postmaster === null) log('PostgreSQL is not on this machine: its CPU is not measured');
    if (servers.kafka === null) log(`no Kafka broker of scripts/kafka.sh listens on ${brokers[0]} here: its CPU is not measured`);
    const window = await runLoad({ port, brokers, seconds, clients: CLIENTS, seed, open }, servers, client, profile, cleanup, log);
    const { result } = window;
    log(`load done in ${(result.elapsedMs / 1000).toFixed(1)} s; checking`);

    // Correctness: the read model (at the last write's position) and the event store.
    const listed = await readModelBookings(client, result.lastPosition);
    const readModel = violations(listed.flatMap((b) => heldOf(b) ?? []));
    const listedIds = new Set(listed.map((b) => b.id));
    const activeIds = new Set(result.active);
    const mismatches = [...activeIds].filter((id) => !listedIds.has(id)).length + [...listedIds].filter((id) => !activeIds.has(id)).length;
    const planBalances = await planBalanceMismatches(client, seed, listed, result.lastPosition);
    const fromStore = await eventStoreBookings(eventStore);
    const storeHeld = fromStore.bookings.flatMap((b) => heldOf(b) ?? []);
    const store = violations(storeHeld);
    const profileRoutes = profile ? [...profile.routes] : [];

    await closeApp();
    await closeStores();
    // Kafka is idle from here; stopping it first gives the floor and pgbench the machine to themselves.
    await cleanup.all();
    // The yardsticks share the server with whoever else uses it (up to max_connections): when one
    // fails, the run still reports what it measured of the app, with the yardstick's keys null.
    const floor = await runFloor({ url, seconds, clients: CLIENTS, poolSize: POOL_SIZE, postmaster: servers.postmaster }, cleanup, log).catch((error: unknown) => {
      log(`the floor failed: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
    const pgbench = await runPgbench(url, seconds, cleanup, log).catch((error: unknown) => {
      log(`pgbench failed: ${error instanceof Error ? error.message : String(error)}`);
      return { tps: NaN };
    });

    reportBookings({
      window,
      floor,
      pgbenchTps: pgbench.tps,
      listed: listed.length,
      readModel,
      storeHeld,
      store,
      mismatches,
      planBalances,
      events: fromStore.events,
      profiling: profile !== null,
      profileRoutes,
      sequential,
      clients: CLIENTS,
      poolSize: POOL_SIZE,
      seconds,
    });
  } finally {
    await cleanup.all();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
};

main()
  .catch((error: unknown) => {
    if (!interrupted) console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    // Everything is closed by now; a client library's stray timer must not keep the benchmark alive.
    setTimeout(() => {
      log('exiting with handles still open');
      process.exit();
    }, 5000).unref();
  });
