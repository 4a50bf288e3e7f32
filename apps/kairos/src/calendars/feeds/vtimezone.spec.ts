import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { offsetChanges, vtimezone } from './vtimezone';

const span = (from: string, to: string) => [new Date(from), new Date(to)] as const;

/** The instant ical.js reads for a wall-clock time in the zone, given only our VTIMEZONE. */
const icalInstant = (zone: ICAL.Timezone, local: string) => {
  const time = ICAL.Time.fromDateTimeString(local);
  time.zone = zone;
  return time.toJSDate().toISOString();
};

describe('offsetChanges', () => {
  it("finds Lisbon's two changes of 2026 to the minute, with the offsets either side", () => {
    expect(offsetChanges('Europe/Lisbon', Date.parse('2026-01-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z'))).toEqual([
      { at: Date.parse('2026-03-29T01:00:00Z'), from: 0, to: 60, daylight: true },
      { at: Date.parse('2026-10-25T01:00:00Z'), from: 60, to: 0, daylight: false },
    ]);
  });

  it('finds half-hour changes (Lord Howe) and none where a zone keeps its offset (Kolkata)', () => {
    expect(offsetChanges('Australia/Lord_Howe', Date.parse('2026-01-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z')).map(({ from, to }) => [from, to])).toEqual([
      [660, 630],
      [630, 660],
    ]);
    expect(offsetChanges('Asia/Kolkata', Date.parse('2026-01-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z'))).toEqual([]);
  });
});

describe('vtimezone', () => {
  it('lists an observance for the start and one per change, dated at the local time before it', () => {
    const [from, to] = span('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z');
    const text = vtimezone('Europe/Lisbon', from, to).toString();
    expect(text.split('\r\n')).toEqual([
      'BEGIN:VTIMEZONE',
      'TZID:Europe/Lisbon',
      'BEGIN:STANDARD',
      'DTSTART:20260101T000000',
      'TZOFFSETFROM:+0000',
      'TZOFFSETTO:+0000',
      'END:STANDARD',
      'BEGIN:DAYLIGHT',
      'DTSTART:20260329T010000',
      'TZOFFSETFROM:+0000',
      'TZOFFSETTO:+0100',
      'END:DAYLIGHT',
      'BEGIN:STANDARD',
      'DTSTART:20261025T020000',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0000',
      'END:STANDARD',
      'END:VTIMEZONE',
    ]);
  });

  it('gives a zone without changes one STANDARD observance', () => {
    const [from, to] = span('2026-01-01T00:00:00Z', '2031-01-01T00:00:00Z');
    const component = vtimezone('Asia/Kolkata', from, to);
    expect(component.getAllSubcomponents().map((c) => [c.name, String(c.getFirstPropertyValue('tzoffsetto'))])).toEqual([['standard', '+05:30']]);
  });

  it.each(['America/New_York', 'Europe/Lisbon', 'Australia/Lord_Howe', 'America/Sao_Paulo', 'Africa/Casablanca'])(
    'lets ical.js read every hour of 2026 in %s as the instant luxon gives, around the changes too',
    (zoneName) => {
      const [from, to] = span('2025-06-01T00:00:00Z', '2027-06-01T00:00:00Z');
      const zone = new ICAL.Timezone(vtimezone(zoneName, from, to));
      const mismatches: string[] = [];
      const reading = (at: number) => DateTime.fromMillis(at, { zone: zoneName }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
      for (let at = Date.parse('2026-01-01T00:00:00Z'); at < Date.parse('2027-01-01T00:00:00Z'); at += 3_600_000) {
        const local = reading(at);
        // A wall-clock time shown twice (fall back) is ambiguous: it names no one instant to compare.
        if ([-3_600_000, -1_800_000, 1_800_000, 3_600_000].some((d) => reading(at + d) === local)) continue;
        const read = icalInstant(zone, local);
        if (read !== new Date(at).toISOString()) mismatches.push(`${local}: ${read}`);
      }
      expect(mismatches).toEqual([]);
    },
  );
});
