/** The availability benchmark's shapes: the month it queries, the plans it runs, its targets. */

export const NOW = new Date('2026-03-01T00:00:00Z');
export const MONTH_FROM = Date.UTC(2026, 2, 1);
export const DAYS = 31;
export const DAY_MS = 24 * 60 * 60 * 1000;
export const MONTH_TO = MONTH_FROM + DAYS * DAY_MS;
export const ZONE = 'Europe/London';
export const TENANT = 'bench';
export const HTTP_LIMIT = 500;

export const ENGINE_P50 = { atMost: 1 };
export const ENGINE_P99 = { atMost: 5 };
export const HTTP_P50 = { atMost: 5 };
export const HTTP_P99 = { atMost: 20 };

export interface RunPlan {
  staff: number;
  engineQueries: number;
  fullMonthQueries: number;
  httpQueries: number;
  breakdownQueries: number;
}

export const PLANS: RunPlan[] = [
  { staff: 10, engineQueries: 1000, fullMonthQueries: 200, httpQueries: 500, breakdownQueries: 200 },
  { staff: 50, engineQueries: 1000, fullMonthQueries: 200, httpQueries: 500, breakdownQueries: 100 },
];

/** KAIROS_BENCH_STAFF=10 runs one shape only (for profiling); the default runs both. */
export const plansToRun = (): RunPlan[] => {
  const wanted = process.env.KAIROS_BENCH_STAFF?.split(',').map(Number);
  return wanted ? PLANS.filter((p) => wanted.includes(p.staff)) : PLANS;
};

export const BY_LENGTH = [
  { label: '1 day', min: 1, max: 1 },
  { label: '2–7 days', min: 2, max: 7 },
  { label: '8–15 days', min: 8, max: 15 },
  { label: '16–31 days', min: 16, max: 31 },
];
