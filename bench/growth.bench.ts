/**
 * Work and memory that must not grow with the bookings already there, on the built service (a
 * separate process, as an operator runs it) on PostgreSQL with the in-process publisher.
 *
 * growthRatio: one APPOINTMENT service over 60 staff; a month already holding 100 bookings and another
 * holding 10,000; then bookings made over HTTP into each (one at a time, then a few at once), with the
 * CPU of the service and of the PostgreSQL backends serving it per booking, read from /proc, until the
 * projections have applied them. The ratio is large month / small month.
 *
 * rssMb: 100,000 bookings of a service over 50 staff in the store, a fresh start of the service once
 * the projections have caught up, then every page of a full-month availability query; the resident
 * memory after it, and the peak during it: the median of a few such starts on the one seeded store.
 *
 * The months are filled with copies of a real booking's events, appended in bulk (see
 * BookingTemplate): booking that many over HTTP would take hours on a small machine. Every run has a
 * schema of its own, dropped at the end. The machine may be shared: compare the ratio, not the
 * absolute figures, and take medians of several runs. Progress goes to stderr.
 */
import 'reflect-metadata';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { readFile } from 'node:fs/promises';
import { cpuMsOf } from './kit/cpu';
import { Cleanup } from './kit/processes';
import { mulberry32 } from './kit/random';
import { Row, meets, printReport } from './kit/report';
import { median, round } from './kit/stats';
import { Cost, measureBookings } from './growth/cost';
import {
  CATCH_UP_TIMEOUT_MS,
  CONCURRENCY,
  GROWTH_BOOKINGS,
  GROWTH_SMALL,
  GROWTH_STAFF,
  GROWTH_TARGET,
  LARGE_MONTH,
  MEASURED,
  PARTS,
  PER_APPEND,
  RSS_BOOKINGS,
  RSS_FIRST_MONTH,
  RSS_ROUNDS,
  RSS_STAFF,
  RSS_TARGET,
  SMALL_MONTH,
} from './growth/scenario';
import { BookingTemplate, Slot, appendBookings, caughtUp, checkCopied, setUpTenant, slotsOfMonth, startService } from './growth/store';

const URL = process.env.KAIROS_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const progress = (message: string) => process.stderr.write(`[growth bench] ${message}\n`);
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

/** The month's bookings to seed, then the slots measured one at a time, then those measured under concurrency. */
const monthPlan = (month: { year: number; month: number }, staff: number, seeded: number, seed: number) => {
  const slots = slotsOfMonth(month.year, month.month, staff, mulberry32(seed));
  if (slots.length < seeded + 2 * MEASURED) throw new Error(`${month.year}-${month.month + 1} has ${slots.length} slots for ${seeded} + ${2 * MEASURED} bookings: add staff`);
  return { seeded: slots.slice(0, seeded), sequential: slots.slice(seeded, seeded + MEASURED), concurrent: slots.slice(seeded + MEASURED, seeded + 2 * MEASURED) };
};

interface GrowthResult {
  small: { sequential: Cost; concurrent: Cost };
  large: { sequential: Cost; concurrent: Cost };
  seedSeconds: number;
  catchUpSeconds: number;
}

