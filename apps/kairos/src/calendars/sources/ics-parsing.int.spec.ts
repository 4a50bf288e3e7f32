import { readFileSync } from 'node:fs';
import { BusyOccurrence } from '@kairos/calendars';
import { buildOnce } from '@kairos/testing';
import { IcsReadOptions, busyOccurrences } from './ics-occurrences';
import { IcsParsingThread, icsParsing, parseBusyOccurrences, parseCalendarObjects } from './ics-parsing';
import { SourceFailure } from './source';

const fixture = (name: string) => readFileSync(`${__dirname}/fixtures/${name}`, 'utf8');

const calendar = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Kairos tests//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
const event = (uid: string, ...lines: string[]) => ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20261201T000000Z', ...lines, 'END:VEVENT'];

const pad = (n: number) => String(n).padStart(2, '0');
/** A busy practice's year: `count` half-hour appointments in Berlin time, several a day. */
const appointments = (count: number) => {
  const events = Array.from({ length: count }, (_, i) => {
    const day = new Date(Date.UTC(2027, 0, 1) + (i % 360) * 24 * 60 * 60 * 1000);
    const date = `${day.getUTCFullYear()}${pad(day.getUTCMonth() + 1)}${pad(day.getUTCDate())}`;
    const hour = pad(8 + (i % 9));
    return event(`appointment-${i}@example.com`, `DTSTART;TZID=Europe/Berlin:${date}T${hour}0000`, `DTEND;TZID=Europe/Berlin:${date}T${hour}3000`, `SUMMARY:Appointment ${i}`).join('\r\n');
  });
  return calendar(events.join('\r\n'));
};

const options = (extra: Partial<IcsReadOptions> = {}): IcsReadOptions => ({
  window: { from: new Date('2027-01-01T00:00:00Z'), to: new Date('2028-01-01T00:00:00Z') },
  timeZone: 'Europe/Berlin',
  ownerEmail: 'dr.weber@example.com',
  maxOccurrences: 50_000,
  ...extra,
});

const noDeadline = () => new AbortController().signal;

const failureOf = async (parse: Promise<unknown>) => {
  try {
    await parse;
  } catch (error) {
    if (error instanceof SourceFailure) return { reason: error.reason, detail: error.message };
    throw error;
  }
  return null;
};

const inlineFailureOf = (ics: string, extra: Partial<IcsReadOptions> = {}) => {
  try {
    busyOccurrences(ics, options(extra));
  } catch (error) {
    if (error instanceof SourceFailure) return { reason: error.reason, detail: error.message };
    throw error;
  }
  return null;
};

/** The longest the event loop went without a turn while `work` ran, timed by a 10 ms interval. */
const longestStall = async (work: () => Promise<unknown>) => {
  let last = performance.now();
  let longest = 0;
  const ticking = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  try {
    await work();
  } finally {
    clearInterval(ticking);
  }
  return Math.max(longest, performance.now() - last);
};

const sortedTimes = (found: BusyOccurrence[]) => found.map((o) => `${o.object} ${o.occurrence} ${o.start.toISOString()} ${o.end.toISOString()}`).sort();

