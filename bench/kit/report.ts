/**
 * What every benchmark prints: a table for people, then one JSON object on the last line of stdout
 * so that scripts can take `tail -n 1` without parsing the table.
 */

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
