import { SessionView, instanceIdOf } from '@kairos/scheduling';
import { MAX_FEED_ENTRIES, masterRuleOf, readingInstants, resourceEntries, seriesEntries, startsOnRule } from './resource-feed';

const T = '2026-03-01T00:00:00.000Z';
const span = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') };
const series = (overrides: Partial<SessionView> = {}): SessionView => ({
  id: 's1',
  revision: 1,
  createdAt: T,
  updatedAt: T,
  scheduleId: 'sch1',
  type: 'EVENT',
  timeZone: 'Europe/Lisbon',
  localStart: '2026-03-02T09:00',
  localEnd: '2026-03-02T10:00',
  recurrence: 'FREQ=WEEKLY',
  exdates: [],
  title: 'Yoga',
  capacity: 10,
  resourceIds: [],
  affectedSchedules: null,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  locationId: null,
  status: 'ACTIVE',
  canceledFrom: null,
  overrides: {},
  versions: [],
  ...overrides,
});
const rule = (view: SessionView) => {
  const r = masterRuleOf(view);
  return [r.count, r.until?.value ?? null];
};
const readings = (entry: { exdates?: (string | Date)[] }) => (entry.exdates ?? []).map((e) => (typeof e === 'string' ? e : e.toISOString()));

describe('masterRuleOf', () => {
  it('keeps a rule that ends by itself, and writes a local or date UNTIL as the UTC instant of its last start', () => {
    expect(rule(series({ recurrence: 'FREQ=WEEKLY;COUNT=5' }))).toEqual([5, null]);
    // 09:00 Lisbon on Monday 29 June is 08:00Z (summer time); a date UNTIL runs to the end of that local day.
    expect(rule(series({ recurrence: 'FREQ=WEEKLY;UNTIL=20260629' }))).toEqual([null, '2026-06-29T08:00:00Z']);
    // None starts between 22 June and this UNTIL: the instant of the reading itself keeps the same ones.
    expect(rule(series({ recurrence: 'FREQ=WEEKLY;UNTIL=20260629T085959' }))).toEqual([null, '2026-06-29T07:59:59Z']);
  });

  it('ends the rule just before canceledFrom, unless its COUNT ends it sooner', () => {
    expect(rule(series({ canceledFrom: '2026-04-06T08:00:00.000Z' }))).toEqual([null, '2026-04-06T07:59:59Z']);
    expect(rule(series({ recurrence: 'FREQ=WEEKLY;COUNT=60', canceledFrom: '2026-04-06T08:00:00.000Z' }))).toEqual([null, '2026-04-06T07:59:59Z']);
    expect(rule(series({ recurrence: 'FREQ=WEEKLY;COUNT=3', canceledFrom: '2026-04-06T08:00:00.000Z' }))).toEqual([3, null]);
    expect(rule(series({ recurrence: 'FREQ=WEEKLY;UNTIL=20260330T235959Z', canceledFrom: '2026-04-06T08:00:00.000Z' }))).toEqual([null, '2026-03-30T23:59:59Z']);
  });
});

describe('seriesEntries', () => {
  const original = '2026-03-16T09:00:00.000Z';
  it('writes a master and, for each instance the master alone would give otherwise, a RECURRENCE-ID exception or an EXDATE', () => {
    const view = series({
      revision: 5,
      exdates: ['2026-03-09T09:00'],
      overrides: {
        [original]: { localStart: '2026-03-16T11:00', localEnd: '2026-03-16T12:00' },
        '2026-03-23T09:00:00.000Z': { status: 'CANCELED' },
        // In summer time 09:00 is 08:00Z. This one also holds a room.
        '2026-04-06T08:00:00.000Z': { affectedSchedules: [{ scheduleId: 'sch-room', transparency: 'BUSY' }] },
        '2026-04-13T08:00:00.000Z': { title: 'Yoga (slow)' },
      },
    });
    // The room's feed: the one instance that holds it, every other occurrence excluded.
    const [master, ...exceptions] = seriesEntries(view, 'sch-room', span)!;
    expect(seriesEntries(view, 'sch-other', span)).toBeNull();
    expect(master).toMatchObject({ uid: 's1@kairos', sequence: 4, rrule: 'FREQ=WEEKLY', summary: 'Yoga', start: new Date('2026-03-02T09:00:00Z') });
    expect(exceptions).toEqual([]);
    expect(readings(master)).toContain('2026-03-02T09:00');
    expect(readings(master)).not.toContain('2026-04-06T09:00');
    expect(master.exdates).toHaveLength(43);

    const [own, ...changed] = seriesEntries(view, 'sch1', span)!;
    expect(readings(own)).toEqual(['2026-03-09T09:00']);
    expect(changed.map((e) => [e.recurrenceId, e.start.toISOString(), e.status, e.summary])).toEqual([
      ['2026-03-16T09:00', '2026-03-16T11:00:00.000Z', 'CONFIRMED', 'Yoga'],
      ['2026-03-23T09:00', '2026-03-23T09:00:00.000Z', 'CANCELLED', 'Yoga'],
      ['2026-04-13T09:00', '2026-04-13T08:00:00.000Z', 'CONFIRMED', 'Yoga (slow)'],
    ]);
  });

  it("names the master after the series' latest details, so instances before a change are exceptions", () => {
    const view = series({ versions: [{ from: '2026-03-20T00:00:00.000Z', changes: { title: 'Pilates' } }] });
    const [master, ...changed] = seriesEntries(view, 'sch1', span)!;
    expect(master.summary).toBe('Pilates');
    expect(changed.map((e) => [e.start.toISOString(), e.summary])).toEqual([
      ['2026-03-02T09:00:00.000Z', 'Yoga'],
      ['2026-03-09T09:00:00.000Z', 'Yoga'],
      ['2026-03-16T09:00:00.000Z', 'Yoga'],
    ]);
  });
});

