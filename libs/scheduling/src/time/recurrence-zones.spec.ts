/** Series expansion across DST transitions and in zones with unusual offsets, at exact UTC instants. */
import { expandSeries } from './recurrence';
import { parseRecurrence } from './rrule';
import { hours, localStarts, series, starts, win } from './test-oracle';

describe('expandSeries across zone transitions', () => {
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
});
