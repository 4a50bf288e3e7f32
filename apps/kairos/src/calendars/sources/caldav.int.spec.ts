import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { BusyOccurrence, SyncWindow } from '@kairos/calendars';
import { describeWith, freePort } from '@kairos/testing';
import { TestCalendar, newCalendar, newAddressBook, radicaleUrl } from '../../../../../test/support/caldav';
import { CalDavSource } from './caldav';
import { ReadRequest, SourceAnswer, SourceConnection, SourceFailure, SourceLimits } from './source';

const window: SyncWindow = { from: new Date('2027-01-01T00:00:00Z'), to: new Date('2028-01-01T00:00:00Z') };
const limits: SourceLimits = { timeoutMs: 10_000, maxBytes: 5 * 1024 * 1024, maxOccurrences: 1000 };

const vcalendar = (...parts: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Kairos tests//EN', ...parts, 'END:VCALENDAR', ''].join('\r\n');

const event = (uid: string, start: string, end: string, extra: string[] = []) =>
  vcalendar('BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20270101T000000Z', `DTSTART:${start}`, `DTEND:${end}`, `SUMMARY:${uid}`, ...extra, 'END:VEVENT');

const berlin = (tzid: string) => [
  'BEGIN:VTIMEZONE',
  `TZID:${tzid}`,
  'BEGIN:STANDARD',
  'DTSTART:16011028T030000',
  'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'END:STANDARD',
  'BEGIN:DAYLIGHT',
  'DTSTART:16010325T020000',
  'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'END:DAYLIGHT',
  'END:VTIMEZONE',
];

const connectionOf = (calendar: Pick<TestCalendar, 'url' | 'user' | 'password'>, over: Partial<SourceConnection> = {}): SourceConnection => ({
  id: randomUUID(),
  source: 'CALDAV',
  url: calendar.url,
  username: calendar.user,
  secret: calendar.password,
  ownerEmail: null,
  timeZone: 'Europe/Paris',
  ...over,
});

const read = (connection: SourceConnection, cursor: string | null = null, options: { limits?: Partial<SourceLimits>; allowPrivateHosts?: boolean } = {}): Promise<SourceAnswer> =>
  new CalDavSource({ limits: { ...limits, ...options.limits }, allowPrivateHosts: options.allowPrivateHosts ?? true }).read({
    connection,
    window,
    cursor,
    incremental: cursor !== null,
    signal: new AbortController().signal,
  } satisfies ReadRequest);

const asRead = (answer: SourceAnswer) => {
  if (answer.kind !== 'read') throw new Error(`expected a read, got ${answer.kind}`);
  return answer;
};

const times = (occurrences: BusyOccurrence[]) =>
  occurrences.map((o) => ({ object: o.object, occurrence: o.occurrence, start: o.start.toISOString(), end: o.end.toISOString() })).sort((a, b) => a.start.localeCompare(b.start));

const failureOf = async (answer: Promise<unknown>): Promise<SourceFailure> => {
  const error = await answer.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SourceFailure)) throw new Error(`expected a SourceFailure, got ${String(error)}`);
  return error;
};