const growth = async (cleanup: Cleanup): Promise<GrowthResult> => {
  const service = await startService(URL, 'growth', cleanup, progress);
  const tenant = await setUpTenant(service.service, GROWTH_STAFF);
  // The template booking sits in the month before both measured ones.
  const templateSlot = { staff: 0, start: Date.UTC(SMALL_MONTH.year, SMALL_MONTH.month - 1, 4, 9) };
  const template = await BookingTemplate.take(service, tenant, templateSlot);
  const small = monthPlan(SMALL_MONTH, GROWTH_STAFF, GROWTH_SMALL, 1);
  const large = monthPlan(LARGE_MONTH, GROWTH_STAFF, GROWTH_BOOKINGS, 2);
  let started = performance.now();
  progress(`appending ${GROWTH_SMALL} + ${GROWTH_BOOKINGS} bookings`);
  await appendBookings(service, tenant, template, small.seeded, PER_APPEND, progress);
  const position = await appendBookings(service, tenant, template, large.seeded, PER_APPEND, progress);
  const seedSeconds = (performance.now() - started) / 1000;
  progress(`appended in ${seedSeconds.toFixed(1)} s; waiting for the projections`);
  started = performance.now();
  await caughtUp(service, position, CATCH_UP_TIMEOUT_MS, progress);
  const catchUpSeconds = (performance.now() - started) / 1000;
  progress(`caught up in ${catchUpSeconds.toFixed(1)} s; measuring`);
  await checkCopied(service, tenant, large.seeded[large.seeded.length - 1]);
  // A few bookings outside both months first, so that neither month pays for warming up.
  const warmUp = slotsOfMonth(SMALL_MONTH.year, SMALL_MONTH.month - 1, GROWTH_STAFF, mulberry32(3)).filter((s) => s.staff !== templateSlot.staff || s.start !== templateSlot.start);
  await measureBookings(service, tenant, warmUp.slice(0, 20), 1);
  const measure = async (plan: ReturnType<typeof monthPlan>, label: string) => {
    const sequential = await measureBookings(service, tenant, plan.sequential, 1);
    const concurrent = await measureBookings(service, tenant, plan.concurrent, CONCURRENCY);
    progress(`${label}: ${sequential.cpuMsPerBooking.toFixed(2)} ms CPU/booking one at a time, ${concurrent.cpuMsPerBooking.toFixed(2)} at ${CONCURRENCY}`);
    return { sequential, concurrent };
  };
  const smallCost = await measure(small, `${GROWTH_SMALL} in the month`);
  const largeCost = await measure(large, `${GROWTH_BOOKINGS} in the month`);
  return { small: smallCost, large: largeCost, seedSeconds, catchUpSeconds };
};

/** Resident and peak resident memory of a process, in MiB. */
const memoryOf = async (pid: number) => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
};

/** One fresh start of the service on the seeded store, then the full-month query. */
interface RssRound {
  idleMb: number;
  queryPeakMb: number;
  afterQueryMb: number;
  queryPages: number;
  querySlots: number;
  queryMs: number;
}

interface RssResult {
  catchUpPeakMb: number;
  catchUpSeconds: number;
  catchUpCpuMsPerBooking: number;
  rounds: RssRound[];
}

