/**
 * `rebuild all` over a large log on PostgreSQL, timed as an operator runs it: the built CLI
 * (`node dist/apps/kairos/src/cli/rebuild.js all`, what `npm run rebuild -- all` runs after its
 * build) as a child process against a scratch schema, with the service stopped.
 *
 * The log: a tenant set up over HTTP (staff on weekday hours, an APPOINTMENT service over them),
 * then copies of a real booking's events (the booking, its resource claim, its appointment
 * session), appended in bulk until the log holds BENCH_REBUILD_EVENTS events (1,000,000 by default).
 * The command reads the log once for all projections; the rate is the log's events over the wall
 * time of the whole command, start-up included. Each projection's line is kept too (all report
 * the one pass, swaps included). KAIROS_REBUILD_MEMORY_MB reaches the command from the
 * environment, to measure a smaller memory budget.
 *
 * Each run's CPU, of the CLI (all its threads) and of the whole PostgreSQL server, shows which of
 * the two the wall time waits for: on 2 cores, a CLI busy about as long as the run is the limit.
 *
 * Then what PostgreSQL alone spends on the read model the rebuild wrote (see storeFloor): the log's
 * events over that time is a rate no rebuild writing these documents reaches on this machine.
 *
 * BENCH_REBUILD_RUNS (default 3) rebuilds of the same log; the median is the headline. The machine
 * may be shared: other work on it slows the rebuild down. BENCH_REBUILD_CPU_PROFILE=<dir> runs the
 * CLI under `node --cpu-prof` into that folder.
 */
import 'reflect-metadata';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { processTreeCpuMs, reapedChildrenCpuMs } from './kit/cpu';
import { postmasterPid } from './kit/postgres';
import { Cleanup, ROOT, run } from './kit/processes';
import { mulberry32 } from './kit/random';
import { PgClient, ident } from '@kairos/sql';
import { Row, meets, printReport } from './kit/report';
import { median, round } from './kit/stats';
import { BookingTemplate, Slot, appendBookings, setUpTenant, slotsOfMonth, startService } from './growth/store';

const URL = process.env.KAIROS_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const EVENTS = Number(process.env.BENCH_REBUILD_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_REBUILD_RUNS ?? 3);
const CPU_PROFILE = process.env.BENCH_REBUILD_CPU_PROFILE;
const STAFF = 60;
const PER_APPEND = 500;
const TARGET = { atLeast: 20_000 };
const progress = (message: string) => process.stderr.write(`[rebuild bench] ${message}\n`);

/** `<projection>: <events> events in <s> s (<rate> events/s)`, as the CLI prints on stdout once a projection is swapped in. */
const projectionLines = (stdout: string) =>
  [...stdout.matchAll(/^(\S+): (\d+) events in ([\d.]+) s/gm)].map(([, projection, events, seconds]) => ({ projection, events: Number(events), seconds: Number(seconds) }));

/**
 * The server's own work for the read model the rebuild wrote, without any of the rebuild's:
 * each collection's rows copied into a fresh table keyed like it, then its filter index built (as
 * the rebuild builds it, after the rows), timed on one connection. The rows are copied as the
 * server stores them, so no JSON is parsed: a rebuild, which sends JSON text, cannot spend less.
 */
const storeFloor = async (sql: PgClient) => {
  const tables = await sql.query<{ name: string }>(
    `select table_name as name from information_schema.tables where table_schema = current_schema() and table_name like 'rm\\_%' and table_name <> 'rm_checkpoints'`,
  );
  let seconds = 0;
  let bytes = 0;
  for (const { name } of tables) {
    const copy = ident(`floor_${name}`);
    const started = performance.now();
    await sql.query(`create table ${copy} (tenant text not null, id text not null, doc jsonb not null, position bigint, primary key (tenant, id))`);
    await sql.query(`insert into ${copy} select tenant, id, doc, position from ${ident(name)}`);
    await sql.query(`create index on ${copy} using gin (doc jsonb_path_ops)`);
    seconds += (performance.now() - started) / 1000;
    const [{ size }] = await sql.query<{ size: string }>(`select coalesce(sum(octet_length(doc::text)), 0) as size from ${copy}`);
    bytes += Number(size);
    await sql.query(`drop table ${copy}`);
  }
  return { seconds, megabytes: bytes / 1024 / 1024 };
};

