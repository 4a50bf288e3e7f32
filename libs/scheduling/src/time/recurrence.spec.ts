/**
 * Recurrence parsing and series expansion. Conventions under test: local date-times in the series zone;
 * gap -> moved forward by the gap; overlap -> earlier instant; occurrences overlap the half-open window [from, to).
 */
import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { DomainError, uuidV5 } from '@kairos/core';
import {
  MAX_COUNT,
  Occurrence,
  RecurrenceRule,
  SeriesSpec,
  expandSeries,
  formatRecurrence,
  instanceIdOf,
  parseRecurrence,
} from './recurrence';
import { naiveOf, oracleExpand } from './test-oracle';

const win = (from: string, to: string) => ({ from: new Date(from), to: new Date(to) });
const starts = (o: Occurrence[]) => o.map((x) => x.start.toISOString());
const localStarts = (o: Occurrence[]) => o.map((x) => x.localStart);
const hours = (x: Occurrence) => (x.end.getTime() - x.start.getTime()) / 3_600_000;
const series = (localStart: string, localEnd: string, timeZone: string, rule: string | null, exdates?: string[]): SeriesSpec => ({
  localStart,
  localEnd,
  timeZone,
  rule: rule === null ? null : parseRecurrence(rule),
  exdates,
});
const validationError = (fn: () => unknown): DomainError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('validation');
    return e as DomainError;
  }
  throw new Error('expected a validation error');
};

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

