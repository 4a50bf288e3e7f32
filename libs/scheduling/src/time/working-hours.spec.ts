/**
 * Working hours. Conventions under test: wall-clock HH:mm in the schedule zone; gap -> moved forward by the gap;
 * overlap -> earlier instant; results are half-open, sorted, merged and clipped to the window.
 */
import fc from 'fast-check';
import { Interval } from './intervals';
import { oracleWorkingIntervals } from './test-oracle';
import { DayOfWeek, WorkingHoursRule, validateWorkingHours, workingIntervals } from './working-hours';

const rule = (daysOfWeek: DayOfWeek[], startTime: string, endTime: string, extra: Partial<WorkingHoursRule> = {}): WorkingHoursRule => ({
  daysOfWeek,
  startTime,
  endTime,
  everyWeeks: 1,
  validFrom: null,
  validUntil: null,
  ...extra,
});
const win = (from: string, to: string) => ({ from: new Date(from), to: new Date(to) });
const iso = (list: Interval[]) => list.map((i) => [i.start.toISOString(), i.end.toISOString()]);
const hours = (list: Interval[]) => list.map((i) => (i.end.getTime() - i.start.getTime()) / 3_600_000);
const WEEKDAYS: DayOfWeek[] = ['MON', 'TUE', 'WED', 'THU', 'FRI'];

