import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';
import * as nodeIcal from 'node-ical';
import { busyOccurrences, IcsReadOptions } from './ics-occurrences';
import { SourceFailure } from './source';

const fixture = (name: string) => readFileSync(`${__dirname}/fixtures/${name}`, 'utf8');

const calendar = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Kairos tests//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
const event = (uid: string, ...lines: string[]) => ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20261201T000000Z', ...lines, 'END:VEVENT'];

const year2027 = { from: new Date('2027-01-01T00:00:00Z'), to: new Date('2028-01-01T00:00:00Z') };

const options = (extra: Partial<IcsReadOptions> = {}): IcsReadOptions => ({
  window: year2027,
  timeZone: 'Europe/Berlin',
  ownerEmail: 'dr.weber@example.com',
  maxOccurrences: 10_000,
  ...extra,
});

/** Each occurrence as "object occurrence start end", sorted, so a whole calendar's reading reads as one list. */
const read = (ics: string, extra: Partial<IcsReadOptions> = {}) =>
  busyOccurrences(ics, options(extra))
    .map((o) => `${o.object} ${o.occurrence || '-'} ${o.start.toISOString()} ${o.end.toISOString()}`)
    .sort();

const of = (lines: string[], object: string) => lines.filter((line) => line.startsWith(`${object} `));

const failureOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof SourceFailure) return error.reason;
    throw error;
  }
  return 'none';
};