describe('expandSeries', () => {
  it('a series without a rule is a single session', () => {
    const s = series('2026-03-29T01:30', '2026-03-29T03:00', 'Europe/London', null);
    const o = expandSeries(s, win('2026-03-01T00:00Z', '2026-04-01T00:00Z'));
    expect(o).toEqual([
      {
        originalStart: new Date('2026-03-29T01:30:00Z'),
        start: new Date('2026-03-29T01:30:00Z'),
        end: new Date('2026-03-29T02:00:00Z'),
        localStart: '2026-03-29T02:30:00',
        localEnd: '2026-03-29T03:00:00',
      },
    ]);
    expect(expandSeries(s, win('2026-03-29T02:00Z', '2026-04-01T00:00Z'))).toEqual([]); // half-open: ends at 02:00Z
    expect(expandSeries(s, win('2026-03-01T00:00Z', '2026-03-29T01:30Z'))).toEqual([]); // starts at `to`
  });

  describe('weekly series across the DST transitions (exact UTC instants)', () => {
    it('Europe/London 01:30: the spring gap moves it to 02:30 BST, the autumn overlap takes BST', () => {
      const s = series('2026-03-22T01:30', '2026-03-22T02:30', 'Europe/London', 'FREQ=WEEKLY');
      const spring = expandSeries(s, win('2026-03-20T00:00Z', '2026-04-06T00:00Z'));
      expect(starts(spring)).toEqual(['2026-03-22T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-04-05T00:30:00.000Z']);
      expect(localStarts(spring)).toEqual(['2026-03-22T01:30:00', '2026-03-29T02:30:00', '2026-04-05T01:30:00']);
      // On 29 March the start moved past the local end (02:30 exists): the end keeps the 1 h duration.
      expect(spring[1].end.toISOString()).toBe('2026-03-29T02:30:00.000Z');
      expect(spring[1].localEnd).toBe('2026-03-29T03:30:00');
      const autumn = expandSeries(s, win('2026-10-17T00:00Z', '2026-11-02T00:00Z'));
      expect(starts(autumn)).toEqual(['2026-10-18T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-11-01T01:30:00.000Z']);
      expect(localStarts(autumn)).toEqual(['2026-10-18T01:30:00', '2026-10-25T01:30:00', '2026-11-01T01:30:00']);
      // 01:30 BST -> 02:30 GMT: two real hours on the day the clocks go back.
      expect(autumn.map(hours)).toEqual([1, 2, 1]);
    });

    it('Europe/London 02:30: never in the gap or the overlap there', () => {
      const s = series('2026-03-22T02:30', '2026-03-22T03:30', 'Europe/London', 'FREQ=WEEKLY');
      expect(starts(expandSeries(s, win('2026-03-20T00:00Z', '2026-04-01T00:00Z')))).toEqual(['2026-03-22T02:30:00.000Z', '2026-03-29T01:30:00.000Z']);
      expect(starts(expandSeries(s, win('2026-10-17T00:00Z', '2026-10-26T00:00Z')))).toEqual(['2026-10-18T01:30:00.000Z', '2026-10-25T02:30:00.000Z']);
    });

    it('America/New_York 02:30: the spring gap moves it to 03:30 EDT', () => {
      const s = series('2026-03-01T02:30', '2026-03-01T03:30', 'America/New_York', 'FREQ=WEEKLY');
      const spring = expandSeries(s, win('2026-02-28T00:00Z', '2026-03-16T00:00Z'));
      expect(starts(spring)).toEqual(['2026-03-01T07:30:00.000Z', '2026-03-08T07:30:00.000Z', '2026-03-15T06:30:00.000Z']);
      expect(localStarts(spring)).toEqual(['2026-03-01T02:30:00', '2026-03-08T03:30:00', '2026-03-15T02:30:00']);
      const autumn = expandSeries(s, win('2026-10-24T00:00Z', '2026-11-09T00:00Z'));
      expect(starts(autumn)).toEqual(['2026-10-25T06:30:00.000Z', '2026-11-01T07:30:00.000Z', '2026-11-08T07:30:00.000Z']);
    });

    it('America/New_York 01:30: the autumn overlap takes EDT (the first 01:30)', () => {
      const s = series('2026-03-01T01:30', '2026-03-01T02:00', 'America/New_York', 'FREQ=WEEKLY');
      expect(starts(expandSeries(s, win('2026-02-28T00:00Z', '2026-03-16T00:00Z')))).toEqual([
        '2026-03-01T06:30:00.000Z',
        '2026-03-08T06:30:00.000Z',
        '2026-03-15T05:30:00.000Z',
      ]);
      const autumn = expandSeries(s, win('2026-10-24T00:00Z', '2026-11-09T00:00Z'));
      expect(starts(autumn)).toEqual(['2026-10-25T05:30:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-08T06:30:00.000Z']);
      expect(localStarts(autumn)).toEqual(['2026-10-25T01:30:00', '2026-11-01T01:30:00', '2026-11-08T01:30:00']);
    });

    it('a 09:00-10:00 class stays 09:00-10:00 local all year', () => {
      const s = series('2026-01-05T09:00', '2026-01-05T10:00', 'America/New_York', 'FREQ=WEEKLY');
      const all = expandSeries(s, win('2026-01-01T00:00Z', '2027-01-01T00:00Z'));
      expect(all).toHaveLength(52);
      for (const o of all) {
        expect(o.localStart.slice(11)).toBe('09:00:00');
        expect(o.localEnd.slice(11)).toBe('10:00:00');
        expect(hours(o)).toBe(1);
      }
      expect(new Set(all.map((o) => o.start.getUTCHours()))).toEqual(new Set([13, 14]));
    });
  });

  describe('overnight sessions keep their local times across a transition', () => {
    it('22:00-06:00 in London: 7 h into spring, 9 h into autumn, 8 h otherwise', () => {
      const s = series('2026-03-21T22:00', '2026-03-22T06:00', 'Europe/London', 'FREQ=WEEKLY');
      const spring = expandSeries(s, win('2026-03-21T00:00Z', '2026-04-06T00:00Z'));
      expect(spring.map((o) => [o.start.toISOString(), o.end.toISOString()])).toEqual([
        ['2026-03-21T22:00:00.000Z', '2026-03-22T06:00:00.000Z'],
        ['2026-03-28T22:00:00.000Z', '2026-03-29T05:00:00.000Z'],
        ['2026-04-04T21:00:00.000Z', '2026-04-05T05:00:00.000Z'],
      ]);
      expect(spring.map(hours)).toEqual([8, 7, 8]);
      expect(spring.map((o) => o.localEnd)).toEqual(['2026-03-22T06:00:00', '2026-03-29T06:00:00', '2026-04-05T06:00:00']);
      const autumn = expandSeries(s, win('2026-10-24T00:00Z', '2026-10-26T00:00Z'));
      expect(autumn.map((o) => [o.start.toISOString(), o.end.toISOString(), hours(o)])).toEqual([
        ['2026-10-24T21:00:00.000Z', '2026-10-25T06:00:00.000Z', 9],
      ]);
      expect(autumn[0].localStart).toBe('2026-10-24T22:00:00');
      expect(autumn[0].localEnd).toBe('2026-10-25T06:00:00');
    });

    it('an occurrence that started before the window and runs into it is returned', () => {
      const s = series('2026-03-21T22:00', '2026-03-22T06:00', 'Europe/London', 'FREQ=WEEKLY');
      expect(starts(expandSeries(s, win('2026-03-29T04:59Z', '2026-03-29T05:00Z')))).toEqual(['2026-03-28T22:00:00.000Z']);
      expect(expandSeries(s, win('2026-03-29T05:00Z', '2026-03-29T06:00Z'))).toEqual([]);
    });

    it('a multi-day session keeps its day count and end time (Fri 18:00 -> Sun 18:00 over the New York spring change)', () => {
      const s = series('2026-02-27T18:00', '2026-03-01T18:00', 'America/New_York', 'FREQ=WEEKLY');
      const o = expandSeries(s, win('2026-03-06T00:00Z', '2026-03-07T00:00Z'));
      expect(o.map((x) => [x.localStart, x.localEnd, hours(x)])).toEqual([['2026-03-06T18:00:00', '2026-03-08T18:00:00', 47]]);
    });
  });

  describe('zones with unusual offsets and transitions', () => {
    it('America/Sao_Paulo 2018: midnight did not exist on 4 November; 23:30 happened twice on 16 February 2019', () => {
      const midnight = series('2018-11-02T00:00', '2018-11-02T01:00', 'America/Sao_Paulo', 'FREQ=DAILY');
      const o = expandSeries(midnight, win('2018-11-02T00:00Z', '2018-11-06T00:00Z'));
      expect(localStarts(o)).toEqual(['2018-11-02T00:00:00', '2018-11-03T00:00:00', '2018-11-04T01:00:00', '2018-11-05T00:00:00']);
      expect(starts(o)).toEqual(['2018-11-02T03:00:00.000Z', '2018-11-03T03:00:00.000Z', '2018-11-04T03:00:00.000Z', '2018-11-05T02:00:00.000Z']);
      const late = series('2019-02-15T23:30', '2019-02-16T00:30', 'America/Sao_Paulo', 'FREQ=DAILY');
      expect(starts(expandSeries(late, win('2019-02-16T00:00Z', '2019-02-19T00:00Z')))).toEqual([
        '2019-02-16T01:30:00.000Z',
        '2019-02-17T01:30:00.000Z',
        '2019-02-18T02:30:00.000Z',
      ]);
    });

    it('Australia/Lord_Howe: a 30-minute gap moves 02:15 to 02:45', () => {
      const s = series('2026-09-27T02:15', '2026-09-27T03:15', 'Australia/Lord_Howe', 'FREQ=WEEKLY');
      const o = expandSeries(s, win('2026-09-26T00:00Z', '2026-10-12T00:00Z'));
      expect(starts(o)).toEqual(['2026-09-26T15:45:00.000Z', '2026-10-03T15:45:00.000Z', '2026-10-10T15:15:00.000Z']);
      expect(localStarts(o)).toEqual(['2026-09-27T02:15:00', '2026-10-04T02:45:00', '2026-10-11T02:15:00']);
      expect(o.map(hours)).toEqual([1, 0.5, 1]); // 02:45-03:15 on the day of the jump
    });

    it('Pacific/Chatham (+12:45/+13:45): 03:00 does not exist on 27 September 2026', () => {
      const s = series('2026-09-26T03:00', '2026-09-26T04:00', 'Pacific/Chatham', 'FREQ=DAILY;COUNT=3');
      const o = expandSeries(s, win('2026-09-01T00:00Z', '2026-10-01T00:00Z'));
      expect(starts(o)).toEqual(['2026-09-25T14:15:00.000Z', '2026-09-26T14:15:00.000Z', '2026-09-27T13:15:00.000Z']);
      expect(localStarts(o)).toEqual(['2026-09-26T03:00:00', '2026-09-27T04:00:00', '2026-09-28T03:00:00']);
    });

    it('Asia/Kathmandu (+05:45) has no DST', () => {
      const s = series('2026-01-05T09:00', '2026-01-05T10:00', 'Asia/Kathmandu', 'FREQ=WEEKLY');
      const o = expandSeries(s, win('2026-01-01T00:00Z', '2027-01-01T00:00Z'));
      expect(o).toHaveLength(52);
      expect(new Set(o.map((x) => x.start.toISOString().slice(11)))).toEqual(new Set(['03:15:00.000Z']));
    });

    it('Africa/Casablanca 2023: Ramadan suspends DST (overlap on 19 March, gap on 23 April)', () => {
      const s = series('2023-03-18T02:30', '2023-03-18T03:30', 'Africa/Casablanca', 'FREQ=DAILY');
      const march = expandSeries(s, win('2023-03-18T00:00Z', '2023-03-21T00:00Z'));
      expect(starts(march)).toEqual(['2023-03-18T01:30:00.000Z', '2023-03-19T01:30:00.000Z', '2023-03-20T02:30:00.000Z']);
      expect(localStarts(march)).toEqual(['2023-03-18T02:30:00', '2023-03-19T02:30:00', '2023-03-20T02:30:00']);
      const april = expandSeries(s, win('2023-04-22T00:00Z', '2023-04-25T00:00Z'));
      expect(starts(april)).toEqual(['2023-04-22T02:30:00.000Z', '2023-04-23T02:30:00.000Z', '2023-04-24T01:30:00.000Z']);
      expect(localStarts(april)).toEqual(['2023-04-22T02:30:00', '2023-04-23T03:30:00', '2023-04-24T02:30:00']);
    });

    it('Pacific/Apia skipped 2011-12-30: its daily occurrence moves 24 h onto the 31st and collapses with the 31st', () => {
      // The 30th does not exist locally; the gap rule moves 09:00 on the 30th forward by the 24 h gap, which is
      // exactly the instant of 09:00 on the 31st, so the two rule hits de-duplicate into one occurrence.
      const s = series('2011-12-27T09:00', '2011-12-27T10:00', 'Pacific/Apia', 'FREQ=DAILY');
      const o = expandSeries(s, win('2011-12-26T00:00Z', '2012-01-01T00:00Z'));
      expect(localStarts(o)).toEqual(['2011-12-27T09:00:00', '2011-12-28T09:00:00', '2011-12-29T09:00:00', '2011-12-31T09:00:00', '2012-01-01T09:00:00']);
      expect(starts(o)).toEqual([
        '2011-12-27T19:00:00.000Z',
        '2011-12-28T19:00:00.000Z',
        '2011-12-29T19:00:00.000Z',
        '2011-12-30T19:00:00.000Z', // still 24 h after the previous one in real time
        '2011-12-31T19:00:00.000Z',
      ]);
      expect(o.map(hours)).toEqual([1, 1, 1, 1, 1]);
      // The collapsed hit counts once: COUNT=5 reaches 1 January.
      const counted = expandSeries({ ...s, rule: parseRecurrence('FREQ=DAILY;COUNT=5') }, win('2011-12-01T00:00Z', '2012-02-01T00:00Z'));
      expect(localStarts(counted)).toEqual(localStarts(o));
    });

    it('Pacific/Apia: a weekly Friday class on 30 December 2011 is held at 09:00 on Saturday the 31st', () => {
      const s = series('2011-12-23T09:00', '2011-12-23T10:00', 'Pacific/Apia', 'FREQ=WEEKLY');
      expect(localStarts(expandSeries(s, win('2011-12-20T00:00Z', '2012-01-10T00:00Z')))).toEqual([
        '2011-12-23T09:00:00',
        '2011-12-31T09:00:00',
        '2012-01-06T09:00:00',
      ]);
    });
  });

  describe('COUNT and UNTIL', () => {
    const ny = (rule: string) => series('2026-01-01T09:00', '2026-01-01T10:00', 'America/New_York', rule); // 09:00 EST = 14:00Z
    const all = win('2025-12-01T00:00Z', '2026-02-01T00:00Z');

    it('COUNT counts from DTSTART', () => {
      expect(localStarts(expandSeries(ny('FREQ=DAILY;COUNT=3'), all))).toEqual(['2026-01-01T09:00:00', '2026-01-02T09:00:00', '2026-01-03T09:00:00']);
      // The window only selects; counting still starts at DTSTART.
      expect(localStarts(expandSeries(ny('FREQ=DAILY;COUNT=3'), win('2026-01-03T00:00Z', '2026-02-01T00:00Z')))).toEqual(['2026-01-03T09:00:00']);
    });

    it('UNTIL in UTC bounds the start instant, inclusively', () => {
      expect(expandSeries(ny('FREQ=DAILY;UNTIL=20260103T140000Z'), all)).toHaveLength(3);
      expect(expandSeries(ny('FREQ=DAILY;UNTIL=20260103T135959Z'), all)).toHaveLength(2);
      expect(expandSeries(ny('FREQ=DAILY;UNTIL=20260103T100000Z'), all)).toHaveLength(2); // 10:00Z is 05:00 in New York
    });

    it('UNTIL without Z is a local date-time in the series zone', () => {
      expect(expandSeries(ny('FREQ=DAILY;UNTIL=20260103T100000'), all)).toHaveLength(3);
      expect(expandSeries(ny('FREQ=DAILY;UNTIL=20260103T090000'), all)).toHaveLength(3);
      expect(expandSeries(ny('FREQ=DAILY;UNTIL=20260103T085959'), all)).toHaveLength(2);
    });

    it('UNTIL as a date runs through the end of that local day', () => {
      expect(expandSeries(ny('FREQ=DAILY;UNTIL=20260103'), all)).toHaveLength(3);
      expect(expandSeries(ny('FREQ=DAILY;UNTIL=20260102'), all)).toHaveLength(2);
      const late = series('2026-01-01T23:30', '2026-01-02T00:30', 'America/New_York', 'FREQ=DAILY;UNTIL=20260103'); // 04:30Z next day
      expect(localStarts(expandSeries(late, all))).toEqual(['2026-01-01T23:30:00', '2026-01-02T23:30:00', '2026-01-03T23:30:00']);
    });

    it('a long COUNT stops exactly at its last occurrence', () => {
      const s = series('2026-01-01T09:00', '2026-01-01T10:00', 'Europe/London', 'FREQ=DAILY;COUNT=10000');
      const last = new Date(Date.UTC(2026, 0, 1) + 9999 * 86_400_000).toISOString().slice(0, 10); // 2053-05-18
      const o = expandSeries(s, win(`${last}T00:00Z`, `${last.slice(0, 8)}28T00:00Z`));
      expect(localStarts(o)).toEqual([`${last}T09:00:00`]);
    });
  });

  describe('EXDATE', () => {
    it('removes occurrences after COUNT is applied (an excluded occurrence still counts)', () => {
      const s = series('2026-01-05T10:00', '2026-01-05T11:00', 'Europe/London', 'FREQ=WEEKLY;COUNT=4', ['2026-01-12T10:00']);
      expect(localStarts(expandSeries(s, win('2026-01-01T00:00Z', '2026-03-01T00:00Z')))).toEqual([
        '2026-01-05T10:00:00',
        '2026-01-19T10:00:00',
        '2026-01-26T10:00:00',
      ]);
    });

    it('matches with or without seconds, can remove DTSTART, and ignores dates that are not occurrences', () => {
      const s = series('2026-01-05T10:00', '2026-01-05T11:00', 'Europe/London', 'FREQ=WEEKLY;COUNT=3', ['2026-01-05T10:00:00', '2026-01-12T10:01', '2026-01-13T10:00']);
      expect(localStarts(expandSeries(s, win('2026-01-01T00:00Z', '2026-03-01T00:00Z')))).toEqual(['2026-01-12T10:00:00', '2026-01-19T10:00:00']);
    });

    it('an exdate at the nominal time removes an occurrence the gap moved', () => {
      const s = series('2026-03-27T01:30', '2026-03-27T02:00', 'Europe/London', 'FREQ=DAILY', ['2026-03-29T01:30']);
      expect(localStarts(expandSeries(s, win('2026-03-27T00:00Z', '2026-03-31T00:00Z')))).toEqual([
        '2026-03-27T01:30:00',
        '2026-03-28T01:30:00',
        '2026-03-30T01:30:00',
      ]);
    });

    it('a malformed exdate is a validation error naming it', () => {
      const error = validationError(() => expandSeries(series('2026-01-05T10:00', '2026-01-05T11:00', 'UTC', 'FREQ=DAILY', ['2026-01-06']), win('2026-01-01T00:00Z', '2026-02-01T00:00Z')));
      expect(error.errors[0].field).toBe('exdates[0]');
    });
  });

  describe('BYDAY, BYMONTHDAY, INTERVAL, WKST', () => {
    it('WEEKLY;INTERVAL=2;BYDAY=MO,WE counts fortnights from DTSTART week and skips days before DTSTART', () => {
      const s = series('2026-01-07T18:00', '2026-01-07T19:00', 'Europe/London', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE');
      expect(localStarts(expandSeries(s, win('2026-01-01T00:00Z', '2026-02-10T00:00Z')))).toEqual([
        '2026-01-07T18:00:00',
        '2026-01-19T18:00:00',
        '2026-01-21T18:00:00',
        '2026-02-02T18:00:00',
        '2026-02-04T18:00:00',
      ]);
    });

    it('WKST changes which days share a week (RFC 5545 example)', () => {
      const rfc = (rule: string) =>
        localStarts(expandSeries(series('1997-08-05T09:00', '1997-08-05T10:00', 'America/New_York', rule), win('1997-01-01T00:00Z', '1998-01-01T00:00Z'))).map((l) =>
          l.slice(0, 10),
        );
      expect(rfc('FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO')).toEqual(['1997-08-05', '1997-08-10', '1997-08-19', '1997-08-24']);
      expect(rfc('FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU')).toEqual(['1997-08-05', '1997-08-17', '1997-08-19', '1997-08-31']);
    });

    it('WEEKLY without BYDAY uses the weekday of DTSTART', () => {
      const s = series('2026-01-08T12:00', '2026-01-08T13:00', 'UTC', 'FREQ=WEEKLY;INTERVAL=3');
      expect(localStarts(expandSeries(s, win('2026-01-01T00:00Z', '2026-03-01T00:00Z')))).toEqual(['2026-01-08T12:00:00', '2026-01-29T12:00:00', '2026-02-19T12:00:00']);
    });

    it('DAILY with BYDAY only keeps those weekdays', () => {
      const s = series('2026-01-01T08:00', '2026-01-01T09:00', 'UTC', 'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR');
      expect(localStarts(expandSeries(s, win('2026-01-01T00:00Z', '2026-01-08T00:00Z'))).map((l) => l.slice(0, 10))).toEqual([
        '2026-01-01',
        '2026-01-02',
        '2026-01-05',
        '2026-01-06',
        '2026-01-07',
      ]);
    });

    it('MONTHLY;BYMONTHDAY=31 skips months without a 31st; so does a plain MONTHLY from the 31st', () => {
      const expected = ['01-31', '03-31', '05-31', '07-31', '08-31', '10-31', '12-31'].map((d) => `2026-${d}T10:00:00`);
      const year = win('2026-01-01T00:00Z', '2027-01-01T00:00Z');
      expect(localStarts(expandSeries(series('2026-01-31T10:00', '2026-01-31T11:00', 'Europe/London', 'FREQ=MONTHLY;BYMONTHDAY=31'), year))).toEqual(expected);
      expect(localStarts(expandSeries(series('2026-01-31T10:00', '2026-01-31T11:00', 'Europe/London', 'FREQ=MONTHLY'), year))).toEqual(expected);
    });

    it('MONTHLY;BYMONTHDAY=-1 is the last day of every month, 29 February in leap years', () => {
      const o = expandSeries(series('2026-01-31T10:00', '2026-01-31T11:00', 'Europe/London', 'FREQ=MONTHLY;BYMONTHDAY=-1'), win('2026-01-01T00:00Z', '2026-07-01T00:00Z'));
      expect(localStarts(o).map((l) => l.slice(0, 10))).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31', '2026-06-30']);
      const leap = expandSeries(series('2026-01-31T10:00', '2026-01-31T11:00', 'Europe/London', 'FREQ=MONTHLY;BYMONTHDAY=-1'), win('2028-02-01T00:00Z', '2028-03-01T00:00Z'));
      expect(localStarts(leap)).toEqual(['2028-02-29T10:00:00']);
    });

    it('MONTHLY;BYDAY=2TU and BYDAY=-1FR', () => {
      const half = win('2026-01-01T00:00Z', '2026-07-01T00:00Z');
      const tue = expandSeries(series('2026-01-13T19:00', '2026-01-13T21:00', 'Europe/London', 'FREQ=MONTHLY;BYDAY=2TU'), half);
      expect(localStarts(tue).map((l) => l.slice(0, 10))).toEqual(['2026-01-13', '2026-02-10', '2026-03-10', '2026-04-14', '2026-05-12', '2026-06-09']);
      const fri = expandSeries(series('2026-01-30T17:00', '2026-01-30T18:00', 'Europe/London', 'FREQ=MONTHLY;BYDAY=-1FR'), half);
      expect(localStarts(fri).map((l) => l.slice(0, 10))).toEqual(['2026-01-30', '2026-02-27', '2026-03-27', '2026-04-24', '2026-05-29', '2026-06-26']);
      // Times stay 17:00 local on both sides of 29 March.
      expect(starts(fri).slice(2, 4)).toEqual(['2026-03-27T17:00:00.000Z', '2026-04-24T16:00:00.000Z']);
    });

    describe('RFC 5545 examples (DTSTART;TZID=America/New_York)', () => {
      const dates = (start: string, rule: string, exdates?: string[], to = '2001-01-01T00:00Z') =>
        localStarts(expandSeries(series(start, start.replace(/T09:00$/, 'T10:00'), 'America/New_York', rule, exdates), win('1997-01-01T00:00Z', to))).map((l) => {
          expect(l.slice(10)).toBe('T09:00:00');
          return l.slice(0, 10);
        });

      it('every 10 days, 5 occurrences', () => {
        expect(dates('1997-09-02T09:00', 'FREQ=DAILY;INTERVAL=10;COUNT=5')).toEqual(['1997-09-02', '1997-09-12', '1997-09-22', '1997-10-02', '1997-10-12']);
      });

      it('weekly on Tuesday and Thursday for five weeks', () => {
        expect(dates('1997-09-02T09:00', 'FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH')).toEqual([
          '1997-09-02', '1997-09-04', '1997-09-09', '1997-09-11', '1997-09-16', '1997-09-18', '1997-09-23', '1997-09-25', '1997-09-30', '1997-10-02',
        ]);
      });

      it('every other week on Monday, Wednesday and Friday until 24 December 1997', () => {
        const o = dates('1997-09-01T09:00', 'FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR');
        expect(o).toEqual([
          '1997-09-01', '1997-09-03', '1997-09-05', '1997-09-15', '1997-09-17', '1997-09-19', '1997-09-29',
          '1997-10-01', '1997-10-03', '1997-10-13', '1997-10-15', '1997-10-17', '1997-10-27', '1997-10-29', '1997-10-31',
          '1997-11-10', '1997-11-12', '1997-11-14', '1997-11-24', '1997-11-26', '1997-11-28',
          '1997-12-08', '1997-12-10', '1997-12-12', '1997-12-22',
        ]);
      });

      it('monthly on the first Friday', () => {
        expect(dates('1997-09-05T09:00', 'FREQ=MONTHLY;COUNT=10;BYDAY=1FR')).toEqual([
          '1997-09-05', '1997-10-03', '1997-11-07', '1997-12-05', '1998-01-02', '1998-02-06', '1998-03-06', '1998-04-03', '1998-05-01', '1998-06-05',
        ]);
      });

      it('every other month on the first and last Sunday', () => {
        expect(dates('1997-09-07T09:00', 'FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU')).toEqual([
          '1997-09-07', '1997-09-28', '1997-11-02', '1997-11-30', '1998-01-04', '1998-01-25', '1998-03-01', '1998-03-29', '1998-05-03', '1998-05-31',
        ]);
      });

      it('monthly on the second-to-last Monday', () => {
        expect(dates('1997-09-22T09:00', 'FREQ=MONTHLY;COUNT=6;BYDAY=-2MO')).toEqual(['1997-09-22', '1997-10-20', '1997-11-17', '1997-12-22', '1998-01-19', '1998-02-16']);
      });

      it('monthly on the third-to-last day', () => {
        expect(dates('1997-09-28T09:00', 'FREQ=MONTHLY;BYMONTHDAY=-3', undefined, '1998-03-01T00:00Z')).toEqual([
          '1997-09-28', '1997-10-29', '1997-11-28', '1997-12-29', '1998-01-29', '1998-02-26',
        ]);
      });

      it('monthly on the 2nd and the 15th', () => {
        expect(dates('1997-09-02T09:00', 'FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15')).toEqual([
          '1997-09-02', '1997-09-15', '1997-10-02', '1997-10-15', '1997-11-02', '1997-11-15', '1997-12-02', '1997-12-15', '1998-01-02', '1998-01-15',
        ]);
      });

      it('every Friday the 13th (DTSTART excluded by EXDATE, as in the RFC)', () => {
        expect(dates('1997-09-02T09:00', 'FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13', ['1997-09-02T09:00'])).toEqual([
          '1998-02-13', '1998-03-13', '1998-11-13', '1999-08-13', '2000-10-13',
        ]);
      });
    });
  });

  describe('performance: open-ended series jump to the window', () => {
    const daily = series('2026-01-01T09:00', '2026-01-01T10:00', 'Europe/London', 'FREQ=DAILY');

    it('one week 50 years ahead: 7 occurrences, fast', () => {
      const started = performance.now();
      const o = expandSeries(daily, win('2076-03-02T00:00Z', '2076-03-09T00:00Z'));
      expect(performance.now() - started).toBeLessThan(100);
      expect(localStarts(o)).toEqual(['02', '03', '04', '05', '06', '07', '08'].map((d) => `2076-03-${d}T09:00:00`));
      expect(starts(o)[0]).toBe('2076-03-02T09:00:00.000Z');
    });

    it('one week in the year 9000 (walking there day by day would take seconds)', () => {
      const started = performance.now();
      const weekly = series('2026-01-05T09:00', '2026-01-05T10:00', 'America/New_York', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH');
      const monthly = series('2026-01-30T09:00', '2026-01-30T10:00', 'America/New_York', 'FREQ=MONTHLY;BYDAY=-1FR');
      expect(expandSeries(daily, win('9000-06-01T00:00Z', '9000-06-08T00:00Z'))).toHaveLength(7);
      expect(expandSeries(weekly, win('9000-06-01T00:00Z', '9000-06-29T00:00Z'))).toHaveLength(4);
      expect(expandSeries(monthly, win('9000-06-01T00:00Z', '9000-12-01T00:00Z'))).toHaveLength(6);
      expect(performance.now() - started).toBeLessThan(300);
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

  describe('de-duplication', () => {
    it('several rule hits on one local day are one occurrence (BYDAY=1TH,TH)', () => {
      const s = series('2026-01-01T09:00', '2026-01-01T10:00', 'UTC', 'FREQ=MONTHLY;BYDAY=1TH,TH');
      const o = expandSeries(s, win('2026-01-01T00:00Z', '2026-02-01T00:00Z'));
      expect(localStarts(o).map((l) => l.slice(0, 10))).toEqual(['2026-01-01', '2026-01-08', '2026-01-15', '2026-01-22', '2026-01-29']);
    });

    it('DTSTART matching the rule is not repeated', () => {
      const s = series('2026-01-05T09:00', '2026-01-05T10:00', 'UTC', 'FREQ=WEEKLY;BYDAY=MO;COUNT=2');
      expect(localStarts(expandSeries(s, win('2026-01-01T00:00Z', '2026-03-01T00:00Z')))).toEqual(['2026-01-05T09:00:00', '2026-01-12T09:00:00']);
    });

    it('DTSTART off the rule is still the first occurrence and counts', () => {
      const s = series('2026-01-07T09:00', '2026-01-07T10:00', 'UTC', 'FREQ=WEEKLY;BYDAY=MO;COUNT=2');
      expect(localStarts(expandSeries(s, win('2026-01-01T00:00Z', '2026-03-01T00:00Z')))).toEqual(['2026-01-07T09:00:00', '2026-01-12T09:00:00']);
    });
  });

  describe('validation and ids', () => {
    it('refuses an end not after the start, and unknown zones', () => {
      expect(validationError(() => expandSeries(series('2026-01-05T10:00', '2026-01-05T10:00', 'UTC', null), win('2026-01-01T00:00Z', '2026-02-01T00:00Z'))).errors[0].field).toBe('localEnd');
      expect(validationError(() => expandSeries(series('2026-01-05T10:00', '2026-01-05T11:00', 'Nowhere/City', null), win('2026-01-01T00:00Z', '2026-02-01T00:00Z'))).errors[0].field).toBe('timeZone');
      expect(validationError(() => expandSeries(series('2026-01-05 10:00', '2026-01-05T11:00', 'UTC', null), win('2026-01-01T00:00Z', '2026-02-01T00:00Z'))).errors[0].field).toBe('localStart');
    });

    it('an empty or inverted window returns nothing', () => {
      const s = series('2026-01-05T10:00', '2026-01-05T11:00', 'UTC', 'FREQ=DAILY');
      expect(expandSeries(s, win('2026-01-06T00:00Z', '2026-01-06T00:00Z'))).toEqual([]);
      expect(expandSeries(s, win('2026-01-07T00:00Z', '2026-01-06T00:00Z'))).toEqual([]);
    });

    it('instanceIdOf is uuidV5(seriesId, originalStart ISO) and stable', () => {
      const seriesId = '0b6f4a4e-2c1d-4a57-9c3e-5d2f1e0a9b77';
      const at = new Date('2026-03-29T01:30:00Z');
      expect(instanceIdOf(seriesId, at)).toBe(uuidV5(seriesId, '2026-03-29T01:30:00.000Z'));
      expect(instanceIdOf(seriesId, at)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(instanceIdOf(seriesId, new Date(at.getTime() + 1))).not.toBe(instanceIdOf(seriesId, at));
    });
  });
});

describe('property: random series in awkward zones', () => {
  const ZONES = [
    'Europe/London',
    'America/New_York',
    'America/Sao_Paulo',
    'Australia/Lord_Howe',
    'Asia/Kathmandu',
    'Pacific/Chatham',
    'Pacific/Apia',
    'Africa/Casablanca',
  ];
  const DAY = 86_400_000;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const fmt = (naive: number) => new Date(naive).toISOString().slice(0, 19);
  const compact = (naive: number) => fmt(naive).replace(/[-:]/g, '');
  const WD = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

  const arb = fc
    .record({
      zone: fc.constantFrom(...ZONES),
      // 2011-01-01 .. 2027-12-31, at times that often fall into gaps and overlaps (00:00 Sao Paulo, 01:xx London,
      // 02:xx New York / Lord Howe / Casablanca, 02:45-03:45 Chatham, any time on Apia's missing day).
      day: fc.integer({ min: Date.UTC(2011, 0, 1) / DAY, max: Date.UTC(2027, 11, 31) / DAY }),
      hour: fc.oneof(fc.constantFrom(0, 1, 2, 3, 23), fc.integer({ min: 0, max: 23 })),
      minute: fc.constantFrom(0, 15, 30, 45),
      durationMin: fc.constantFrom(15, 30, 60, 90, 480, 600, 1440, 1500),
      freq: fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY'),
      interval: fc.integer({ min: 1, max: 3 }),
      weekdays: fc.subarray(WD),
      ordinals: fc.array(fc.tuple(fc.constantFrom(1, 2, 3, 5, -1, -2, -5), fc.constantFrom(...WD)), { maxLength: 3 }),
      useOrdinals: fc.boolean(),
      monthDays: fc.subarray([1, 2, 15, 28, 29, 30, 31, -1, -2]),
      useMonthDays: fc.boolean(),
      end: fc.oneof(
        fc.constant({ kind: 'none' as const }),
        fc.record({ kind: fc.constant('count' as const), n: fc.integer({ min: 1, max: 30 }) }),
        fc.record({ kind: fc.constantFrom('utc' as const, 'local' as const, 'date' as const), days: fc.integer({ min: 0, max: 400 }), hour: fc.integer({ min: 0, max: 23 }) }),
      ),
      wkst: fc.constantFrom('MO', 'SU', 'WE'),
      exdays: fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 2 }),
      windowOffsetQuarters: fc.integer({ min: -10 * 96, max: 800 * 96 }),
      windowLengthQuarters: fc.integer({ min: 4, max: 20 * 96 }),
      single: fc.integer({ min: 0, max: 9 }),
    })
    .map((r) => {
      const startNaive = r.day * DAY + r.hour * 3_600_000 + r.minute * 60_000;
      const parts = [`FREQ=${r.freq}`, `INTERVAL=${r.interval}`];
      if (r.freq === 'MONTHLY' && r.useOrdinals && r.ordinals.length > 0) {
        const unique = [...new Set(r.ordinals.map(([n, d]) => `${n}${d}`))];
        parts.push(`BYDAY=${unique.join(',')}`);
      } else if (r.weekdays.length > 0 && (r.freq !== 'MONTHLY' || !r.useMonthDays)) {
        parts.push(`BYDAY=${r.weekdays.join(',')}`);
      }
      if (r.freq !== 'WEEKLY' && r.useMonthDays && r.monthDays.length > 0) parts.push(`BYMONTHDAY=${r.monthDays.join(',')}`);
      if (r.end.kind === 'count') parts.push(`COUNT=${r.end.n}`);
      if (r.end.kind === 'utc') parts.push(`UNTIL=${compact(startNaive + r.end.days * DAY).slice(0, 9)}${pad(r.end.hour)}0000Z`);
      if (r.end.kind === 'local') parts.push(`UNTIL=${compact(startNaive + r.end.days * DAY).slice(0, 9)}${pad(r.end.hour)}0000`);
      if (r.end.kind === 'date') parts.push(`UNTIL=${compact(startNaive + r.end.days * DAY).slice(0, 8)}`);
      parts.push(`WKST=${r.wkst}`);
      const rrule = r.single === 0 ? null : parts.join(';');
      const from = startNaive + r.windowOffsetQuarters * 900_000;
      return {
        spec: {
          localStart: fmt(startNaive).slice(0, 16),
          localEnd: fmt(startNaive + r.durationMin * 60_000).slice(0, 16),
          timeZone: r.zone,
          rule: rrule === null ? null : parseRecurrence(rrule),
          exdates: r.exdays.map((d) => fmt(startNaive + d * DAY).slice(0, 16)),
        },
        rrule,
        window: { from: new Date(from), to: new Date(from + r.windowLengthQuarters * 900_000) },
      };
    });

  it('matches a day-by-day brute-force expansion, keeps the wall-clock time (or moves it by the gap), sorted, unique, in the window', () => {
    fc.assert(
      fc.property(arb, ({ spec, window }) => {
        const got = expandSeries(spec, window);
        expect(
          got.map((o) => ({ start: o.start.toISOString(), end: o.end.toISOString(), localStart: o.localStart, localEnd: o.localEnd })),
        ).toEqual(oracleExpand(spec, window.from.getTime(), window.to.getTime()));

        const zone = IANAZone.create(spec.timeZone);
        const timeOfDay = spec.localStart.slice(11, 16);
        for (let i = 0; i < got.length; i++) {
          const o = got[i];
          expect(o.originalStart).toEqual(o.start);
          expect(o.start < window.to && o.end > window.from).toBe(true);
          expect(o.end > o.start).toBe(true);
          if (i > 0) expect(o.start.getTime()).toBeGreaterThan(got[i - 1].start.getTime());
          expect(DateTime.fromJSDate(o.start, { zone: spec.timeZone }).toFormat("yyyy-MM-dd'T'HH:mm:ss")).toBe(o.localStart);
          if (o.localStart.slice(11, 16) !== timeOfDay) {
            // Only a reading that fell in a gap may move, and then by exactly the gap.
            const actual = naiveOf(o.localStart);
            let nominal = naiveOf(`${o.localStart.slice(0, 10)}T${timeOfDay}`);
            if (nominal > actual) nominal -= DAY;
            const gap = (zone.offset(o.start.getTime()) - zone.offset(o.start.getTime() - DAY)) * 60_000;
            expect(gap).toBeGreaterThan(0);
            expect(actual - nominal).toBe(gap);
            const n = new Date(nominal);
            const probe = DateTime.fromObject(
              { year: n.getUTCFullYear(), month: n.getUTCMonth() + 1, day: n.getUTCDate(), hour: n.getUTCHours(), minute: n.getUTCMinutes() },
              { zone: spec.timeZone },
            );
            expect(probe.toFormat("yyyy-MM-dd'T'HH:mm")).not.toBe(fmt(nominal).slice(0, 16)); // the nominal reading does not exist
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('expanding a window equals cutting it out of a wider expansion (the jump agrees with the walk)', () => {
    fc.assert(
      fc.property(arb, ({ spec, window }) => {
        const wide = expandSeries(spec, { from: new Date(naiveOf(spec.localStart) - 3 * DAY), to: new Date(window.to.getTime() + DAY) });
        const cut = wide.filter((o) => o.start < window.to && o.end > window.from);
        expect(expandSeries(spec, window)).toEqual(cut);
      }),
      { numRuns: 200 },
    );
  });
});
