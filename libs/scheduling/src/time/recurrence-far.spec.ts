/**
 * Open-ended series jump arithmetically to the window asked for (bench:availability measures how fast);
 * these hold what they answer there, and that a cap or a rule that never matches again ends the walk.
 */
import { expandSeries } from './recurrence';
import { localStarts, series, starts, win } from './test-oracle';

describe('open-ended series: far windows, limits, rules that never match again', () => {
  const daily = series('2026-01-01T09:00', '2026-01-01T10:00', 'Europe/London', 'FREQ=DAILY');

  it('one week 50 years ahead: 7 occurrences', () => {
    const o = expandSeries(daily, win('2076-03-02T00:00Z', '2076-03-09T00:00Z'));
    expect(localStarts(o)).toEqual(['02', '03', '04', '05', '06', '07', '08'].map((d) => `2076-03-${d}T09:00:00`));
    expect(starts(o)[0]).toBe('2076-03-02T09:00:00.000Z');
  });

  it('one week in the year 9000', () => {
    const weekly = series('2026-01-05T09:00', '2026-01-05T10:00', 'America/New_York', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH');
    const monthly = series('2026-01-30T09:00', '2026-01-30T10:00', 'America/New_York', 'FREQ=MONTHLY;BYDAY=-1FR');
    expect(expandSeries(daily, win('9000-06-01T00:00Z', '9000-06-08T00:00Z'))).toHaveLength(7);
    expect(expandSeries(weekly, win('9000-06-01T00:00Z', '9000-06-29T00:00Z'))).toHaveLength(4);
    expect(expandSeries(monthly, win('9000-06-01T00:00Z', '9000-12-01T00:00Z'))).toHaveLength(6);
  });

  it('limit caps the result (the earliest ones)', () => {
    const o = expandSeries(daily, win('2026-01-01T00:00Z', '2100-01-01T00:00Z'), 5);
    expect(localStarts(o).map((l) => l.slice(0, 10))).toEqual(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05']);
    expect(expandSeries(daily, win('2026-01-01T00:00Z', '2100-01-01T00:00Z'))).toHaveLength(10_000);
  });

  it('a rule that never matches again terminates (COUNT not reachable)', () => {
    const forever = win('2026-01-01T00:00Z', '9999-01-01T00:00Z');
    const never = series('2026-02-10T09:00', '2026-02-10T10:00', 'UTC', 'FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=30;COUNT=3'); // February
    expect(localStarts(expandSeries(never, forever))).toEqual(['2026-02-10T09:00:00']);
    const monday = series('2026-01-05T09:00', '2026-01-05T10:00', 'UTC', 'FREQ=DAILY;INTERVAL=7;BYDAY=TU;COUNT=3'); // always Mondays
    expect(localStarts(expandSeries(monday, forever))).toEqual(['2026-01-05T09:00:00']);
  });
});
