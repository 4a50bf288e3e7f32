/** The growth benchmark's shapes and targets; sizes adjustable by env to try it small first. */

export const TENANT = 'bench';
export const ZONE = 'UTC';

const wholeNumber = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name}=${process.env[name]} is not a whole number`);
  return value;
};

/** Bookings already in the month: the small and the large case of growthRatio. */
export const GROWTH_SMALL = wholeNumber('BENCH_GROWTH_SMALL', 100);
export const GROWTH_BOOKINGS = wholeNumber('BENCH_GROWTH_BOOKINGS', 10_000);
/** Bookings measured over HTTP into each month: this many one at a time, then this many again under CONCURRENCY. */
export const MEASURED = wholeNumber('BENCH_GROWTH_MEASURED', 100);
export const CONCURRENCY = wholeNumber('BENCH_GROWTH_CONCURRENCY', 4);
/** Enough staff for the large month's bookings and the measured ones: 60 × 10 hours × 20 weekdays = 12,000 slots. */
export const GROWTH_STAFF = wholeNumber('BENCH_GROWTH_STAFF', 60);

export const RSS_BOOKINGS = wholeNumber('BENCH_RSS_BOOKINGS', 100_000);
export const RSS_STAFF = 50;
/** Fresh starts of the service measured on the seeded store; the figures are their medians. */
export const RSS_ROUNDS = Math.max(1, wholeNumber('BENCH_RSS_ROUNDS', 3));

/** Which parts run: "growth,rss" by default. */
export const PARTS = (process.env.BENCH_GROWTH_PARTS ?? 'growth,rss').split(',').map((p) => p.trim());

export const PER_APPEND = 250;
export const CATCH_UP_TIMEOUT_MS = wholeNumber('BENCH_GROWTH_CATCH_UP_TIMEOUT_MS', 30 * 60_000);

export const GROWTH_TARGET = { atMost: 1.5 };
export const RSS_TARGET = { atMost: 250 };

/** The months the growth part books into: far enough ahead of any clock this runs under, and without a daylight-saving change in UTC. */
export const SMALL_MONTH = { year: 2027, month: 1 };
export const LARGE_MONTH = { year: 2027, month: 2 };
/** The RSS part fills months from this one on. */
export const RSS_FIRST_MONTH = { year: 2027, month: 1 };