describe('workingIntervals', () => {
  it('09:00-17:00 stays 09:00-17:00 local across the London spring change: 8 h every day', () => {
    const list = workingIntervals([rule(WEEKDAYS, '09:00', '17:00')], 'Europe/London', win('2026-03-23T00:00Z', '2026-04-04T00:00Z'));
    expect(iso(list)).toEqual([
      ...['23', '24', '25', '26', '27'].map((d) => [`2026-03-${d}T09:00:00.000Z`, `2026-03-${d}T17:00:00.000Z`]),
      ...['03-30', '03-31', '04-01', '04-02', '04-03'].map((d) => [`2026-${d}T08:00:00.000Z`, `2026-${d}T16:00:00.000Z`]),
    ]);
    expect(new Set(hours(list))).toEqual(new Set([8]));
  });

  it('and across the New York autumn change, including on the Sunday of the change itself', () => {
    const list = workingIntervals([rule(['SAT', 'SUN', 'MON'], '09:00', '17:00')], 'America/New_York', win('2026-10-31T00:00Z', '2026-11-03T00:00Z'));
    expect(iso(list)).toEqual([
      ['2026-10-31T13:00:00.000Z', '2026-10-31T21:00:00.000Z'],
      ['2026-11-01T14:00:00.000Z', '2026-11-01T22:00:00.000Z'],
      ['2026-11-02T14:00:00.000Z', '2026-11-02T22:00:00.000Z'],
    ]);
  });

  it('endTime <= startTime runs overnight: 22:00-06:00 is 7 h into the spring change and 9 h into the autumn one', () => {
    const r = [rule(['SAT'], '22:00', '06:00')];
    expect(iso(workingIntervals(r, 'Europe/London', win('2026-03-28T00:00Z', '2026-03-30T00:00Z')))).toEqual([
      ['2026-03-28T22:00:00.000Z', '2026-03-29T05:00:00.000Z'],
    ]);
    const autumn = workingIntervals(r, 'Europe/London', win('2026-10-24T00:00Z', '2026-10-26T00:00Z'));
    expect(iso(autumn)).toEqual([['2026-10-24T21:00:00.000Z', '2026-10-25T06:00:00.000Z']]);
    expect(hours(autumn)).toEqual([9]);
    expect(hours(workingIntervals(r, 'Europe/London', win('2026-03-21T00:00Z', '2026-03-23T00:00Z')))).toEqual([8]);
  });

  it('endTime == startTime is 24 h of wall clock; every day 00:00-00:00 covers the whole window, DST or not', () => {
    const w = win('2026-03-27T00:00Z', '2026-04-01T00:00Z');
    const all: DayOfWeek[] = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];
    expect(iso(workingIntervals([rule(all, '00:00', '00:00')], 'Europe/London', w))).toEqual([['2026-03-27T00:00:00.000Z', '2026-04-01T00:00:00.000Z']]);
    expect(iso(workingIntervals([rule(['MON'], '09:00', '09:00')], 'UTC', win('2026-01-05T00:00Z', '2026-01-08T00:00Z')))).toEqual([
      ['2026-01-05T09:00:00.000Z', '2026-01-06T09:00:00.000Z'],
    ]);
  });

  it('includes an interval that started the day before the window and runs into it (clipped)', () => {
    expect(iso(workingIntervals([rule(['SAT'], '22:00', '06:00')], 'Europe/London', win('2026-03-29T02:00Z', '2026-03-30T00:00Z')))).toEqual([
      ['2026-03-29T02:00:00.000Z', '2026-03-29T05:00:00.000Z'],
    ]);
  });

  it('everyWeeks=2 counts ISO weeks from the week of validFrom', () => {
    const r = [rule(['MON', 'WED'], '10:00', '11:00', { everyWeeks: 2, validFrom: '2026-01-07' })]; // a Wednesday
    expect(iso(workingIntervals(r, 'UTC', win('2026-01-01T00:00Z', '2026-02-01T00:00Z'))).map(([s]) => s.slice(0, 10))).toEqual([
      '2026-01-07', // Monday the 5th is before validFrom; the week of the 5th is week 0
      '2026-01-19',
      '2026-01-21',
    ]);
  });

  it('everyWeeks without validFrom counts from the week of 1970-01-05', () => {
    const weeksSince = (Date.UTC(2026, 0, 5) - Date.UTC(1970, 0, 5)) / (7 * 86_400_000); // 2922: even
    expect(weeksSince % 2).toBe(0);
    const r2 = [rule(['MON'], '10:00', '11:00', { everyWeeks: 2 })];
    expect(iso(workingIntervals(r2, 'UTC', win('2026-01-01T00:00Z', '2026-02-01T00:00Z'))).map(([s]) => s.slice(0, 10))).toEqual(['2026-01-05', '2026-01-19']);
    const r3 = [rule(['MON'], '10:00', '11:00', { everyWeeks: 3 })]; // 2922 % 3 = 0
    expect(iso(workingIntervals(r3, 'UTC', win('2026-01-01T00:00Z', '2026-02-01T00:00Z'))).map(([s]) => s.slice(0, 10))).toEqual(['2026-01-05', '2026-01-26']);
  });

  it('validFrom/validUntil bound the local start day, inclusively; an overnight interval may end after validUntil', () => {
    const r = [rule(['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'], '22:00', '06:00', { validFrom: '2026-01-10', validUntil: '2026-01-12' })];
    expect(iso(workingIntervals(r, 'UTC', win('2026-01-01T00:00Z', '2026-02-01T00:00Z')))).toEqual([
      ['2026-01-10T22:00:00.000Z', '2026-01-11T06:00:00.000Z'],
      ['2026-01-11T22:00:00.000Z', '2026-01-12T06:00:00.000Z'],
      ['2026-01-12T22:00:00.000Z', '2026-01-13T06:00:00.000Z'],
    ]);
    const day = [rule(['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'], '09:00', '17:00', { validFrom: '2026-01-10', validUntil: '2026-01-12' })];
    expect(iso(workingIntervals(day, 'America/New_York', win('2026-01-01T00:00Z', '2026-02-01T00:00Z'))).map(([s]) => s.slice(0, 10))).toEqual([
      '2026-01-10',
      '2026-01-11',
      '2026-01-12',
    ]);
  });

  it('unions the rules and merges overlapping and touching intervals', () => {
    const r = [rule(['MON'], '09:00', '12:00'), rule(['MON'], '11:00', '14:00'), rule(['MON'], '14:00', '15:00'), rule(['MON'], '16:00', '17:00')];
    expect(iso(workingIntervals(r, 'UTC', win('2026-01-05T00:00Z', '2026-01-06T00:00Z')))).toEqual([
      ['2026-01-05T09:00:00.000Z', '2026-01-05T15:00:00.000Z'],
      ['2026-01-05T16:00:00.000Z', '2026-01-05T17:00:00.000Z'],
    ]);
    const overnight = [rule(['SUN'], '22:00', '06:00'), rule(['MON'], '06:00', '10:00')];
    expect(iso(workingIntervals(overnight, 'Europe/London', win('2026-01-04T00:00Z', '2026-01-06T00:00Z')))).toEqual([
      ['2026-01-04T22:00:00.000Z', '2026-01-05T10:00:00.000Z'],
    ]);
  });

  it('a start in the spring gap moves forward by the gap; an ambiguous start takes the earlier instant', () => {
    expect(iso(workingIntervals([rule(['SUN'], '01:30', '04:00')], 'Europe/London', win('2026-03-28T00:00Z', '2026-03-30T00:00Z')))).toEqual([
      ['2026-03-29T01:30:00.000Z', '2026-03-29T03:00:00.000Z'], // 02:30-04:00 BST
    ]);
    expect(iso(workingIntervals([rule(['SUN'], '01:30', '04:00')], 'Europe/London', win('2026-10-24T00:00Z', '2026-10-26T00:00Z')))).toEqual([
      ['2026-10-25T00:30:00.000Z', '2026-10-25T04:00:00.000Z'], // from the first 01:30 (BST)
    ]);
  });

  it('Pacific/Apia: Friday 30 December 2011 never happened; its hours move to the 31st and merge with Saturday', () => {
    const list = workingIntervals([rule(['FRI', 'SAT'], '09:00', '17:00')], 'Pacific/Apia', win('2011-12-29T00:00Z', '2012-01-01T12:00Z'));
    expect(iso(list)).toEqual([
      ['2011-12-30T19:00:00.000Z', '2011-12-31T03:00:00.000Z'], // Saturday 31st 09:00-17:00 (+14)
    ]);
  });

  it('an empty or inverted window gives nothing; invalid rules are refused', () => {
    expect(workingIntervals([rule(['MON'], '09:00', '17:00')], 'UTC', win('2026-01-05T10:00Z', '2026-01-05T10:00Z'))).toEqual([]);
    expect(() => workingIntervals([rule([], '09:00', '17:00')], 'UTC', win('2026-01-05T00:00Z', '2026-01-06T00:00Z'))).toThrow(
      expect.objectContaining({ code: 'validation', errors: [{ field: 'workingHours[0].daysOfWeek', reason: expect.any(String) }] }),
    );
    expect(() => workingIntervals([], 'Not/AZone', win('2026-01-05T00:00Z', '2026-01-06T00:00Z'))).toThrow(expect.objectContaining({ code: 'validation' }));
  });

  it('property: matches a day-by-day luxon oracle for random rules, zones and windows (2011-2027)', () => {
    const zones = ['Europe/London', 'America/New_York', 'America/Sao_Paulo', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'Pacific/Apia', 'Africa/Casablanca'];
    const DAY = 86_400_000;
    const time = fc
      .tuple(fc.oneof(fc.constantFrom(0, 1, 2, 3, 9, 17, 22, 23), fc.integer({ min: 0, max: 23 })), fc.constantFrom(0, 15, 30, 45))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const date = (base: number, span: number) => fc.option(fc.integer({ min: base - span, max: base + span }).map((d) => new Date(d * DAY).toISOString().slice(0, 10)));
    const arb = fc.integer({ min: Date.UTC(2011, 0, 1) / DAY, max: Date.UTC(2027, 11, 20) / DAY }).chain((day) =>
      fc.record({
        zone: fc.constantFrom(...zones),
        fromQuarter: fc.integer({ min: 0, max: 96 }),
        lengthQuarters: fc.integer({ min: 1, max: 10 * 96 }),
        rules: fc.array(
          fc.record({
            daysOfWeek: fc.subarray(['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as DayOfWeek[], { minLength: 1 }),
            startTime: time,
            endTime: time,
            everyWeeks: fc.integer({ min: 1, max: 3 }),
            validFrom: date(day, 20),
            validUntil: date(day + 25, 20),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        day: fc.constant(day),
      }),
    );
    fc.assert(
      fc.property(arb, ({ zone, fromQuarter, lengthQuarters, rules, day }) => {
        const valid = rules.filter((r) => r.validFrom === null || r.validUntil === null || r.validFrom <= r.validUntil);
        expect(validateWorkingHours(valid)).toEqual([]);
        const from = day * DAY + fromQuarter * 900_000;
        const to = from + lengthQuarters * 900_000;
        const got = workingIntervals(valid, zone, { from: new Date(from), to: new Date(to) });
        expect(got.map((i) => [i.start.getTime(), i.end.getTime()])).toEqual(oracleWorkingIntervals(valid, zone, from, to));
      }),
      { numRuns: 300 },
    );
  });
});

describe('validateWorkingHours', () => {
  it('accepts good rules', () => {
    expect(validateWorkingHours([rule(WEEKDAYS, '09:00', '17:00'), rule(['SAT'], '22:00', '06:00', { everyWeeks: 52, validFrom: '2026-01-01', validUntil: '2026-01-01' })])).toEqual([]);
  });

  it('reports every problem with its field', () => {
    const errors = validateWorkingHours(
      [
        rule([], '9:00', '24:00', { everyWeeks: 0 }),
        rule(['MON', 'MON', 'XYZ' as DayOfWeek], '09:00', '17:60', { everyWeeks: 53, validFrom: '2026-02-01', validUntil: '2026-01-31' }),
        rule(['MON'], '09:00', '17:00', { everyWeeks: 1.5, validFrom: '2026-02-30', validUntil: 'soon' }),
      ],
      'schedule.workingHours',
    );
    expect(errors.map((e) => e.field)).toEqual([
      'schedule.workingHours[0].daysOfWeek',
      'schedule.workingHours[0].startTime',
      'schedule.workingHours[0].endTime',
      'schedule.workingHours[0].everyWeeks',
      'schedule.workingHours[1].daysOfWeek', // MON twice
      'schedule.workingHours[1].daysOfWeek', // XYZ
      'schedule.workingHours[1].endTime',
      'schedule.workingHours[1].everyWeeks',
      'schedule.workingHours[1].validUntil', // before validFrom
      'schedule.workingHours[2].everyWeeks',
      'schedule.workingHours[2].validFrom',
      'schedule.workingHours[2].validUntil',
    ]);
    expect(errors[4].reason).toMatch(/more than once/);
  });

  it('defaults the field to workingHours and accepts 00:00 and 23:59', () => {
    expect(validateWorkingHours([rule(['MON'], '00:00', '23:59')])).toEqual([]);
    expect(validateWorkingHours([rule(['MON'], '00:00', '23:59', { everyWeeks: 0 })])[0].field).toBe('workingHours[0].everyWeeks');
  });
});