const main = async () => {
  const cleanup = new Cleanup();
  const stop = () => void cleanup.all().finally(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const service = await startService(URL, 'rebuild', cleanup, progress);
    const tenant = await setUpTenant(service.service, STAFF);
    const first = { year: 2027, month: 1 };
    const template = await BookingTemplate.take(service, tenant, { staff: 0, start: Date.UTC(first.year, first.month - 1, 4, 9) });
    await service.service.stop();
    const [{ head }] = await service.sql.query<{ head: string }>('select max(position) as head from kairos_events');
    const bookings = Math.max(0, Math.ceil((EVENTS - Number(head)) / 3));
    const slots: Slot[] = [];
    for (let m = 0; slots.length < bookings; m++) slots.push(...slotsOfMonth(first.year, first.month + m, STAFF, mulberry32(m)).slice(0, bookings - slots.length));
    let started = performance.now();
    progress(`appending ${bookings} bookings (${bookings * 3} events)`);
    await appendBookings(service, tenant, template, slots, PER_APPEND, progress);
    const [{ events }] = await service.sql.query<{ events: string }>('select count(*) as events from kairos_events');
    const logEvents = Number(events);
    progress(`appended in ${((performance.now() - started) / 1000).toFixed(1)} s; the log holds ${logEvents} events`);

    const env = {
      ...process.env,
      KAIROS_EVENT_STORE: 'postgres',
      KAIROS_READ_STORE: 'postgres',
      KAIROS_POSTGRES_URL: URL,
      KAIROS_POSTGRES_SCHEMA: service.schema,
      KAIROS_LOG_LEVEL: 'error',
    };
    const postmaster = await postmasterPid(URL);
    const runs: { seconds: number; eventsPerSec: number; cliCpuSeconds: number; postgresCpuSeconds: number; projections: ReturnType<typeof projectionLines> }[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Only the CLI is a child that ends during the run: what this process reaps meanwhile is its CPU.
      const cpuBefore = { cli: reapedChildrenCpuMs(process.pid), postgres: postmaster === null ? NaN : processTreeCpuMs(postmaster) };
      started = performance.now();
      const profiling = CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILE}`] : [];
      const stdout = await run(process.execPath, [...profiling, `${ROOT}/dist/apps/kairos/src/cli/rebuild.js`, 'all'], { env });
      const seconds = (performance.now() - started) / 1000;
      const cliCpuSeconds = (reapedChildrenCpuMs(process.pid) - cpuBefore.cli) / 1000;
      const postgresCpuSeconds = postmaster === null ? NaN : (processTreeCpuMs(postmaster) - cpuBefore.postgres) / 1000;
      runs.push({ seconds, eventsPerSec: logEvents / seconds, cliCpuSeconds, postgresCpuSeconds, projections: projectionLines(stdout) });
      progress(`run ${i + 1}: ${seconds.toFixed(1)} s, ${Math.round(logEvents / seconds)} events/s; CPU: CLI ${cliCpuSeconds.toFixed(1)} s, PostgreSQL ${postgresCpuSeconds.toFixed(1)} s`);
    }
    progress('timing the store alone on the rebuilt read model');
    const floor = await storeFloor(service.sql);
    const rate = median(runs.map((r) => r.eventsPerSec));
    const seconds = median(runs.map((r) => r.seconds));
    const cliCpuSeconds = median(runs.map((r) => r.cliCpuSeconds));
    const postgresCpuSeconds = median(runs.map((r) => r.postgresCpuSeconds));
    const names = runs[0].projections.map((p) => p.projection);
    const perProjection = names.map((name) => ({ name, seconds: median(runs.map((r) => r.projections.find((p) => p.projection === name)?.seconds ?? NaN)) }));
    const rows: Row[] = [
      { metric: `rebuild all, ${logEvents} events (median of ${RUNS})`, value: rate, unit: 'events/s', target: TARGET },
      { metric: 'rebuild all wall time', value: seconds, unit: 's' },
      { metric: '  CPU of the CLI (every thread)', value: cliCpuSeconds, unit: 's' },
      { metric: '  CPU of PostgreSQL (the whole server)', value: postgresCpuSeconds, unit: 's' },
      { metric: 'read model written (JSON)', value: floor.megabytes, unit: 'MB' },
      { metric: 'store alone: copy and index it', value: floor.seconds, unit: 's' },
      { metric: 'store alone, as a rate', value: logEvents / floor.seconds, unit: 'events/s' },
      ...perProjection.map((p) => ({ metric: `  ${p.name}`, value: p.seconds, unit: 's' })),
    ];
    printReport(`rebuild benchmark: PostgreSQL, the built CLI as a child process; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (shared machine)`, rows, {
      rebuildEventsPerSec: Math.round(rate),
      rebuildSeconds: round(seconds, 1),
      rebuildCliCpuSeconds: round(cliCpuSeconds, 1),
      rebuildPostgresCpuSeconds: round(postgresCpuSeconds, 1),
      rebuildEvents: logEvents,
      rebuildRuns: runs.map((r) => Math.round(r.eventsPerSec)),
      rebuildProjectionSeconds: Object.fromEntries(perProjection.map((p) => [p.name, round(p.seconds, 2)])),
      rebuildTargetMet: meets(rate, TARGET),
      rebuildReadModelMb: round(floor.megabytes, 1),
      rebuildStoreFloorSeconds: round(floor.seconds, 2),
      rebuildStoreFloorEventsPerSec: Math.round(logEvents / floor.seconds),
      loadAverage1m: round(loadavg()[0], 2),
    });
  } finally {
    await cleanup.all();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
