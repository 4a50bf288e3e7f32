/** Recurrence rules: parsing every supported part, refusing the rest by name, and writing them back. */
import { MAX_COUNT, RecurrenceRule, formatRecurrence, parseRecurrence } from './rrule';
import { validationError } from './test-oracle';

describe('parseRecurrence / formatRecurrence', () => {
  it('parses every supported part', () => {
    expect(parseRecurrence('RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU,-1FR,MO;BYMONTHDAY=1,15,-1;COUNT=10;WKST=SU')).toEqual({
      freq: 'MONTHLY',
      interval: 2,
      byDay: [
        { weekday: 'TU', ordinal: 2 },
        { weekday: 'FR', ordinal: -1 },
        { weekday: 'MO', ordinal: null },
      ],
      byMonthDay: [1, 15, -1],
      count: 10,
      until: null,
      wkst: 'SU',
    } satisfies RecurrenceRule);
    expect(parseRecurrence('FREQ=DAILY')).toEqual({ freq: 'DAILY', interval: 1, byDay: [], byMonthDay: [], count: null, until: null, wkst: 'MO' });
  });

  it('reads the three UNTIL forms', () => {
    expect(parseRecurrence('FREQ=DAILY;UNTIL=20261231T235959Z').until).toEqual({ kind: 'utc', value: '2026-12-31T23:59:59Z' });
    expect(parseRecurrence('FREQ=DAILY;UNTIL=20261231T235959').until).toEqual({ kind: 'local', value: '2026-12-31T23:59:59' });
    expect(parseRecurrence('FREQ=DAILY;UNTIL=20261231').until).toEqual({ kind: 'date', value: '2026-12-31' });
  });

  it.each([
    'FREQ=DAILY',
    'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;WKST=SU',
    'FREQ=MONTHLY;BYDAY=2TU,-1FR;UNTIL=20261231T235959Z',
    'FREQ=MONTHLY;BYMONTHDAY=31,-1;UNTIL=20261231T235959',
    'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20261231',
    'FREQ=WEEKLY;COUNT=5',
  ])('round-trips %s', (value) => {
    expect(formatRecurrence(parseRecurrence(value))).toBe(value);
    expect(parseRecurrence(formatRecurrence(parseRecurrence(value)))).toEqual(parseRecurrence(value));
  });

  it('writes the canonical form (defaults left out, RRULE: prefix dropped, case normalized)', () => {
    expect(formatRecurrence(parseRecurrence('rrule:freq=weekly;interval=1;wkst=mo;byday=mo'))).toBe('FREQ=WEEKLY;BYDAY=MO');
  });

  it.each([
    ['FREQ=DAILY;COUNT=3;UNTIL=20261231', /COUNT and UNTIL/],
    ['FREQ=DAILY;BYHOUR=9;BYSETPOS=1', /unsupported parts BYHOUR, BYSETPOS/],
    ['FREQ=YEARLY', /unsupported FREQ=YEARLY/],
    ['FREQ=HOURLY', /unsupported FREQ=HOURLY/],
    ['INTERVAL=2', /FREQ is required/],
    ['FREQ=DAILY;INTERVAL=0', /INTERVAL must be an integer/],
    ['FREQ=DAILY;INTERVAL=-1', /INTERVAL must be an integer/],
    ['FREQ=DAILY;COUNT=0', /COUNT must be an integer/],
    [`FREQ=DAILY;COUNT=${MAX_COUNT + 1}`, /COUNT must be an integer/],
    ['FREQ=WEEKLY;BYDAY=2TU', /ordinals .* only allowed with FREQ=MONTHLY/],
    ['FREQ=MONTHLY;BYDAY=6TU', /ordinal/],
    ['FREQ=MONTHLY;BYDAY=0TU', /ordinal/],
    ['FREQ=WEEKLY;BYDAY=XX', /BYDAY item/],
    ['FREQ=WEEKLY;BYDAY=MO,MO', /more than once/],
    ['FREQ=MONTHLY;BYMONTHDAY=0', /BYMONTHDAY item/],
    ['FREQ=MONTHLY;BYMONTHDAY=32', /BYMONTHDAY item/],
    ['FREQ=WEEKLY;BYMONTHDAY=1', /not allowed with FREQ=WEEKLY/],
    ['FREQ=DAILY;UNTIL=20260230', /not a real date/],
    ['FREQ=DAILY;UNTIL=2026-12-31', /UNTIL/],
    ['FREQ=DAILY;WKST=XX', /WKST/],
    ['FREQ=DAILY;FREQ=WEEKLY', /more than once/],
    ['FREQ=DAILY;;COUNT=2', /malformed part/],
    ['', /must be a recurrence rule/],
  ])('refuses %s', (value, reason) => {
    const error = validationError(() => parseRecurrence(value, 'sessions[2].recurrence'));
    expect(error.message).toMatch(reason);
    expect(error.errors.length).toBeGreaterThan(0);
    for (const e of error.errors) expect(e.field).toBe('sessions[2].recurrence');
    expect(error.errors.map((e) => e.reason).join('; ')).toMatch(reason);
  });

  it('reports every problem at once', () => {
    const error = validationError(() => parseRecurrence('FREQ=YEARLY;BYHOUR=9;COUNT=0'));
    expect(error.errors).toHaveLength(3);
    expect(error.errors[0].field).toBe('recurrence');
  });
});
