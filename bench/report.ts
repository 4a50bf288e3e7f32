/**
 * What every benchmark prints: a table for people, then one JSON object on the last line of stdout
 * so that scripts can take `tail -n 1` without parsing the table.
 */

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

export type Target = { atLeast: number } | { atMost: number };

export interface Row {
  metric: string;
  value: number;
  unit: string;
  target?: Target;
}

export const meets = (value: number, target: Target): boolean =>
  'atLeast' in target ? value >= target.atLeast : value <= target.atMost;

// Large rates read better without decimals, millisecond latencies need them.
const formatNumber = (value: number): string => {
  const digits = Math.abs(value) >= 100 ? 0 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
};

const formatTarget = (target: Target): string =>
  'atLeast' in target ? `>= ${formatNumber(target.atLeast)}` : `<= ${formatNumber(target.atMost)}`;

/** Left-aligns text columns and right-aligns the ones flagged numeric, so digits line up. */
export const formatTable = (headers: string[], rows: string[][], numeric: boolean[]): string => {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
};

export const printReport = (title: string, rows: Row[], summary: Record<string, unknown>): void => {
  const cells = rows.map((row) => [
    row.metric,
    formatNumber(row.value),
    row.unit,
    row.target ? formatTarget(row.target) : '',
    row.target ? (meets(row.value, row.target) ? 'yes' : 'NO') : '',
  ]);
  console.log(title);
  console.log(formatTable(['metric', 'value', 'unit', 'target', 'met'], cells, [false, true, false, true, false]));
  console.log(JSON.stringify(summary));
};
