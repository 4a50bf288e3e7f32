import { busyOccurrences, IcsReadOptions } from './ics-occurrences';
import { SourceFailure } from './source';

const calendar = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');

const options = (overrides: Partial<IcsReadOptions> = {}): IcsReadOptions => ({
  window: { from: new Date('2027-01-01T00:00:00Z'), to: new Date('2028-01-01T00:00:00Z') },
  timeZone: 'Europe/Berlin',
  ownerEmail: 'owner@example.com',
  maxOccurrences: 10_000,
  ...overrides,
});

const spans = (ics: string, extra: Partial<IcsReadOptions> = {}) =>
  busyOccurrences(ics, options(extra))
    .map((o) => `${o.object} ${o.occurrence} ${o.start.toISOString()} ${o.end.toISOString()}`)
    .sort();

const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof SourceFailure) return error.reason;
    throw error;
  }
  return 'none';
};

describe('busyOccurrences', () => {
  it('reads a single timed event with its UID as object and no occurrence key', () => {
    expect(spans(calendar('BEGIN:VEVENT', 'UID:one', 'DTSTAMP:20260101T000000Z', 'DTSTART:20270310T090000Z', 'DTEND:20270310T100000Z', 'END:VEVENT'))).toEqual([
      'one  2027-03-10T09:00:00.000Z 2027-03-10T10:00:00.000Z',
    ]);
  });

  it('keeps a weekly 09:00 Europe/Berlin event at 09:00 local across the spring change', () => {
    const found = spans(
      calendar('BEGIN:VEVENT', 'UID:weekly', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Europe/Berlin:20270315T090000', 'DTEND;TZID=Europe/Berlin:20270315T100000', 'RRULE:FREQ=WEEKLY;COUNT=3', 'END:VEVENT'),
    );
    expect(found).toEqual([
      'weekly 2027-03-15T08:00:00.000Z 2027-03-15T08:00:00.000Z 2027-03-15T09:00:00.000Z',
      'weekly 2027-03-22T08:00:00.000Z 2027-03-22T08:00:00.000Z 2027-03-22T09:00:00.000Z',
      'weekly 2027-03-29T07:00:00.000Z 2027-03-29T07:00:00.000Z 2027-03-29T08:00:00.000Z',
    ]);
  });

  it('refuses text that is not iCalendar', () => {
    expect(failure(() => busyOccurrences('<!doctype html><html><body>Sign in</body></html>', options()))).toBe('not-a-calendar');
  });

  it('stops past maxOccurrences', () => {
    const daily = calendar('BEGIN:VEVENT', 'UID:daily', 'DTSTAMP:20260101T000000Z', 'DTSTART:20270101T090000Z', 'DTEND:20270101T100000Z', 'RRULE:FREQ=DAILY', 'END:VEVENT');
    expect(failure(() => busyOccurrences(daily, options({ maxOccurrences: 100 })))).toBe('too-large');
  });
});
