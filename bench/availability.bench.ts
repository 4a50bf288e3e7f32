/**
 * Availability latency on the embedded default (PGlite in a temporary folder, one process): an
 * APPOINTMENT service over N staff and one room, seeded through the HTTP API so that the projections
 * build the availability windows for real, then
 *  - the pure engine (`windowCalendars` + `availability`) on windows already read from the read store,
 *    for random 1..31-day ranges within March 2026 and for the full month;
 *  - POST /v1/availability/query end to end over a real socket, one sequential client, full month;
 *  - a breakdown of where a query's time goes (read-store round trips, own calendars, links, slots, JSON).
 * Runs 10 staff (the targets) and 50 staff; every run has a database of its own, removed at the end.
 *
 * Progress and GC summaries go to stderr. KAIROS_BENCH_STAFF=10 runs one shape only;
 * KAIROS_BENCH_CPU_PROFILE=<dir> writes a .cpuprofile of each timed loop. On a shared machine, read
 * the CPU-time rows next to the wall-clock ones: wall-clock tails include time spent waiting for a core.
 */
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { INestApplication } from '@nestjs/common';
import { Slot, calendarWindow } from '@kairos/availability';
import { readWindows } from '../apps/kairos/src/availability/windows-reader';
import { createApp } from '../apps/kairos/src/bootstrap';
import { loadConfig } from '../apps/kairos/src/config/config';
import { Stores, openStores } from '../apps/kairos/src/infrastructure/stores';
import { Metrics } from '../apps/kairos/src/ops/metrics';
import { breakDown, gather, runEngine } from './availability/engine';
import { RunResult, rowsOf, summaryOf } from './availability/report';
import { BY_LENGTH, DAYS, DAY_MS, ENGINE_P50, ENGINE_P99, HTTP_LIMIT, HTTP_P50, HTTP_P99, MONTH_FROM, MONTH_TO, NOW, RunPlan, TENANT, plansToRun } from './availability/scenario';
import { seed } from './availability/seed';
import { Timings, gcObserver, gcPauses, gcSummary, httpFromOtherThread, profiled, settle, timingStats } from './availability/timing';
import { HttpClient } from './kit/http-client';
import { mulberry32 } from './kit/random';
import { printReport } from './kit/report';
import { percentile, round } from './kit/stats';

/** The app's own request histogram for the availability route: seconds summed, and requests. */
const serverSeconds = async (app: INestApplication) => {
  const { values } = await app.get(Metrics).httpDuration.get();
  const mine = (name: string) =>
    values.filter((v) => v.metricName === name && v.labels.route === '/v1/availability/query' && v.labels.status === '200').reduce((sum, v) => sum + v.value, 0);
  return { sum: mine('kairos_http_request_duration_seconds_sum'), count: mine('kairos_http_request_duration_seconds_count') };
};

/** Progress goes to stderr: stdout holds only the report. */
const progress = (message: string) => process.stderr.write(`[availability bench] ${message}\n`);

