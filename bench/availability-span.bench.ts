/**
 * Availability work in proportion to the page asked for, not to the span: the built service on the
 * embedded default (a data folder of its own) in a child process, a 24/7 APPOINTMENT service (three
 * staff around the clock, 30-minute slots every 15 minutes, no booking window) seeded over HTTP, then
 *  - `limit: 100` over 100 years (target: under 50 ms);
 *  - `to: 9999-12-31T23:59:59Z`, `limit: 1`;
 *  - `/health/live` p50/p99 while 16 clients send 5-year queries back to back (target: p99 under 50 ms).
 * Each measurement runs ROUNDS times; the table shows the median of the rounds. A server that dies is
 * reported as such and started again on its folder.
 *
 * The server runs in a child process so that a query that exhausts it cannot take the benchmark
 * down, and so that the clients' own work never shares its event loop. KAIROS_BENCH_MAIN=<main.js>
 * runs another build (e.g. an older commit's `dist/apps/kairos/src/main.js`). Progress goes to stderr.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HttpClient } from './kit/http-client';
import { Row, printReport } from './kit/report';
import { ServiceProcess, answerOrNone } from './kit/service-process';
import { median, percentile } from './kit/stats';

const MAIN = resolve(process.env.KAIROS_BENCH_MAIN ?? join(__dirname, '../apps/kairos/src/main.js'));
const TENANT = 'bench';
const ROUNDS = Number(process.env.KAIROS_BENCH_ROUNDS ?? 3);
const CENTURY_SAMPLES = 20;
const FAR_SAMPLES = 5;
const CONCURRENT_CLIENTS = 16;
const LOAD_SECONDS = Number(process.env.KAIROS_BENCH_LOAD_SECONDS ?? 10);
const PROBE_EVERY_MS = 20;
/** Long enough for the slowest answer seen before queries were bounded; a probe that waits longer counts as this. */
const TIMEOUT_MS = 120_000;

const CENTURY_P50 = { atMost: 50 };
const HEALTH_P99 = { atMost: 50 };

const progress = (message: string) => process.stderr.write(`[availability-span bench] ${message}\n`);

const DAY = 86_400_000;
const FROM = Math.ceil(Date.now() / DAY) * DAY;
const iso = (t: number) => new Date(t).toISOString();
const yearsAfter = (t: number, years: number) => {
  const d = new Date(t);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.getTime();
};

