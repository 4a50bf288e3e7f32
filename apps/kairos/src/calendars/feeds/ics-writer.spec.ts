import ICAL from 'ical.js';
import ical from 'node-ical';
import { FeedEntry, writeCalendar } from './ics-writer';

const changedAt = new Date('2026-03-02T10:15:00Z');
const zoneSpan = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') };
const entry = (overrides: Partial<FeedEntry> = {}): FeedEntry => ({
  uid: 's1@kairos',
  sequence: 2,
  status: 'CONFIRMED',
  summary: 'Yoga',
  start: new Date('2026-03-30T08:00:00Z'),
  end: new Date('2026-03-30T09:00:00Z'),
  timeZone: 'Europe/Lisbon',
  changedAt,
  ...overrides,
});

describe('writeCalendar', () => {
  it('writes CRLF lines, folded at 75 octets, with text escaped, and reads back the same through ical.js and node-ical', () => {
    const summary = `Yoga; stretching, breathing\nand a long line ${'é'.repeat(60)}`;
    const text = writeCalendar({ name: 'Ana', entries: [entry({ summary })], zoneSpan });
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    expect(text).not.toMatch(/[^\r]\n/);
    expect(text).toContain('SUMMARY:Yoga\\; stretching\\, breathing\\nand a long line');
    const [vevent] = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent');
    expect(vevent.getFirstPropertyValue('summary')).toBe(summary);
    const parsed = Object.values(ical.sync.parseICS(text)).find((c) => c?.type === 'VEVENT');
    expect(parsed && 'summary' in parsed && parsed.summary).toBe(summary);
  });

  it("writes times in the entry's zone with its VTIMEZONE, and UTC ones with a Z and none", () => {
    const text = writeCalendar({ name: 'Ana', entries: [entry(), entry({ uid: 'b1@kairos', timeZone: 'UTC', start: new Date('2026-04-01T10:00:00Z'), end: new Date('2026-04-01T11:00:00Z') })], zoneSpan });
    expect(text).toContain('DTSTART;TZID=Europe/Lisbon:20260330T090000\r\nDTEND;TZID=Europe/Lisbon:20260330T100000');
    expect(text).toContain('DTSTART:20260401T100000Z\r\nDTEND:20260401T110000Z');
    expect(text.match(/BEGIN:VTIMEZONE/g)).toHaveLength(1);
    expect(text).toContain('DTSTAMP:20260302T101500Z');
  });

  it('writes a master with RRULE and EXDATE, and an exception with its RECURRENCE-ID in the zone; a cancellation is CANCELLED and transparent', () => {
    const master = entry({ rrule: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20261231T235959Z', wallClock: { start: '2026-03-30T09:00', end: '2026-03-30T10:00' }, exdates: ['2026-04-06T09:00'] });
    const exception = entry({ recurrenceId: '2026-04-13T09:00:00', start: new Date('2026-04-13T08:00:00Z'), end: new Date('2026-04-13T09:00:00Z'), status: 'CANCELLED' });
    const text = writeCalendar({ name: 'Ana', entries: [master, exception], zoneSpan });
    expect(text).toContain('RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20261231T235959Z\r\nEXDATE;TZID=Europe/Lisbon:20260406T090000');
    expect(text).toContain('RECURRENCE-ID;TZID=Europe/Lisbon:20260413T090000');
    expect(text).toContain('STATUS:CANCELLED\r\nTRANSP:TRANSPARENT');
  });

  it('writes instants near a change of offset in UTC, where clients would read the wall clock each their own way', () => {
    // 01:30 in Lisbon on 25 October 2026 happens twice: at 00:30Z (summer time) and at 01:30Z.
    const text = writeCalendar({ name: 'Ana', entries: [entry({ start: new Date('2026-10-25T00:30:00Z'), end: new Date('2026-10-25T02:00:00Z') })], zoneSpan });
    expect(text).toContain('DTSTART:20261025T003000Z\r\nDTEND:20261025T020000Z');
    const later = writeCalendar({ name: 'Ana', entries: [entry({ start: new Date('2026-10-27T02:00:00Z'), end: new Date('2026-10-27T03:00:00Z') })], zoneSpan });
    expect(later).toContain('DTSTART;TZID=Europe/Lisbon:20261027T020000');
  });
});
