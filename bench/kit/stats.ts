/** Linear interpolation between closest ranks, so that p50 of an even count is the usual median. */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) throw new Error('percentile of no values');
  if (p < 0 || p > 100) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - lower);
};

export const median = (values: readonly number[]): number => percentile(values, 50);

/** A percentile that is NaN rather than an error when nothing was measured (a run too short to sample, say). */
export const percentileOrNaN = (values: readonly number[], p: number): number => (values.length === 0 ? NaN : percentile(values, p));

/** Rounded for the JSON summary, where full float noise only hides the figure. */
export const round = (value: number, digits: number): number => Number(value.toFixed(digits));

export const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