const rss = async (cleanup: Cleanup): Promise<RssResult> => {
  const service = await startService(URL, 'rss', cleanup, progress);
  const tenant = await setUpTenant(service.service, RSS_STAFF);
  const first = { year: RSS_FIRST_MONTH.year, month: RSS_FIRST_MONTH.month };
  const template = await BookingTemplate.take(service, tenant, { staff: 0, start: Date.UTC(first.year, first.month - 1, 4, 9) });
  // Months filled from the first on, each up to 90 % of its slots (a busy practice, still bookable).
  const slots: Slot[] = [];
  for (let m = 0; slots.length < RSS_BOOKINGS; m++) {
    const month = slotsOfMonth(first.year, first.month + m, RSS_STAFF, mulberry32(10 + m));
    slots.push(...month.slice(0, Math.min(Math.floor(month.length * 0.9), RSS_BOOKINGS - slots.length)));
  }
  let started = performance.now();
  // The bench's own connection appends: the service's CPU meanwhile is its runners applying them.
  const cpuBefore = cpuMsOf(service.service.pid);
  progress(`appending ${slots.length} bookings`);
  const position = await appendBookings(service, tenant, template, slots, PER_APPEND, progress);
  progress(`appended in ${seconds(started)} s; waiting for the projections`);
  started = performance.now();
  await caughtUp(service, position, CATCH_UP_TIMEOUT_MS, progress);
  const catchUpSeconds = (performance.now() - started) / 1000;
  const catchUpCpuMsPerBooking = (cpuMsOf(service.service.pid) - cpuBefore) / slots.length;
  await checkCopied(service, tenant, slots[0]);
  const { peakMb: catchUpPeakMb } = await memoryOf(service.service.pid);
  progress(`caught up in ${catchUpSeconds.toFixed(1)} s, ${catchUpCpuMsPerBooking.toFixed(2)} ms service CPU a booking (peak ${catchUpPeakMb.toFixed(0)} MiB)`);
  const from = new Date(Date.UTC(first.year, first.month, 1)).toISOString();
  const to = new Date(Date.UTC(first.year, first.month + 1, 1)).toISOString();
  // Seeding costs minutes, a round seconds: every round starts the service afresh on the same store.
  const rounds: RssRound[] = [];
  for (let start = 1; start <= RSS_ROUNDS; start++) {
    // A service started on a store that already holds them, as after a deploy: catching up is not what is measured.
    await service.service.stop();
    await service.service.start();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const { rssMb: idleMb } = await memoryOf(service.service.pid);
    await service.service.resetPeak();
    let cursor: string | undefined;
    let queryPages = 0;
    let querySlots = 0;
    started = performance.now();
    // The API answers a page at a time (at most 500 slots, within a time budget): follow the cursor to the month's end.
    do {
      const page = await service.service.ok('POST', '/v1/availability/query', { serviceId: tenant.serviceId, from, to, limit: 500, ...(cursor ? { cursor } : {}) });
      queryPages++;
      querySlots += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const queryMs = performance.now() - started;
    const { rssMb: afterQueryMb, peakMb: queryPeakMb } = await memoryOf(service.service.pid);
    progress(
      `start ${start}: idle ${idleMb.toFixed(0)} MiB; full month: ${querySlots} slots in ${queryPages} pages, ${queryMs.toFixed(0)} ms; RSS ${afterQueryMb.toFixed(0)} MiB, peak ${queryPeakMb.toFixed(0)} MiB`,
    );
    rounds.push({ idleMb, queryPeakMb, afterQueryMb, queryPages, querySlots, queryMs });
  }
  return { catchUpPeakMb, catchUpSeconds, catchUpCpuMsPerBooking, rounds };
};

const costRows = (label: string, cost: Cost): Row[] => [
  { metric: `${label}: CPU per booking (service + its PostgreSQL backends)`, value: cost.cpuMsPerBooking, unit: 'ms' },
  { metric: `${label}:   of which service`, value: cost.appCpuMs, unit: 'ms' },
  { metric: `${label}:   of which PostgreSQL`, value: cost.postgresCpuMs, unit: 'ms' },
  { metric: `${label}: median latency`, value: cost.medianMs, unit: 'ms' },
  ...(cost.failed > 0 ? [{ metric: `${label}: answered 503 (left out)`, value: cost.failed, unit: 'bookings' }] : []),
];

const costSummary = (cost: Cost) => ({
  cpuMsPerBooking: round(cost.cpuMsPerBooking, 2),
  appCpuMs: round(cost.appCpuMs, 2),
  postgresCpuMs: round(cost.postgresCpuMs, 2),
  medianMs: round(cost.medianMs, 2),
  failed: cost.failed,
});

const main = async () => {
  const cleanup = new Cleanup();
  const stop = () => void cleanup.all().finally(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const rows: Row[] = [];
  const summary: Record<string, unknown> = {};
  try {
    if (PARTS.includes('growth')) {
      const result = await growth(cleanup);
      await cleanup.all();
      const { small, large } = result;
      const ratio = large.sequential.cpuMsPerBooking / small.sequential.cpuMsPerBooking;
      const concurrentRatio = large.concurrent.cpuMsPerBooking / small.concurrent.cpuMsPerBooking;
      const latencyRatio = large.sequential.medianMs / small.sequential.medianMs;
      const concurrentLatencyRatio = large.concurrent.medianMs / small.concurrent.medianMs;
      rows.push(
        ...costRows(`${GROWTH_SMALL} in month, 1 at a time`, small.sequential),
        ...costRows(`${GROWTH_BOOKINGS} in month, 1 at a time`, large.sequential),
        ...costRows(`${GROWTH_SMALL} in month, ${CONCURRENCY} at a time`, small.concurrent),
        ...costRows(`${GROWTH_BOOKINGS} in month, ${CONCURRENCY} at a time`, large.concurrent),
        { metric: 'growthRatio (CPU per booking, 1 at a time)', value: ratio, unit: '×', target: GROWTH_TARGET },
        { metric: `CPU ratio, ${CONCURRENCY} at a time`, value: concurrentRatio, unit: '×' },
        { metric: 'median latency ratio, 1 at a time', value: latencyRatio, unit: '×' },
        { metric: `median latency ratio, ${CONCURRENCY} at a time`, value: concurrentLatencyRatio, unit: '×' },
        { metric: 'bulk append of the months', value: result.seedSeconds, unit: 's' },
        { metric: 'projections catching up with them', value: result.catchUpSeconds, unit: 's' },
      );
      Object.assign(summary, {
        growthRatio: round(ratio, 3),
        growthRatioConcurrent: round(concurrentRatio, 3),
        growthLatencyRatio: round(latencyRatio, 3),
        growthLatencyRatioConcurrent: round(concurrentLatencyRatio, 3),
        growthTargetMet: meets(ratio, GROWTH_TARGET),
        growth: { small: GROWTH_SMALL, large: GROWTH_BOOKINGS, measured: MEASURED, concurrency: CONCURRENCY, staff: GROWTH_STAFF },
        growthSmall: { sequential: costSummary(small.sequential), concurrent: costSummary(small.concurrent) },
        growthLarge: { sequential: costSummary(large.sequential), concurrent: costSummary(large.concurrent) },
        growthCatchUpSeconds: round(result.catchUpSeconds, 1),
      });
    }
    if (PARTS.includes('rss')) {
      const result = await rss(cleanup);
      await cleanup.all();
      const mid = (pick: (r: RssRound) => number) => median(result.rounds.map(pick));
      const { queryPages, querySlots } = result.rounds[result.rounds.length - 1];
      rows.push(
        { metric: `RSS after a full-month availability query (${RSS_BOOKINGS} bookings, ${RSS_STAFF} staff), median of ${RSS_ROUNDS} starts`, value: mid((r) => r.afterQueryMb), unit: 'MiB', target: RSS_TARGET },
        { metric: 'RSS peak during the query', value: mid((r) => r.queryPeakMb), unit: 'MiB' },
        { metric: 'RSS after a fresh start, before the query', value: mid((r) => r.idleMb), unit: 'MiB' },
        { metric: 'RSS peak while the projections caught up', value: result.catchUpPeakMb, unit: 'MiB' },
        { metric: `full-month query (${queryPages} pages, ${querySlots} slots)`, value: mid((r) => r.queryMs), unit: 'ms' },
        { metric: 'projections catching up with the bookings', value: result.catchUpSeconds, unit: 's' },
        { metric: 'service CPU per booking while they caught up', value: result.catchUpCpuMsPerBooking, unit: 'ms' },
      );
      Object.assign(summary, {
        rssMb: round(mid((r) => r.afterQueryMb), 1),
        rssPeakMb: round(mid((r) => r.queryPeakMb), 1),
        rssIdleMb: round(mid((r) => r.idleMb), 1),
        rssCatchUpPeakMb: round(result.catchUpPeakMb, 1),
        rssTargetMet: meets(mid((r) => r.afterQueryMb), RSS_TARGET),
        rssBookings: RSS_BOOKINGS,
        rssQueryMs: round(mid((r) => r.queryMs), 1),
        rssQueryPages: queryPages,
        rssCatchUpSeconds: round(result.catchUpSeconds, 1),
        rssCatchUpCpuMsPerBooking: round(result.catchUpCpuMsPerBooking, 2),
        rssRounds: result.rounds.map((r) => ({ idleMb: round(r.idleMb, 1), afterQueryMb: round(r.afterQueryMb, 1), peakMb: round(r.queryPeakMb, 1), queryMs: round(r.queryMs, 1) })),
      });
    }
  } finally {
    await cleanup.all();
  }
  summary.loadAverage1m = round(loadavg()[0], 2);
  printReport(`growth benchmark: built service on PostgreSQL, in-process publisher; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (shared machine: compare ratios)`, rows, summary);
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