const run = async (root: string, plan: RunPlan): Promise<RunResult> => {
  const config = { ...loadConfig({ KAIROS_DATA_DIR: join(root, `staff${plan.staff}`) }), port: 0 };
  const stores: Stores = await openStores(config);
  let app: INestApplication | undefined;
  try {
    app = await createApp(config, stores, { clock: () => NOW, logger: false });
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as AddressInfo).port;
    const client = new HttpClient(port, { tenant: TENANT });
    const started = performance.now();
    progress(`${plan.staff} staff: seeding`);
    const seeded = await seed(client, plan.staff);
    progress(`seeded ${seeded.sessions} sessions in ${seeded.seedSeconds.toFixed(1)} s, engine`);
    const { readStore } = stores;
    const base = await gather(readStore, TENANT, seeded.serviceId);
    const scheduleIds = [...base.schedules.keys()];

    // Ranges: whole UTC days within March, 1..31 days long; each distinct range's windows read once, untimed.
    const random = mulberry32(7 + plan.staff);
    const ranges = Array.from({ length: plan.engineQueries }, () => {
      const days = 1 + Math.floor(random() * DAYS);
      const first = Math.floor(random() * (DAYS - days + 1));
      return { from: MONTH_FROM + first * DAY_MS, to: MONTH_FROM + (first + days) * DAY_MS };
    });
    // Queries of one range run together, right after its windows are read (untimed): holding every
    // range's snapshot at once would bloat the heap with hundreds of copies and time the collector.
    const byRange = new Map<string, { from: number; to: number; count: number }>();
    for (const { from, to } of ranges) {
      const group = byRange.get(`${from}|${to}`) ?? { from, to, count: 0 };
      group.count++;
      byRange.set(`${from}|${to}`, group);
    }
    const read = (from: number, to: number) => readWindows(readStore, TENANT, scheduleIds, calendarWindow({ from, to }));
    const fullSnapshot = await read(MONTH_FROM, MONTH_TO);
    const busyBlocksFullMonth = [...fullSnapshot.blocks.values()].reduce((n, b) => n + b.busy.length, 0);

    // Engine: warm up (JIT, zone offset tables), then the random mix, then the full month alone.
    for (const { from, to } of ranges.slice(0, 50)) runEngine(base, await read(from, to), from, to);
    await settle();
    const engine = new Timings();
    const full = new Timings();
    let slotsFullMonth = 0;
    const engineDays: number[] = [];
    const gcBefore = gcPauses.length;
    await profiled(`${plan.staff}staff-engine`, async () => {
      for (const { from, to, count } of byRange.values()) {
        const snapshot = await read(from, to);
        for (let i = 0; i < count; i++) {
          engine.time(() => runEngine(base, snapshot, from, to));
          engineDays.push((to - from) / DAY_MS);
        }
      }
      for (let i = 0; i < plan.fullMonthQueries; i++) slotsFullMonth = full.time(() => runEngine(base, fullSnapshot, MONTH_FROM, MONTH_TO)).length;
    });
    await settle();
    progress(`GC during the engine loops (reads between included): ${gcSummary(gcPauses.slice(gcBefore))}`);
    // How the engine's cost grows with the range: p50 per range length.
    const engineMs = engine.ms;
    const byLength = BY_LENGTH.map(({ label, min, max }) => {
      const of = engineMs.filter((_, i) => engineDays[i] >= min && engineDays[i] <= max);
      return { label, count: of.length, p50: of.length ? percentile(of, 50) : NaN };
    });

    // HTTP: one client in its own thread, sequential, over the socket; full month, one page of up to 500. The engine
    // loops held the event loop; the settle above let expired keep-alive timers close their sockets,
    // or the client would reuse a socket the server is about to drop (ECONNRESET).
    progress(`engine done (${((performance.now() - started) / 1000).toFixed(0)} s), HTTP`);
    const body = { serviceId: seeded.serviceId, from: new Date(MONTH_FROM).toISOString(), to: new Date(MONTH_TO).toISOString(), limit: HTTP_LIMIT };
    const first = await client.call<{ items: Slot[] }>('POST', '/v1/availability/query', body);
    if (first.status !== 200) throw new Error(`availability query answered ${first.status}: ${JSON.stringify(first.body)}`);
    const engineFirst = runEngine(base, fullSnapshot, MONTH_FROM, MONTH_TO).slice(0, HTTP_LIMIT);
    if (JSON.stringify(first.body.items) !== JSON.stringify(engineFirst)) throw new Error('the HTTP answer differs from the engine run on the windows');
    for (let i = 0; i < 20; i++) await client.call('POST', '/v1/availability/query', body);
    const http = new Timings();
    let httpBytes = 0;
    const serverBefore = await serverSeconds(app);
    const gcBeforeHttp = gcPauses.length;
    await profiled(`${plan.staff}staff-http`, async () => {
      for (const [start, end, cpu, bytes] of await httpFromOtherThread(port, '/v1/availability/query', body, plan.httpQueries)) {
        http.add(start, end, cpu);
        httpBytes = bytes;
      }
    });
    const serverAfter = await serverSeconds(app);
    const httpServerMeanMs = ((serverAfter.sum - serverBefore.sum) / (serverAfter.count - serverBefore.count)) * 1000;
    await settle();
    progress(`GC during the HTTP loop: ${gcSummary(gcPauses.slice(gcBeforeHttp))}`);

    progress('HTTP done, breakdown');
    const breakdown = await breakDown(readStore, base, seeded.serviceId, fullSnapshot, plan.breakdownQueries);
    return { plan, seeded, slotsFullMonth, byLength, engine: timingStats(engine), engineFullMonth: timingStats(full), http: timingStats(http), httpServerMeanMs, httpBytes, breakdown, busyBlocksFullMonth };
  } finally {
    await app?.close().catch(() => undefined);
    await stores.close();
  }
};

const main = async () => {
  gcObserver.observe({ entryTypes: ['gc'] });
  const root = await mkdtemp(join(tmpdir(), 'kairos-availability-bench-'));
  const results: RunResult[] = [];
  try {
    for (const plan of plansToRun()) results.push(await run(root, plan));
  } finally {
    gcObserver.disconnect();
    await rm(root, { recursive: true, force: true });
  }
  const ten = results.find((r) => r.plan.staff === 10);
  const fifty = results.find((r) => r.plan.staff === 50);
  const rows = results.flatMap((r) => rowsOf(r, r === ten));
  const headline = ten ?? results[0];
  const summary = {
    ...summaryOf(headline),
    targetsMet:
      headline.engine.p50 <= ENGINE_P50.atMost &&
      headline.engine.p99 <= ENGINE_P99.atMost &&
      headline.http.p50 <= HTTP_P50.atMost &&
      headline.http.p99 <= HTTP_P99.atMost,
    ...(fifty && fifty !== headline ? { staff50: summaryOf(fifty) } : {}),
    loadAverage1m: round(loadavg()[0], 2),
  };
  printReport(`availability benchmark: pglite (embedded), ${DAYS} days from ${NOW.toISOString().slice(0, 10)}, clock pinned; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`, rows, summary);
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