/** A 24/7 service: three staff working every day 00:00–00:00 (24 hours), a policy without booking window. */
const seed = async (server: ServiceProcess): Promise<string> => {
  await server.ok('POST', '/v1/booking-policies', { name: 'Any time', isDefault: true, earliestBookingMinutes: null, latestBookingMinutes: null });
  const staff = await Promise.all([1, 2, 3].map((n) => server.ok('POST', '/v1/resources', { type: 'STAFF', name: `Staff ${n}` })));
  for (const s of staff) {
    await server.ok('PATCH', `/v1/schedules/${s.scheduleId}`, {
      timeZone: 'UTC',
      workingHours: [{ daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'], startTime: '00:00', endTime: '00:00' }],
    });
  }
  const service = await server.ok('POST', '/v1/services', {
    name: 'Around the clock',
    type: 'APPOINTMENT',
    sessionDurations: [30],
    slotSplitIntervalMinutes: 15,
    timeZone: 'UTC',
    resourceGroups: [{ resourceIds: staff.map((s) => s.id), requiredCount: 1, selectable: true }],
  });
  // Wait for the projections: a one-day query with the service's position in the body.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await server.call('POST', '/v1/availability/query', { serviceId: service.id, from: iso(FROM), to: iso(FROM + DAY), limit: 1 });
    if (res.status === 200 && res.body.items.length === 1) return service.id as string;
    if (Date.now() > deadline) throw new Error(`the service has no slot: ${res.status} ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

interface Timed {
  ms: number[];
  statuses: number[];
  deaths: number;
  peakRssMiB: number;
}

/** Sends the same query `samples` times, one after the other; fewer when one takes seconds (before queries were bounded). */
const timeQuery = async (server: ServiceProcess, body: object, samples: number): Promise<Timed> => {
  const ms: number[] = [];
  const statuses: number[] = [];
  let deaths = 0;
  await server.resetPeak();
  let peak = 0;
  for (let i = 0; i < samples; i++) {
    const res = await server.call('POST', '/v1/availability/query', body);
    ms.push(res.ms);
    statuses.push(res.status);
    peak = Math.max(peak, await server.peakRssMiB());
    if (!(await server.survived())) deaths++;
    if (res.ms > 5_000) break;
  }
  return { ms, statuses, deaths, peakRssMiB: peak };
};

interface Load {
  probes: number[];
  queries: number;
  queryMs: number[];
  failedQueries: number;
}

/** CONCURRENT_CLIENTS clients send 5-year queries back to back while a probe asks /health/live every PROBE_EVERY_MS. */
const healthUnderLoad = async (server: ServiceProcess, serviceId: string): Promise<Load> => {
  const body = { serviceId, from: iso(FROM), to: iso(yearsAfter(FROM, 5)) };
  const end = performance.now() + LOAD_SECONDS * 1000;
  const queryMs: number[] = [];
  let failedQueries = 0;
  const clients = Array.from({ length: CONCURRENT_CLIENTS }, async () => {
    const client = new HttpClient(server.port, { tenant: TENANT, maxSockets: 1, timeoutMs: TIMEOUT_MS });
    while (performance.now() < end) {
      const res = await answerOrNone(client, 'POST', '/v1/availability/query', body);
      if (res.status === 200) queryMs.push(res.ms);
      else failedQueries++;
      if (res.status === 0) break;
    }
    client.close();
  });
  const probes: number[] = [];
  const probe = new HttpClient(server.port, { tenant: TENANT, maxSockets: 1, timeoutMs: TIMEOUT_MS });
  const prober = (async () => {
    // Let the clients' first queries start.
    await new Promise((r) => setTimeout(r, 50));
    while (performance.now() < end) {
      const res = await answerOrNone(probe, 'GET', '/health/live');
      probes.push(res.status === 200 ? res.ms : TIMEOUT_MS);
      await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
    }
    probe.close();
  })();
  await Promise.all([...clients, prober]);
  return { probes, queries: queryMs.length, queryMs, failedQueries };
};

const main = async () => {
  const root = await mkdtemp(join(tmpdir(), 'kairos-availability-span-bench-'));
  const server = new ServiceProcess(MAIN, { KAIROS_DATA_DIR: join(root, 'data') }, TENANT, TIMEOUT_MS, progress);
  try {
    progress(`starting ${MAIN}`);
    await server.start();
    const serviceId = await seed(server);
    progress('seeded');
    const century = { serviceId, from: iso(FROM), to: iso(yearsAfter(FROM, 100)), limit: 100 };
    const far = { serviceId, from: iso(FROM), to: '9999-12-31T23:59:59Z', limit: 1 };
    // Warm up (JIT, zone tables) on a one-month query.
    for (let i = 0; i < 5; i++) await server.call('POST', '/v1/availability/query', { serviceId, from: iso(FROM), to: iso(FROM + 31 * DAY), limit: 100 });

    const rounds: { century: Timed; far: Timed; load: Load }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      progress(`round ${round + 1}/${ROUNDS}: 100 years, limit 100`);
      const c = await timeQuery(server, century, CENTURY_SAMPLES);
      progress(`round ${round + 1}/${ROUNDS}: to 9999-12-31, limit 1`);
      const f = await timeQuery(server, far, FAR_SAMPLES);
      progress(`round ${round + 1}/${ROUNDS}: /health/live under ${CONCURRENT_CLIENTS} concurrent 5-year queries for ${LOAD_SECONDS} s`);
      const l = await healthUnderLoad(server, serviceId);
      if (!(await server.survived())) progress('the server died under the concurrent load');
      rounds.push({ century: c, far: f, load: l });
    }

    const med = (values: number[]) => (values.length ? median(values) : NaN);
    const ofRounds = (pick: (r: (typeof rounds)[number]) => number) => med(rounds.map(pick));
    const ok = (t: Timed) => t.statuses.filter((s) => s === 200).length;
    const summary = {
      rounds: ROUNDS,
      centuryLimit100P50Ms: ofRounds((r) => percentile(r.century.ms, 50)),
      centuryLimit100MaxMs: ofRounds((r) => Math.max(...r.century.ms)),
      centuryOkShare: ofRounds((r) => ok(r.century) / r.century.statuses.length),
      centuryPeakRssMiB: ofRounds((r) => r.century.peakRssMiB),
      far9999Limit1P50Ms: ofRounds((r) => percentile(r.far.ms, 50)),
      far9999OkShare: ofRounds((r) => ok(r.far) / r.far.statuses.length),
      far9999ServerDeaths: rounds.reduce((n, r) => n + r.far.deaths + r.century.deaths, 0),
      far9999PeakRssMiB: ofRounds((r) => r.far.peakRssMiB),
      healthP50Ms: ofRounds((r) => percentile(r.load.probes, 50)),
      healthP99Ms: ofRounds((r) => percentile(r.load.probes, 99)),
      healthMaxMs: ofRounds((r) => Math.max(...r.load.probes)),
      fiveYearQueriesPerSecond: ofRounds((r) => r.load.queries / LOAD_SECONDS),
      fiveYearQueryP50Ms: ofRounds((r) => med(r.load.queryMs)),
      fiveYearFailedQueries: ofRounds((r) => r.load.failedQueries),
      serverDeaths: server.deaths,
      loadAverage1m: Number(loadavg()[0].toFixed(2)),
    };
    const rows: Row[] = [
      { metric: `limit 100 over 100 years, p50 of ${CENTURY_SAMPLES} (median of rounds)`, value: summary.centuryLimit100P50Ms, unit: 'ms', target: CENTURY_P50 },
      { metric: 'limit 100 over 100 years, slowest', value: summary.centuryLimit100MaxMs, unit: 'ms' },
      { metric: 'limit 100 over 100 years, answered 200', value: summary.centuryOkShare * 100, unit: '%' },
      { metric: 'limit 100 over 100 years, server peak RSS', value: summary.centuryPeakRssMiB, unit: 'MiB' },
      { metric: `to 9999-12-31 limit 1, p50 of ${FAR_SAMPLES}`, value: summary.far9999Limit1P50Ms, unit: 'ms' },
      { metric: 'to 9999-12-31 limit 1, answered 200', value: summary.far9999OkShare * 100, unit: '%' },
      { metric: 'to 9999-12-31 limit 1, server peak RSS', value: summary.far9999PeakRssMiB, unit: 'MiB' },
      { metric: `/health/live p50, ${CONCURRENT_CLIENTS} clients of 5-year queries`, value: summary.healthP50Ms, unit: 'ms' },
      { metric: `/health/live p99, ${CONCURRENT_CLIENTS} clients of 5-year queries`, value: summary.healthP99Ms, unit: 'ms', target: HEALTH_P99 },
      { metric: '/health/live slowest', value: summary.healthMaxMs, unit: 'ms' },
      { metric: '5-year queries answered', value: summary.fiveYearQueriesPerSecond, unit: 'per s' },
      { metric: '5-year query p50', value: summary.fiveYearQueryP50Ms, unit: 'ms' },
      { metric: '5-year queries failed', value: summary.fiveYearFailedQueries, unit: 'requests' },
      { metric: 'server deaths (started again)', value: summary.serverDeaths, unit: 'deaths' },
    ];
    printReport(
      `availability span benchmark: built service on pglite (embedded), 24/7 service of 3 staff, from ${iso(FROM).slice(0, 10)}; ${MAIN}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      rows,
      { ...summary, targetsMet: summary.centuryLimit100P50Ms <= CENTURY_P50.atMost && summary.healthP99Ms <= HEALTH_P99.atMost },
    );
  } finally {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