describe('calendar parsing off the request thread', () => {
  // The thread runs the built app.
  beforeAll(buildOnce, 240_000);
  afterAll(() => icsParsing.stop());

  it.each(['google-calendar.ics', 'outlook-exchange.ics', 'apple-icloud.ics', 'recurring-oracle.ics'])('reads %s as busyOccurrences does, Dates and all', async (name) => {
    const text = fixture(name);
    const theirs = busyOccurrences(text, options());
    const ours = await parseBusyOccurrences(text, options(), noDeadline());
    expect(theirs.length).toBeGreaterThan(0);
    expect(ours).toEqual(theirs);
    expect(ours.every((o) => o.start instanceof Date && o.end instanceof Date)).toBe(true);
  });

  it('reads a feed given as its UTF-8 bytes, as read from the server, as its text', async () => {
    const text = calendar(...event('réunion-ünï@example.com', 'DTSTART:20270301T090000Z', 'DTEND:20270301T100000Z', 'SUMMARY:Réunion 会議'));
    const bytes = Buffer.from(`\uFEFF${text}`, 'utf8');
    expect(await parseBusyOccurrences(bytes, options(), noDeadline())).toEqual(busyOccurrences(text, options()));
  });

  it('reads the objects of a CalDAV report in one parse, each keyed by its href, bounded together by maxOccurrences', async () => {
    const texts = [
      { ics: calendar(...event('a', 'DTSTART:20270301T090000Z', 'DTEND:20270301T100000Z')), object: '/cal/a.ics' },
      { ics: calendar(...event('b', 'DTSTART:20270302T090000Z', 'DTEND:20270302T100000Z', 'RRULE:FREQ=DAILY;COUNT=2')), object: '/cal/b.ics' },
    ];
    expect(sortedTimes(await parseCalendarObjects(texts, options(), noDeadline()))).toEqual([
      '/cal/a.ics  2027-03-01T09:00:00.000Z 2027-03-01T10:00:00.000Z',
      '/cal/b.ics 2027-03-02T09:00:00.000Z 2027-03-02T09:00:00.000Z 2027-03-02T10:00:00.000Z',
      '/cal/b.ics 2027-03-03T09:00:00.000Z 2027-03-03T09:00:00.000Z 2027-03-03T10:00:00.000Z',
    ]);
    expect((await failureOf(parseCalendarObjects(texts, options({ maxOccurrences: 2 }), noDeadline())))?.reason).toBe('too-large');
  });

  it('gives back not-a-calendar and too-large as the same SourceFailure, reason and detail', async () => {
    const html = '<!doctype html><html><body>Sign in</body></html>';
    const daily = calendar(...event('daily', 'DTSTART:20270101T090000Z', 'DTEND:20270101T100000Z', 'RRULE:FREQ=DAILY'));
    const secondly = calendar(...event('s', 'DTSTART:20000101T000000Z', 'DTEND:20000101T000001Z', 'RRULE:FREQ=SECONDLY'));
    for (const [ics, extra, reason] of [
      [html, {}, 'not-a-calendar'],
      [calendar(...event('a', 'DTSTART:tomorrow morning')), {}, 'not-a-calendar'],
      [daily, { maxOccurrences: 364 }, 'too-large'],
      [secondly, {}, 'too-large'],
    ] as const) {
      const failure = await failureOf(parseBusyOccurrences(ics, options(extra), noDeadline()));
      expect(failure?.reason).toBe(reason);
      expect(failure).toEqual(inlineFailureOf(ics, extra));
    }
  });

  it("ends a parse that outlasts its read's deadline with a timeout, and reads the next calendar with a fresh thread", async () => {
    const huge = appointments(20_000);
    const started = Date.now();
    const failure = await failureOf(parseBusyOccurrences(huge, options(), AbortSignal.timeout(100)));
    expect(failure?.reason).toBe('timeout');
    // Stopped at the deadline, not when the parse would have ended (seconds).
    expect(Date.now() - started).toBeLessThan(1000);
    const next = await parseBusyOccurrences(calendar(...event('a', 'DTSTART:20270301T090000Z', 'DTEND:20270301T100000Z')), options(), noDeadline());
    expect(next.map((o) => o.object)).toEqual(['a']);
  });

  it('fails a parse whose deadline passes while it waits its turn, and finishes the one running', async () => {
    const thread = new IcsParsingThread();
    try {
      const running = thread.parse([{ ics: appointments(2000) }], options(), noDeadline());
      const waiting = thread.parse([{ ics: appointments(1) }], options(), AbortSignal.timeout(20));
      expect((await failureOf(waiting))?.reason).toBe('timeout');
      expect(await running).toHaveLength(2000);
    } finally {
      await thread.stop();
    }
  });

  it('fails a parse whose thread dies (its heap past the limit) as too large, and reads the next calendar with a fresh thread', async () => {
    const thread = new IcsParsingThread(undefined, { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 });
    try {
      expect(await failureOf(thread.parse([{ ics: appointments(20_000) }], options(), noDeadline()))).toEqual({ reason: 'too-large', detail: 'reading the calendar needs more memory than a read may take' });
      expect(await thread.parse([{ ics: appointments(3) }], options(), noDeadline())).toHaveLength(3);
    } finally {
      await thread.stop();
    }
  });

  it('fails what is still parsing when the process stops, and leaves no thread behind', async () => {
    const thread = new IcsParsingThread();
    const parsing = failureOf(thread.parse([{ ics: appointments(5000) }], options(), noDeadline()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await thread.stop();
    expect((await parsing)?.reason).toBe('timeout');
  });

  it('keeps the event loop turning while a 10,000-event calendar is read', async () => {
    // As the ICS source has it: the body's bytes.
    const feed = Buffer.from(appointments(10_000), 'utf8');
    let found: BusyOccurrence[] = [];
    // The thread started and warm, so what is measured is a sync's parse, not the thread's start.
    await parseBusyOccurrences(calendar(), options(), noDeadline());
    const stall = await longestStall(async () => {
      found = await parseBusyOccurrences(feed, options(), noDeadline());
    });
    expect(found).toHaveLength(10_000);
    expect(stall).toBeLessThan(100);
  });
});