describe('occurrences clients read each their own way', () => {
  it('leaves those in a DST gap or a fall-back hour out in both readings, and writes each instance as an event of its own', () => {
    // Sundays 01:30 in Lisbon: on 29 March 01:30 does not exist (Kairos: 02:30 summer time), on 25 October it happens twice (Kairos: the first).
    const view = series({ localStart: '2026-03-22T01:30', localEnd: '2026-03-22T02:00', recurrence: 'FREQ=WEEKLY;COUNT=32' });
    const [master, ...own] = seriesEntries(view, 'sch1', span)!;
    expect(readings(master)).toEqual([
      '2026-03-29T01:30',
      '2026-03-29T00:30:00.000Z',
      '2026-03-29T01:30:00.000Z',
      '2026-10-25T01:30',
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:30:00.000Z',
    ]);
    expect(own.map((e) => [e.uid, e.start.toISOString(), e.end.toISOString(), e.recurrenceId])).toEqual([
      [`${instanceIdOf('s1', new Date('2026-03-29T01:30:00Z'))}@kairos`, '2026-03-29T01:30:00.000Z', '2026-03-29T02:00:00.000Z', undefined],
      [`${instanceIdOf('s1', new Date('2026-10-25T00:30:00Z'))}@kairos`, '2026-10-25T00:30:00.000Z', '2026-10-25T02:00:00.000Z', undefined],
    ]);
  });
});

describe('readingInstants', () => {
  it('gives the one instant an ordinary reading shows, both of a fall-back hour, and both offsets of a reading a gap skips', () => {
    const at = (reading: string) => readingInstants(reading, 'Europe/Lisbon').map((d) => d.toISOString());
    expect(at('2026-03-28T10:00')).toEqual(['2026-03-28T10:00:00.000Z']);
    expect(at('2026-10-25T01:30')).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']);
    expect(at('2026-03-29T01:30:00')).toEqual(['2026-03-29T00:30:00.000Z', '2026-03-29T01:30:00.000Z']);
  });
});

describe('a DTSTART off its rule', () => {
  const offRule = series({ localStart: '2026-03-03T13:00', localEnd: '2026-03-03T14:00', recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4' });

  it('is told from one on it, for each frequency', () => {
    const on = (overrides: Partial<SessionView>) => {
      const view = series(overrides);
      return startsOnRule(view, masterRuleOf(view));
    };
    expect(on({ recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE' })).toBe(true);
    expect(on({ localStart: '2026-03-03T09:00', localEnd: '2026-03-03T10:00', recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE' })).toBe(false);
    expect(on({ recurrence: 'FREQ=WEEKLY;INTERVAL=2' })).toBe(true);
    expect(on({ recurrence: 'FREQ=MONTHLY;BYDAY=1MO' })).toBe(true);
    expect(on({ recurrence: 'FREQ=MONTHLY;BYDAY=2MO' })).toBe(false);
    expect(on({ recurrence: 'FREQ=MONTHLY;BYMONTHDAY=2,16' })).toBe(true);
    expect(on({ recurrence: 'FREQ=DAILY;BYDAY=SA,SU' })).toBe(false);
  });

  it('is an event of its own, and the master starts at the first hit of the rule with what is left of its COUNT', () => {
    const [master, ...rest] = seriesEntries(offRule, 'sch1', span)!;
    expect([master.start.toISOString(), master.rrule]).toEqual(['2026-03-04T13:00:00.000Z', 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=3']);
    expect(rest.map((e) => [e.uid, e.start.toISOString(), e.rrule])).toEqual([[expect.stringMatching(/@kairos$/), '2026-03-03T13:00:00.000Z', undefined]]);
    expect(rest[0].uid).not.toBe(master.uid);
  });
});

describe('resourceEntries', () => {
  const doc = (view: SessionView) => ({ ...view, _affects: [view.scheduleId], _firstStart: T, _lastEnd: T });
  it("writes an appointment's session under its booking's UID and SEQUENCE, the live one of a rescheduled booking only", () => {
    const old = series({ id: 'a1', recurrence: null, bookingId: 'b1', status: 'CANCELED', localStart: '2026-03-02T09:00', localEnd: '2026-03-02T10:00', title: null });
    const moved = series({ id: 'a2', recurrence: null, bookingId: 'b1', createdAt: '2026-03-01T01:00:00.000Z', localStart: '2026-03-03T09:00', localEnd: '2026-03-03T10:00', title: null });
    const entries = resourceEntries([doc(moved), doc(old)], 'sch1', span, () => 1);
    expect(entries.map((e) => [e.uid, e.sequence, e.status, e.start.toISOString()])).toEqual([['b1@kairos', 1, 'CONFIRMED', '2026-03-03T09:00:00.000Z']]);
  });

  it(`writes at most ${MAX_FEED_ENTRIES} VEVENTs, the latest-ending sessions first`, () => {
    const singles = Array.from({ length: MAX_FEED_ENTRIES + 5 }, (_, i) => {
      const start = new Date(Date.parse('2026-01-01T09:00:00Z') + i * 3_600_000);
      const local = (d: Date) => d.toISOString().slice(0, 16);
      return doc(series({ id: `x${i}`, recurrence: null, timeZone: 'UTC', localStart: local(start), localEnd: local(new Date(start.getTime() + 1_800_000)) }));
    });
    const entries = resourceEntries(singles, 'sch1', span, () => 0);
    expect(entries).toHaveLength(MAX_FEED_ENTRIES);
    expect(entries.some((e) => e.uid === 'x0@kairos')).toBe(false);
    expect(entries[entries.length - 1].uid).toBe(`x${MAX_FEED_ENTRIES + 4}@kairos`);
  });
});
