import { Row } from '../kit/report';
import { round as roundTo } from '../kit/stats';
import { ENGINE_P50, ENGINE_P99, HTTP_LIMIT, HTTP_P50, HTTP_P99, DAYS, RunPlan } from './scenario';
import { SEED_BATCH, Seeded } from './seed';
import { timingStats } from './timing';

/** The availability benchmark's rows (per staff count) and its JSON summary (per run). */

/** Milliseconds to the microsecond unless said otherwise. */
const round = (n: number, digits = 3) => roundTo(n, digits);

export interface RunResult {
  byLength: { label: string; count: number; p50: number }[];
  plan: RunPlan;
  seeded: Seeded;
  slotsFullMonth: number;
  engine: ReturnType<typeof timingStats>;
  engineFullMonth: ReturnType<typeof timingStats>;
  http: ReturnType<typeof timingStats>;
  /** Mean time inside the app (after body parsing, until the response finished), from its own metrics. */
  httpServerMeanMs: number;
  httpBytes: number;
  breakdown: Record<string, number>;
  busyBlocksFullMonth: number;
}

export const rowsOf = (r: RunResult, withTargets: boolean): Row[] => {
  const s = `${r.plan.staff} staff`;
  const t = <T>(target: T) => (withTargets ? target : undefined);
  const b = r.breakdown;
  return [
    { metric: `[${s}] seeded sessions (HTTP, ${SEED_BATCH} at a time)`, value: r.seeded.sessions, unit: 'sessions' },
    { metric: `[${s}] seeding + projection catch-up`, value: r.seeded.seedSeconds, unit: 's' },
    { metric: `[${s}] busy blocks in the full-month windows`, value: r.busyBlocksFullMonth, unit: 'blocks' },
    { metric: `[${s}] slots in the full month`, value: r.slotsFullMonth, unit: 'slots' },
    { metric: `[${s}] engine p50, ${r.plan.engineQueries} random 1–31 day ranges`, value: r.engine.p50, unit: 'ms', target: t(ENGINE_P50) },
    { metric: `[${s}] engine p99, ${r.plan.engineQueries} random 1–31 day ranges`, value: r.engine.p99, unit: 'ms', target: t(ENGINE_P99) },
    { metric: `[${s}] engine p99 less GC pauses, random ranges`, value: r.engine.p99NoGc, unit: 'ms' },
    ...r.byLength.map((b): Row => ({ metric: `[${s}] engine p50, ranges of ${b.label} (${b.count})`, value: b.p50, unit: 'ms' })),
    { metric: `[${s}] engine time in GC pauses, random ranges`, value: r.engine.gcShare * 100, unit: '%' },
    { metric: `[${s}] engine CPU time p50, random ranges`, value: r.engine.cpuP50, unit: 'ms' },
    { metric: `[${s}] engine CPU time p99, random ranges`, value: r.engine.cpuP99, unit: 'ms' },
    { metric: `[${s}] engine CPU time / wall time, random ranges`, value: r.engine.cpuPerWall, unit: 'ratio' },
    { metric: `[${s}] engine p50, full month x${r.plan.fullMonthQueries}`, value: r.engineFullMonth.p50, unit: 'ms', target: t(ENGINE_P50) },
    { metric: `[${s}] engine p99, full month x${r.plan.fullMonthQueries}`, value: r.engineFullMonth.p99, unit: 'ms', target: t(ENGINE_P99) },
    { metric: `[${s}] engine p99 less GC pauses, full month`, value: r.engineFullMonth.p99NoGc, unit: 'ms' },
    { metric: `[${s}] HTTP p50, full month, limit ${HTTP_LIMIT}, x${r.plan.httpQueries}`, value: r.http.p50, unit: 'ms', target: t(HTTP_P50) },
    { metric: `[${s}] HTTP p99, full month, limit ${HTTP_LIMIT}, x${r.plan.httpQueries}`, value: r.http.p99, unit: 'ms', target: t(HTTP_P99) },
    { metric: `[${s}] HTTP p99 less GC pauses`, value: r.http.p99NoGc, unit: 'ms' },
    { metric: `[${s}] HTTP mean inside the app (its metrics)`, value: r.httpServerMeanMs, unit: 'ms' },
    { metric: `[${s}] HTTP time in GC pauses`, value: r.http.gcShare * 100, unit: '%' },
    { metric: `[${s}] HTTP process CPU time / wall time`, value: r.http.cpuPerWall, unit: 'ratio' },
    { metric: `[${s}] HTTP response size`, value: r.httpBytes / 1024, unit: 'KiB' },
    { metric: `[${s}] breakdown p50: reads before windows (10 round trips)`, value: b.readsBeforeWindows, unit: 'ms' },
    { metric: `[${s}] breakdown p50: readWindows`, value: b.readWindows, unit: 'ms' },
    { metric: `[${s}] breakdown p50: working-hours expansion (all schedules)`, value: b.workingHoursExpansion, unit: 'ms' },
    { metric: `[${s}] breakdown p50: own calendars (incl. the expansion)`, value: b.ownCalendars, unit: 'ms' },
    { metric: `[${s}] breakdown p50: effective calendars (links)`, value: b.effectiveCalendars, unit: 'ms' },
    { metric: `[${s}] breakdown p50: links + slot search + slot objects`, value: b.linksAndSlots, unit: 'ms' },
    { metric: `[${s}] breakdown p50: JSON of a ${HTTP_LIMIT}-slot page`, value: b.pageJson, unit: 'ms' },
  ];
};

export const summaryOf = (r: RunResult) => ({
  staff: r.plan.staff,
  days: DAYS,
  sessions: r.seeded.sessions,
  slots: r.slotsFullMonth,
  engineQueries: r.plan.engineQueries,
  engineP50Ms: round(r.engine.p50),
  engineP99Ms: round(r.engine.p99),
  engineFullMonthP50Ms: round(r.engineFullMonth.p50),
  engineFullMonthP99Ms: round(r.engineFullMonth.p99),
  engineGcShare: round(r.engine.gcShare),
  engineP50ByRangeMs: Object.fromEntries(r.byLength.map((b) => [b.label, round(b.p50)])),
  engineCpuP50Ms: round(r.engine.cpuP50),
  engineCpuP99Ms: round(r.engine.cpuP99),
  engineCpuPerWall: round(r.engine.cpuPerWall),
  httpQueries: r.plan.httpQueries,
  httpP50Ms: round(r.http.p50),
  httpP99Ms: round(r.http.p99),
  httpGcShare: round(r.http.gcShare),
  httpCpuPerWall: round(r.http.cpuPerWall),
  httpServerMeanMs: round(r.httpServerMeanMs),
  httpResponseBytes: r.httpBytes,
  seedSeconds: round(r.seeded.seedSeconds, 1),
  breakdownP50Ms: Object.fromEntries(Object.entries(r.breakdown).map(([k, v]) => [k, round(v)])),
});
