/**
 * Series expansion (rrule.spec.ts tests parsing, recurrence-zones.spec.ts DST and odd offsets). Conventions under test: local date-times in the series zone;
 * gap -> moved forward by the gap; overlap -> earlier instant; occurrences overlap the half-open window [from, to).
 */
import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { uuidV5 } from '@kairos/core';
import { expandSeries, instanceIdOf } from './recurrence';
import { parseRecurrence } from './rrule';
import { localStarts, naiveOf, oracleExpand, series, starts, validationError, win } from './test-oracle';

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