describe('busyOccurrences', () => {
  describe('a Google Calendar export', () => {
    const google = read(fixture('google-calendar.ics'));

    it('expands a weekly series across the spring change at 09:30 local, without its EXDATE, with a moved instance in its new place and a cancelled one gone', () => {
      const standup = '3k9q2v1m7ch1ph5j3m0e8b6d4t@google.com';
      expect(of(google, standup)).toEqual(
        [
          '2027-03-01T08:30:00.000Z 2027-03-01T08:30:00.000Z 2027-03-01T09:00:00.000Z',
          '2027-03-03T08:30:00.000Z 2027-03-03T08:30:00.000Z 2027-03-03T09:00:00.000Z',
          '2027-03-08T08:30:00.000Z 2027-03-08T08:30:00.000Z 2027-03-08T09:00:00.000Z',
          '2027-03-15T08:30:00.000Z 2027-03-15T08:30:00.000Z 2027-03-15T09:00:00.000Z',
          '2027-03-17T08:30:00.000Z 2027-03-18T13:00:00.000Z 2027-03-18T13:30:00.000Z',
          '2027-03-22T08:30:00.000Z 2027-03-22T08:30:00.000Z 2027-03-22T09:00:00.000Z',
          '2027-03-29T07:30:00.000Z 2027-03-29T07:30:00.000Z 2027-03-29T08:00:00.000Z',
          '2027-03-31T07:30:00.000Z 2027-03-31T07:30:00.000Z 2027-03-31T08:00:00.000Z',
          ...['04-05', '04-07', '04-12', '04-14', '04-19', '04-21', '04-26', '04-28'].map((day) => `2027-${day}T07:30:00.000Z 2027-${day}T07:30:00.000Z 2027-${day}T08:00:00.000Z`),
        ].map((line) => `${standup} ${line}`),
      );
    });

    it('blocks all-day events from local midnight to local midnight in the calendar zone, one day when DTEND is missing', () => {
      expect(of(google, '1u2p7ka0o1fpbg6a2qbbfq0mda@google.com')).toEqual(['1u2p7ka0o1fpbg6a2qbbfq0mda@google.com - 2027-04-11T22:00:00.000Z 2027-04-13T22:00:00.000Z']);
      expect(of(google, '20270101_60o30dr56ko30e1g60o30dr4ck@google.com')).toEqual(['20270101_60o30dr56ko30e1g60o30dr4ck@google.com - 2026-12-31T23:00:00.000Z 2027-01-01T23:00:00.000Z']);
      expect(read(fixture('google-calendar.ics'), { timeZone: 'America/New_York' }).filter((line) => line.startsWith('1u2p7ka0o1fpbg6a2qbbfq0mda@google.com'))).toEqual([
        '1u2p7ka0o1fpbg6a2qbbfq0mda@google.com - 2027-04-12T04:00:00.000Z 2027-04-14T04:00:00.000Z',
      ]);
    });

    it('leaves out transparent and cancelled events and invitations the owner declined, whatever the case of the address', () => {
      expect(of(google, '7f6r0lq5m3h0bq0s5b1fe8ajtc@google.com')).toEqual([]);
      expect(of(google, '6q0dpf2e4h6r8x1kc3e9i7g5ts@google.com')).toEqual([]);
      expect(of(google, '4o8bnd0c2f4p6v9ia1c7g5e3rq@google.com')).toEqual([]);
      expect(of(google, '5p9coe1d3g5q7w0jb2d8h6f4sr@google.com')).toEqual(['5p9coe1d3g5q7w0jb2d8h6f4sr@google.com - 2027-04-07T13:00:00.000Z 2027-04-07T14:00:00.000Z']);
      const noOwner = read(fixture('google-calendar.ics'), { ownerEmail: null });
      expect(of(noOwner, '4o8bnd0c2f4p6v9ia1c7g5e3rq@google.com')).toEqual(['4o8bnd0c2f4p6v9ia1c7g5e3rq@google.com - 2027-04-06T13:00:00.000Z 2027-04-06T14:00:00.000Z']);
    });

    it('expands a weekday series begun eight years before the window to every weekday of the window', () => {
      const rounds = of(google, '0a1b2c3d4e5f6g7h8i9j0k1l2m@google.com');
      expect(rounds).toHaveLength(261);
      expect(rounds[0]).toBe('0a1b2c3d4e5f6g7h8i9j0k1l2m@google.com 2027-01-01T07:00:00.000Z 2027-01-01T07:00:00.000Z 2027-01-01T07:30:00.000Z');
      expect(rounds.at(-1)).toBe('0a1b2c3d4e5f6g7h8i9j0k1l2m@google.com 2027-12-31T07:00:00.000Z 2027-12-31T07:00:00.000Z 2027-12-31T07:30:00.000Z');
    });
  });

  describe('an Outlook / Exchange export', () => {
    const outlook = read(fixture('outlook-exchange.ics'));
    const uid = (tail: string) => outlook.filter((line) => line.split(' ')[0].endsWith(tail)).map((line) => line.split(' ').slice(1).join(' '));

    it('reads a series in a Windows TZID with its VTIMEZONE across the autumn change, without its EXDATE, with a moved instance and one made free', () => {
      expect(uid('A1B2C3D4E5F60718293A4B5C6D7E8F90')).toEqual([
        '2027-10-19T08:00:00.000Z 2027-10-19T08:00:00.000Z 2027-10-19T09:30:00.000Z',
        '2027-10-26T08:00:00.000Z 2027-10-26T08:00:00.000Z 2027-10-26T09:30:00.000Z',
        '2027-11-02T09:00:00.000Z 2027-11-02T09:00:00.000Z 2027-11-02T10:30:00.000Z',
        '2027-11-16T09:00:00.000Z 2027-11-16T14:00:00.000Z 2027-11-16T15:30:00.000Z',
      ]);
    });

    it('reads a "Customized Time Zone" by the rules the file gives it, summer and winter', () => {
      expect(uid('11223344556677889900AABBCCDDEEFF')).toEqual(['- 2027-06-15T08:00:00.000Z 2027-06-15T09:00:00.000Z']);
      expect(uid('22334455667788990011AABBCCDDEEFF')).toEqual(['- 2027-12-15T09:00:00.000Z 2027-12-15T10:00:00.000Z']);
    });

    it('resolves a quoted Windows TZID the file does not define ("Pacific Standard Time") to its IANA zone', () => {
      expect(uid('33445566778899001122AABBCCDDEEFF')).toEqual(['- 2027-07-02T16:00:00.000Z 2027-07-02T16:30:00.000Z']);
      expect(read(calendar(...event('win', 'DTSTART;TZID=W. Europe Standard Time:20270115T090000', 'DTEND;TZID=W. Europe Standard Time:20270115T100000')), { timeZone: 'UTC' })).toEqual([
        'win - 2027-01-15T08:00:00.000Z 2027-01-15T09:00:00.000Z',
      ]);
    });

    it('blocks an all-day out-of-office day and leaves a free appointment out', () => {
      expect(uid('44556677889900112233AABBCCDDEEFF')).toEqual(['- 2027-07-04T22:00:00.000Z 2027-07-05T22:00:00.000Z']);
      expect(uid('55667788990011223344AABBCCDDEEFF')).toEqual([]);
      expect(outlook).toHaveLength(8);
    });
  });

  describe('an Apple Calendar export', () => {
    const apple = read(fixture('apple-icloud.ics'));

    it('expands a weekly series with UNTIL across the US spring change and adds its RDATE', () => {
      expect(of(apple, '8C1F3A52-6E0B-4D7A-9F2E-3B4C5D6E7F80')).toEqual(
        [
          '2027-03-01T14:00:00.000Z 2027-03-01T14:00:00.000Z 2027-03-01T15:00:00.000Z',
          '2027-03-08T14:00:00.000Z 2027-03-08T14:00:00.000Z 2027-03-08T15:00:00.000Z',
          '2027-03-15T13:00:00.000Z 2027-03-15T13:00:00.000Z 2027-03-15T14:00:00.000Z',
          '2027-03-22T13:00:00.000Z 2027-03-22T13:00:00.000Z 2027-03-22T14:00:00.000Z',
          '2027-04-02T20:00:00.000Z 2027-04-02T20:00:00.000Z 2027-04-02T21:00:00.000Z',
        ].map((line) => `8C1F3A52-6E0B-4D7A-9F2E-3B4C5D6E7F80 ${line}`),
      );
    });

    it('ends a DURATION of hours exactly and a DURATION of a day at the same wall-clock time the next day, across the change', () => {
      expect(of(apple, '2D4F6A8C-0E1B-3C5D-7E9F-1A2B3C4D5E6F')).toEqual(['2D4F6A8C-0E1B-3C5D-7E9F-1A2B3C4D5E6F - 2027-05-10T17:00:00.000Z 2027-05-10T17:45:00.000Z']);
      expect(of(apple, '3E5A7B9D-1F2C-4D6E-8F0A-2B3C4D5E6F70')).toEqual(['3E5A7B9D-1F2C-4D6E-8F0A-2B3C4D5E6F70 - 2027-03-13T17:00:00.000Z 2027-03-14T16:00:00.000Z']);
    });

    it('reads floating times in the calendar zone and an IANA TZID the file does not define', () => {
      expect(of(apple, '4F6B8C0E-2A3D-5E7F-9A1B-3C4D5E6F7081')).toEqual(['4F6B8C0E-2A3D-5E7F-9A1B-3C4D5E6F7081 - 2027-06-01T13:00:00.000Z 2027-06-01T14:00:00.000Z']);
      expect(of(read(fixture('apple-icloud.ics'), { timeZone: 'America/Chicago' }), '4F6B8C0E-2A3D-5E7F-9A1B-3C4D5E6F7081')).toEqual([
        '4F6B8C0E-2A3D-5E7F-9A1B-3C4D5E6F7081 - 2027-06-01T20:00:00.000Z 2027-06-01T21:00:00.000Z',
      ]);
      expect(of(apple, '5A7C9D1F-3B4E-6F8A-0B2C-4D5E6F708192')).toEqual(['5A7C9D1F-3B4E-6F8A-0B2C-4D5E6F708192 - 2027-06-03T01:00:00.000Z 2027-06-03T02:00:00.000Z']);
    });

    it('repeats a yearly all-day event on its day in the calendar zone', () => {
      expect(of(apple, '6B8DAE20-4C5F-7A9B-1C3D-5E6F708192A3')).toEqual(['6B8DAE20-4C5F-7A9B-1C3D-5E6F708192A3 2027-08-14T22:00:00.000Z 2027-08-14T22:00:00.000Z 2027-08-15T22:00:00.000Z']);
    });
  });

  describe('daylight-saving edges', () => {
    const berlinZone = [
      'BEGIN:VTIMEZONE',
      'TZID:Office',
      'BEGIN:DAYLIGHT',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0200',
      'DTSTART:19700329T020000',
      'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
      'END:DAYLIGHT',
      'BEGIN:STANDARD',
      'TZOFFSETFROM:+0200',
      'TZOFFSETTO:+0100',
      'DTSTART:19701025T030000',
      'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
      'END:STANDARD',
      'END:VTIMEZONE',
    ];

    it.each([
      ['an IANA TZID', 'Europe/Berlin', []],
      ['a VTIMEZONE of the file', 'Office', berlinZone],
    ])('reads a time in the spring-forward gap with the offset before the gap, and a time in the fall-back overlap as its first occurrence (%s)', (_, tzid, zone) => {
      const ics = calendar(
        ...zone,
        ...event('gap', `DTSTART;TZID=${tzid}:20270328T023000`, `DTEND;TZID=${tzid}:20270328T040000`),
        ...event('overlap', `DTSTART;TZID=${tzid}:20271031T023000`, `DTEND;TZID=${tzid}:20271031T033000`),
        ...event('weekly', `DTSTART;TZID=${tzid}:20270321T023000`, `DTEND;TZID=${tzid}:20270321T030000`, 'RRULE:FREQ=WEEKLY;COUNT=3'),
      );
      expect(read(ics)).toEqual([
        // 02:30 does not exist on 28 March: read at +01:00 it is 01:30Z, which is 03:30 local.
        'gap - 2027-03-28T01:30:00.000Z 2027-03-28T02:00:00.000Z',
        // 02:30 happens twice on 31 October: the first, at +02:00; 03:30 happens once, at +01:00.
        'overlap - 2027-10-31T00:30:00.000Z 2027-10-31T02:30:00.000Z',
        'weekly 2027-03-21T01:30:00.000Z 2027-03-21T01:30:00.000Z 2027-03-21T02:00:00.000Z',
        'weekly 2027-03-28T01:30:00.000Z 2027-03-28T01:30:00.000Z 2027-03-28T02:00:00.000Z',
        'weekly 2027-04-04T00:30:00.000Z 2027-04-04T00:30:00.000Z 2027-04-04T01:00:00.000Z',
      ]);
    });

    it('blocks a 23-hour and a 25-hour all-day, and a day whose midnight does not exist from when it begins', () => {
      const ics = calendar(...event('short', 'DTSTART;VALUE=DATE:20270328'), ...event('long', 'DTSTART;VALUE=DATE:20271031'));
      expect(read(ics)).toEqual(['long - 2027-10-30T22:00:00.000Z 2027-10-31T23:00:00.000Z', 'short - 2027-03-27T23:00:00.000Z 2027-03-28T22:00:00.000Z']);
      // Havana moves its clocks from 00:00 to 01:00 on the second Sunday of March: that day begins at 01:00 CDT.
      expect(read(calendar(...event('havana', 'DTSTART;VALUE=DATE:20270314')), { timeZone: 'America/Havana' })).toEqual(['havana - 2027-03-14T05:00:00.000Z 2027-03-15T04:00:00.000Z']);
    });
  });

  describe('overridden instances', () => {
    const weekly = (...overrides: string[][]) =>
      calendar(...event('series', 'DTSTART:20270104T090000Z', 'DTEND:20270104T100000Z', 'RRULE:FREQ=WEEKLY;COUNT=6'), ...overrides.flat());

    it('moves THISANDFUTURE instances by the override and gives them its length', () => {
      const ics = weekly(event('series', 'RECURRENCE-ID;RANGE=THISANDFUTURE:20270118T090000Z', 'DTSTART:20270118T110000Z', 'DTEND:20270118T113000Z'));
      expect(read(ics)).toEqual([
        'series 2027-01-04T09:00:00.000Z 2027-01-04T09:00:00.000Z 2027-01-04T10:00:00.000Z',
        'series 2027-01-11T09:00:00.000Z 2027-01-11T09:00:00.000Z 2027-01-11T10:00:00.000Z',
        'series 2027-01-18T09:00:00.000Z 2027-01-18T11:00:00.000Z 2027-01-18T11:30:00.000Z',
        'series 2027-01-25T09:00:00.000Z 2027-01-25T11:00:00.000Z 2027-01-25T11:30:00.000Z',
        'series 2027-02-01T09:00:00.000Z 2027-02-01T11:00:00.000Z 2027-02-01T11:30:00.000Z',
        'series 2027-02-08T09:00:00.000Z 2027-02-08T11:00:00.000Z 2027-02-08T11:30:00.000Z',
      ]);
    });

    it('takes an instance moved into the window from outside it, and drops one moved out of it', () => {
      const ics = weekly(
        event('series', 'RECURRENCE-ID:20270104T090000Z', 'DTSTART:20261220T090000Z', 'DTEND:20261220T100000Z'),
        event('series', 'RECURRENCE-ID:20270111T090000Z', 'DTSTART:20270201T150000Z', 'DTEND:20270201T160000Z'),
      );
      expect(read(ics, { window: { from: new Date('2027-01-10T00:00:00Z'), to: new Date('2027-01-31T00:00:00Z') } })).toEqual([
        'series 2027-01-18T09:00:00.000Z 2027-01-18T09:00:00.000Z 2027-01-18T10:00:00.000Z',
        'series 2027-01-25T09:00:00.000Z 2027-01-25T09:00:00.000Z 2027-01-25T10:00:00.000Z',
      ]);
      expect(read(ics, { window: { from: new Date('2026-12-01T00:00:00Z'), to: new Date('2027-01-05T00:00:00Z') } })).toEqual(['series 2027-01-04T09:00:00.000Z 2026-12-20T09:00:00.000Z 2026-12-20T10:00:00.000Z']);
    });

    it('skips the entries Kairos wrote for its own bookings, whose time the booking holds already', () => {
      const ics = calendar(
        ...event('bk-1@kairos', 'DTSTART:20270111T090000Z', 'DTEND:20270111T100000Z', 'X-KAIROS-BOOKING:bk-1'),
        ...event('dentist', 'DTSTART:20270112T090000Z', 'DTEND:20270112T100000Z'),
      );
      expect(read(ics)).toEqual(['dentist - 2027-01-12T09:00:00.000Z 2027-01-12T10:00:00.000Z']);
    });

    it('removes an instance overridden as transparent, cancelled or declined, and keeps an instance whose master is missing', () => {
      const ics = weekly(
        event('series', 'RECURRENCE-ID:20270111T090000Z', 'DTSTART:20270111T090000Z', 'DTEND:20270111T100000Z', 'TRANSP:TRANSPARENT'),
        event('series', 'RECURRENCE-ID:20270118T090000Z', 'DTSTART:20270118T090000Z', 'DTEND:20270118T100000Z', 'STATUS:CANCELLED'),
        event('series', 'RECURRENCE-ID:20270125T090000Z', 'DTSTART:20270125T090000Z', 'DTEND:20270125T100000Z', 'ATTENDEE;PARTSTAT=DECLINED:mailto:dr.weber@example.com'),
        event('orphan', 'RECURRENCE-ID;TZID=Europe/Berlin:20270301T100000', 'DTSTART;TZID=Europe/Berlin:20270302T100000', 'DTEND;TZID=Europe/Berlin:20270302T110000'),
      );
      expect(read(ics)).toEqual([
        'orphan 2027-03-01T09:00:00.000Z 2027-03-02T09:00:00.000Z 2027-03-02T10:00:00.000Z',
        'series 2027-01-04T09:00:00.000Z 2027-01-04T09:00:00.000Z 2027-01-04T10:00:00.000Z',
        'series 2027-02-01T09:00:00.000Z 2027-02-01T09:00:00.000Z 2027-02-01T10:00:00.000Z',
        'series 2027-02-08T09:00:00.000Z 2027-02-08T09:00:00.000Z 2027-02-08T10:00:00.000Z',
      ]);
    });
  });

  describe('recurrence dates', () => {
    it('removes an EXDATE given as a DATE from an all-day series', () => {
      const ics = calendar(...event('days', 'DTSTART;VALUE=DATE:20270104', 'DTEND;VALUE=DATE:20270105', 'RRULE:FREQ=WEEKLY;COUNT=3', 'EXDATE;VALUE=DATE:20270111'));
      expect(read(ics)).toEqual(['days 2027-01-03T23:00:00.000Z 2027-01-03T23:00:00.000Z 2027-01-04T23:00:00.000Z', 'days 2027-01-17T23:00:00.000Z 2027-01-17T23:00:00.000Z 2027-01-18T23:00:00.000Z']);
    });

    it('adds RDATE periods (end or duration) with their own length, and an EXDATE removes one', () => {
      const ics = calendar(...event('rdates', 'DTSTART:20270228T090000Z', 'DTEND:20270228T100000Z', 'RDATE;VALUE=PERIOD:20270301T090000Z/20270301T113000Z,20270302T090000Z/PT2H', 'EXDATE:20270302T090000Z'));
      expect(read(ics)).toEqual(['rdates 2027-02-28T09:00:00.000Z 2027-02-28T09:00:00.000Z 2027-02-28T10:00:00.000Z', 'rdates 2027-03-01T09:00:00.000Z 2027-03-01T09:00:00.000Z 2027-03-01T11:30:00.000Z']);
    });

    it('matches a RECURRENCE-ID given in UTC to the instance of a series in a TZID', () => {
      const ics = calendar(
        ...event('zoned', 'DTSTART;TZID=Europe/Berlin:20270104T090000', 'DTEND;TZID=Europe/Berlin:20270104T100000', 'RRULE:FREQ=WEEKLY;COUNT=2'),
        ...event('zoned', 'RECURRENCE-ID:20270111T080000Z', 'DTSTART;TZID=Europe/Berlin:20270111T120000', 'DTEND;TZID=Europe/Berlin:20270111T130000'),
      );
      expect(read(ics)).toEqual(['zoned 2027-01-04T08:00:00.000Z 2027-01-04T08:00:00.000Z 2027-01-04T09:00:00.000Z', 'zoned 2027-01-11T08:00:00.000Z 2027-01-11T11:00:00.000Z 2027-01-11T12:00:00.000Z']);
    });
  });

  it('reads the same made-up TZID in two calendars by each one its own rules, and registers neither in ical.js', () => {
    const zone = (offset: string) => ['BEGIN:VTIMEZONE', 'TZID:Praxis', 'BEGIN:STANDARD', 'DTSTART:19700101T000000', `TZOFFSETFROM:${offset}`, `TZOFFSETTO:${offset}`, 'END:STANDARD', 'END:VTIMEZONE'];
    const at = (offset: string) => calendar(...zone(offset), ...event('e', 'DTSTART;TZID=Praxis:20270601T120000', 'DTEND;TZID=Praxis:20270601T130000'));
    expect(read(at('+0545'))).toEqual(['e - 2027-06-01T06:15:00.000Z 2027-06-01T07:15:00.000Z']);
    expect(read(at('-0330'))).toEqual(['e - 2027-06-01T15:30:00.000Z 2027-06-01T16:30:00.000Z']);
    expect(ICAL.TimezoneService.has('Praxis')).toBe(false);
  });

  it('reads a TZID whose VTIMEZONE has no observances as the IANA zone it names', () => {
    const ics = calendar('BEGIN:VTIMEZONE', 'TZID:Europe/Berlin', 'END:VTIMEZONE', ...event('e', 'DTSTART;TZID=Europe/Berlin:20270601T090000', 'DTEND;TZID=Europe/Berlin:20270601T100000'));
    expect(read(ics, { timeZone: 'UTC' })).toEqual(['e - 2027-06-01T07:00:00.000Z 2027-06-01T08:00:00.000Z']);
  });

  it('keys occurrences by the object the caller names', () => {
    const ics = calendar(...event('uid-1', 'DTSTART:20270301T090000Z', 'DTEND:20270301T100000Z'));
    expect(read(ics, { object: '/calendars/anna/work/1.ics' })).toEqual(['/calendars/anna/work/1.ics - 2027-03-01T09:00:00.000Z 2027-03-01T10:00:00.000Z']);
  });

  it('keeps apart events that share a UID without recurring (an export that reuses UIDs), each keyed by its start', () => {
    const shared = calendar(
      ...event('reused@example.com', 'DTSTART:20270301T090000Z', 'DTEND:20270301T100000Z'),
      ...event('reused@example.com', 'DTSTART:20270302T090000Z', 'DTEND:20270302T100000Z'),
      ...event('alone@example.com', 'DTSTART:20270303T090000Z', 'DTEND:20270303T100000Z'),
    );
    expect(read(shared)).toEqual([
      'alone@example.com - 2027-03-03T09:00:00.000Z 2027-03-03T10:00:00.000Z',
      'reused@example.com 2027-03-01T09:00:00.000Z 2027-03-01T09:00:00.000Z 2027-03-01T10:00:00.000Z',
      'reused@example.com 2027-03-02T09:00:00.000Z 2027-03-02T09:00:00.000Z 2027-03-02T10:00:00.000Z',
    ]);
  });

  it('reads busy VFREEBUSY periods, by start and end or start and duration, keyed by period, and leaves FREE out', () => {
    const ics = calendar(
      'BEGIN:VFREEBUSY',
      'UID:fb-1',
      'DTSTAMP:20261201T000000Z',
      'DTSTART:20270105T000000Z',
      'DTEND:20270107T000000Z',
      'FREEBUSY:20270105T090000Z/20270105T100000Z,20270106T090000Z/PT1H30M',
      'FREEBUSY;FBTYPE=BUSY-TENTATIVE:20270106T140000Z/20270106T150000Z',
      'FREEBUSY;FBTYPE=FREE:20270106T160000Z/20270106T170000Z',
      'END:VFREEBUSY',
    );
    expect(read(ics)).toEqual([
      'fb-1 2027-01-05T09:00:00.000Z/2027-01-05T10:00:00.000Z 2027-01-05T09:00:00.000Z 2027-01-05T10:00:00.000Z',
      'fb-1 2027-01-06T09:00:00.000Z/2027-01-06T10:30:00.000Z 2027-01-06T09:00:00.000Z 2027-01-06T10:30:00.000Z',
      'fb-1 2027-01-06T14:00:00.000Z/2027-01-06T15:00:00.000Z 2027-01-06T14:00:00.000Z 2027-01-06T15:00:00.000Z',
    ]);
  });

  it('reads every VCALENDAR of a text that holds several', () => {
    const two = calendar(...event('a', 'DTSTART:20270301T090000Z', 'DTEND:20270301T100000Z')) + calendar(...event('b', 'DTSTART:20270302T090000Z', 'DTEND:20270302T100000Z'));
    expect(read(two)).toEqual(['a - 2027-03-01T09:00:00.000Z 2027-03-01T10:00:00.000Z', 'b - 2027-03-02T09:00:00.000Z 2027-03-02T10:00:00.000Z']);
  });

  it('bounds an endless rule by the window', () => {
    expect(read(calendar(...event('daily', 'DTSTART:20270101T090000Z', 'DTEND:20270101T100000Z', 'RRULE:FREQ=DAILY')))).toHaveLength(365);
  });

  describe('refuses', () => {
    it.each([
      ['an HTML page', '<!doctype html><html><head><title>Sign in</title></head><body>Sign in</body></html>'],
      ['JSON', '{"events":[]}'],
      ['nothing', ''],
      ['a calendar cut short', calendar(...event('a', 'DTSTART:20270301T090000Z')).replace(/END:VCALENDAR\r\n$/, '')],
      ['a calendar that does not parse', 'BEGIN:VCALENDAR\r\nthis is not a content line\r\nEND:VCALENDAR\r\n'],
      ['a value that is not a date', calendar(...event('a', 'DTSTART:tomorrow morning'))],
    ])('%s as not a calendar', (_, text) => {
      expect(failureOf(() => busyOccurrences(text, options()))).toBe('not-a-calendar');
    });

    it('more occurrences than the limit as too large', () => {
      const daily = calendar(...event('daily', 'DTSTART:20270101T090000Z', 'DTEND:20270101T100000Z', 'RRULE:FREQ=DAILY'));
      expect(failureOf(() => busyOccurrences(daily, options({ maxOccurrences: 364 })))).toBe('too-large');
      expect(failureOf(() => busyOccurrences(daily, options({ maxOccurrences: 365 })))).toBe('none');
      const many = calendar(...Array.from({ length: 20 }, (_, i) => event(`e${i}`, 'DTSTART:20270301T090000Z', 'DTEND:20270301T100000Z')).flat());
      expect(failureOf(() => busyOccurrences(many, options({ maxOccurrences: 19 })))).toBe('too-large');
    });

    it('a rule that would need more steps than a read may take as too large, before it costs seconds', () => {
      const secondly = calendar(...event('s', 'DTSTART:20000101T000000Z', 'DTEND:20000101T000001Z', 'RRULE:FREQ=SECONDLY'));
      const started = Date.now();
      expect(failureOf(() => busyOccurrences(secondly, options()))).toBe('too-large');
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });

  it('expands recurring events as node-ical does over a year that crosses daylight-saving changes in both hemispheres', () => {
    const text = fixture('recurring-oracle.ics');
    const theirs: string[] = [];
    for (const component of Object.values(nodeIcal.sync.parseICS(text))) {
      if (component?.type !== 'VEVENT' || !component.rrule) continue;
      for (const instance of nodeIcal.expandRecurringEvent(component, year2027)) {
        if (instance.event.status === 'CANCELLED' || instance.event.transparency === 'TRANSPARENT') continue;
        if (instance.end.getTime() <= year2027.from.getTime() || instance.start.getTime() >= year2027.to.getTime()) continue;
        theirs.push(`${component.uid} ${instance.start.toISOString()} ${instance.end.toISOString()}`);
      }
    }
    const ours = busyOccurrences(text, options({ timeZone: 'UTC', ownerEmail: null })).map((o) => `${o.object} ${o.start.toISOString()} ${o.end.toISOString()}`);
    expect(ours.length).toBeGreaterThan(800);
    expect(ours.sort()).toEqual(theirs.sort());
  });
});