/** A real HTTP server that answers every request with the given handler, for what Radicale will not do (refuse a login, stall). */
const localServer = async (handler: Parameters<typeof createServer>[1]): Promise<{ url: string; close: () => Promise<void> }> => {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/calendars/work/`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
};

describeWith('Radicale', radicaleUrl(), 'CalDavSource against Radicale', () => {
  it('reads every event of the window with a calendar-query, keyed by href, the cursor being the sync token', async () => {
    const calendar = await newCalendar();
    await calendar.put('a.ics', event('a@test', '20270301T090000Z', '20270301T100000Z'));
    await calendar.put('b.ics', event('b@test', '20270302T090000Z', '20270302T093000Z'));
    await calendar.put('outside.ics', event('outside@test', '20290101T090000Z', '20290101T100000Z'));

    const answer = asRead(await read(connectionOf(calendar)));

    expect(answer.snapshot.kind).toBe('full');
    expect(times(answer.snapshot.occurrences)).toEqual([
      { object: calendar.href('a.ics'), occurrence: '', start: '2027-03-01T09:00:00.000Z', end: '2027-03-01T10:00:00.000Z' },
      { object: calendar.href('b.ics'), occurrence: '', start: '2027-03-02T09:00:00.000Z', end: '2027-03-02T09:30:00.000Z' },
    ]);
    expect(answer.cursor).toMatch(/^http:\/\/radicale\.org\/ns\/sync\//);
  });

  it('answers an incremental read with exactly what was added, changed and deleted since the sync token, then unchanged', async () => {
    const calendar = await newCalendar();
    await calendar.put('a.ics', event('a@test', '20270301T090000Z', '20270301T100000Z'));
    await calendar.put('b.ics', event('b@test', '20270302T090000Z', '20270302T100000Z'));
    await calendar.put('same.ics', event('same@test', '20270303T090000Z', '20270303T100000Z'));
    const first = asRead(await read(connectionOf(calendar)));

    await calendar.put('a.ics', event('a@test', '20270301T110000Z', '20270301T120000Z'));
    await calendar.remove('b.ics');
    await calendar.put('c.ics', event('c@test', '20270304T090000Z', '20270304T100000Z'));
    const delta = asRead(await read(connectionOf(calendar), first.cursor));

    expect(delta.snapshot).toEqual({
      kind: 'delta',
      changedObjects: expect.arrayContaining([calendar.href('a.ics'), calendar.href('c.ics')]),
      deletedObjects: [calendar.href('b.ics')],
      occurrences: expect.any(Array),
    });
    if (delta.snapshot.kind !== 'delta') throw new Error('not a delta');
    expect(delta.snapshot.changedObjects).toHaveLength(2);
    expect(times(delta.snapshot.occurrences)).toEqual([
      { object: calendar.href('a.ics'), occurrence: '', start: '2027-03-01T11:00:00.000Z', end: '2027-03-01T12:00:00.000Z' },
      { object: calendar.href('c.ics'), occurrence: '', start: '2027-03-04T09:00:00.000Z', end: '2027-03-04T10:00:00.000Z' },
    ]);
    expect(delta.cursor).not.toEqual(first.cursor);

    expect(await read(connectionOf(calendar), delta.cursor)).toEqual({ kind: 'unchanged' });
  });

  it('reads the whole window again when the server no longer knows the sync token', async () => {
    const calendar = await newCalendar();
    await calendar.put('a.ics', event('a@test', '20270301T090000Z', '20270301T100000Z'));

    const answer = asRead(await read(connectionOf(calendar), 'http://radicale.org/ns/sync/0000000000000000000000000000000000000000000000000000000000000000'));

    expect(answer.snapshot.kind).toBe('full');
    expect(answer.snapshot.occurrences.map((o) => o.object)).toEqual([calendar.href('a.ics')]);
    expect(answer.cursor).toMatch(/^http:\/\/radicale\.org\/ns\/sync\//);
  });

  it('answers unchanged for a ctag cursor the collection still has, and reads the whole window for one it has not', async () => {
    const calendar = await newCalendar();
    await calendar.put('a.ics', event('a@test', '20270301T090000Z', '20270301T100000Z'));
    const propfind = await fetch(calendar.url, {
      method: 'PROPFIND',
      headers: { depth: '0', authorization: `Basic ${Buffer.from(`${calendar.user}:${calendar.password}`).toString('base64')}` },
      body: '<propfind xmlns="DAV:" xmlns:cs="http://calendarserver.org/ns/"><prop><cs:getctag/></prop></propfind>',
    });
    const ctag = /getctag>([^<]+)</.exec(await propfind.text())![1];

    expect(await read(connectionOf(calendar), `ctag:${ctag}`)).toEqual({ kind: 'unchanged' });
    const moved = asRead(await read(connectionOf(calendar), 'ctag:"an older one"'));
    expect(moved.snapshot.kind).toBe('full');
    expect(moved.snapshot.occurrences).toHaveLength(1);
  });

  it('expands a recurring event stored as one object with its EXDATE and overridden instance, across a DST change', async () => {
    const calendar = await newCalendar();
    await calendar.put(
      'weekly.ics',
      vcalendar(
        ...berlin('Europe/Berlin'),
        'BEGIN:VEVENT',
        'UID:weekly@test',
        'DTSTAMP:20270101T000000Z',
        'DTSTART;TZID=Europe/Berlin:20270301T090000',
        'DTEND;TZID=Europe/Berlin:20270301T100000',
        'RRULE:FREQ=WEEKLY;COUNT=5',
        'EXDATE;TZID=Europe/Berlin:20270308T090000',
        'SUMMARY:Weekly',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:weekly@test',
        'DTSTAMP:20270101T000000Z',
        'RECURRENCE-ID;TZID=Europe/Berlin:20270315T090000',
        'DTSTART;TZID=Europe/Berlin:20270315T140000',
        'DTEND;TZID=Europe/Berlin:20270315T150000',
        'SUMMARY:Weekly (moved)',
        'END:VEVENT',
      ),
    );

    const answer = asRead(await read(connectionOf(calendar)));

    const href = calendar.href('weekly.ics');
    expect(times(answer.snapshot.occurrences)).toEqual([
      { object: href, occurrence: '2027-03-01T08:00:00.000Z', start: '2027-03-01T08:00:00.000Z', end: '2027-03-01T09:00:00.000Z' },
      { object: href, occurrence: '2027-03-15T08:00:00.000Z', start: '2027-03-15T13:00:00.000Z', end: '2027-03-15T14:00:00.000Z' },
      { object: href, occurrence: '2027-03-22T08:00:00.000Z', start: '2027-03-22T08:00:00.000Z', end: '2027-03-22T09:00:00.000Z' },
      // Summer time from 28 March: 09:00 in Berlin is 07:00 UTC.
      { object: href, occurrence: '2027-03-29T07:00:00.000Z', start: '2027-03-29T07:00:00.000Z', end: '2027-03-29T08:00:00.000Z' },
    ]);
  });

  it("blocks an all-day event's whole day in the connection's zone", async () => {
    const calendar = await newCalendar();
    await calendar.put('holiday.ics', vcalendar('BEGIN:VEVENT', 'UID:holiday@test', 'DTSTAMP:20270101T000000Z', 'DTSTART;VALUE=DATE:20270401', 'DTEND;VALUE=DATE:20270402', 'SUMMARY:Holiday', 'END:VEVENT'));

    const answer = asRead(await read(connectionOf(calendar, { timeZone: 'Europe/Paris' })));

    expect(times(answer.snapshot.occurrences)).toEqual([{ object: calendar.href('holiday.ics'), occurrence: '', start: '2027-03-31T22:00:00.000Z', end: '2027-04-01T22:00:00.000Z' }]);
  });

  it('reads an event in a Windows time zone name as Outlook writes it', async () => {
    const calendar = await newCalendar();
    await calendar.put(
      'outlook.ics',
      vcalendar(
        ...berlin('W. Europe Standard Time'),
        'BEGIN:VEVENT',
        'UID:outlook@test',
        'DTSTAMP:20270101T000000Z',
        'DTSTART;TZID=W. Europe Standard Time:20270701T090000',
        'DTEND;TZID=W. Europe Standard Time:20270701T103000',
        'SUMMARY:Outlook meeting',
        'END:VEVENT',
      ),
    );

    const answer = asRead(await read(connectionOf(calendar)));

    expect(times(answer.snapshot.occurrences)).toEqual([{ object: calendar.href('outlook.ics'), occurrence: '', start: '2027-07-01T07:00:00.000Z', end: '2027-07-01T08:30:00.000Z' }]);
  });

  it("finds the user's calendar from the server root", async () => {
    const user = `u${randomUUID().slice(0, 8)}`;
    const calendar = await newCalendar(radicaleUrl(), user);
    await calendar.put('a.ics', event('a@test', '20270301T090000Z', '20270301T100000Z'));

    const answer = asRead(await read(connectionOf({ ...calendar, url: radicaleUrl()! })));

    expect(answer.snapshot.occurrences.map((o) => o.object)).toEqual([calendar.href('a.ics')]);
    expect(answer.cursor).toMatch(/^http:\/\/radicale\.org\/ns\/sync\//);
  });

  it('fails with not-found for a collection that does not exist', async () => {
    const calendar = await newCalendar();
    const failure = await failureOf(read(connectionOf({ ...calendar, url: new URL(`../${randomUUID()}/`, calendar.url).href })));
    expect(failure.reason).toBe('not-found');
  });

  it('fails with not-a-calendar for a collection that is no calendar (an address book), rather than reading another calendar of the user', async () => {
    const calendar = await newCalendar();
    await calendar.put('a.ics', event('a@test', '20270301T090000Z', '20270301T100000Z'));
    const addressBook = await newAddressBook(radicaleUrl(), calendar.user);
    const failure = await failureOf(read(connectionOf({ ...calendar, url: addressBook })));
    expect(failure.reason).toBe('not-a-calendar');
  });

  it('fails with unreachable for a closed port', async () => {
    const port = await freePort();
    const failure = await failureOf(read(connectionOf({ url: `http://127.0.0.1:${port}/kairos/work/`, user: 'kairos', password: 'x' })));
    expect(failure.reason).toBe('unreachable');
  });

  it('fails with too-large past maxBytes or maxOccurrences', async () => {
    const calendar = await newCalendar();
    await calendar.put('big.ics', event('big@test', '20270301T090000Z', '20270301T100000Z', [`DESCRIPTION:${'x'.repeat(70)}`, ...Array.from({ length: 100 }, () => ` ${'y'.repeat(70)}`)]));
    await calendar.put('daily.ics', event('daily@test', '20270301T090000Z', '20270301T100000Z', ['RRULE:FREQ=DAILY;COUNT=20']));

    expect((await failureOf(read(connectionOf(calendar), null, { limits: { maxBytes: 4000 } }))).reason).toBe('too-large');
    expect((await failureOf(read(connectionOf(calendar), null, { limits: { maxOccurrences: 10 } }))).reason).toBe('too-large');
  });

  it('refuses a private address unless private hosts are allowed', async () => {
    const calendar = await newCalendar();
    expect((await failureOf(read(connectionOf(calendar), null, { allowPrivateHosts: false }))).reason).toBe('refused');
  });
});

describe('CalDavSource against servers that refuse or stall', () => {
  it('fails with unauthorized when the server refuses the login', async () => {
    const server = await localServer((_request, response) => {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="calendars"' }).end();
    });
    try {
      const failure = await failureOf(read(connectionOf({ url: server.url, user: 'kairos', password: 'wrong' })));
      expect(failure.reason).toBe('unauthorized');
    } finally {
      await server.close();
    }
  });

  it('fails with timeout when the server does not answer within timeoutMs', async () => {
    const server = await localServer(() => undefined);
    try {
      const started = Date.now();
      const failure = await failureOf(read(connectionOf({ url: server.url, user: 'kairos', password: 'x' }), null, { limits: { timeoutMs: 300 } }));
      expect(failure.reason).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await server.close();
    }
  });
});
