import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { GoogleCalendarSource } from './google';
import { ReadRequest, SourceAnswer, SourceConnection, SourceFailure, SourceLimits } from './source';

/*
 * Google's answers recorded in fixtures/google, shaped as Google documents them: the freeBusy answer
 * (kind, timeMin, timeMax, calendars.{id}.busy[{start,end}] and calendars.{id}.errors[{domain,reason}])
 * from https://developers.google.com/workspace/calendar/api/v3/reference/freebusy/query, the error
 * bodies ({error: {errors: [{domain, reason, message}], code, message}}) from
 * https://developers.google.com/workspace/calendar/api/guides/errors. No Google account is reached:
 * a local server plays Google's part and checks every request it gets.
 */
const recorded = (name: string) => readFileSync(`${__dirname}/fixtures/google/${name}`, 'utf8');

const CALENDAR = 'dr.weber@example.com';
const TOKEN = 'ya29.a0AfB_byC-recorded-test-token';

interface FreeBusyQuery {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: { timeMin: string; timeMax: string; items: { id: string }[] };
}

/** A local stand-in of https://www.googleapis.com/calendar/v3/freeBusy serving recorded answers by the queried timeMin. */
const googleStandIn = async () => {
  const queries: FreeBusyQuery[] = [];
  let next: { status: number; body: string; delayMs?: number } | null = null;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const query: FreeBusyQuery = { method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, contentType: req.headers['content-type'], body: JSON.parse(raw || '{}') };
      queries.push(query);
      const answer = (status: number, body: string, delayMs = 0) => void setTimeout(() => res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(body), delayMs).unref();
      if (query.method !== 'POST' || query.path !== '/calendar/v3/freeBusy') return answer(404, recorded('error-404-not-found.json'));
      if (query.authorization !== `Bearer ${TOKEN}`) return answer(401, recorded('error-401-auth.json'));
      if (next) return answer(next.status, next.body, next.delayMs);
      const file = `freebusy-${query.body.timeMin.slice(0, 10)}.json`;
      try {
        return answer(200, recorded(file));
      } catch {
        return answer(200, JSON.stringify({ kind: 'calendar#freeBusy', timeMin: query.body.timeMin, timeMax: query.body.timeMax, calendars: { [query.body.items[0].id]: { busy: [] } } }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    queries,
    answerWith: (status: number, body: string, delayMs?: number) => void (next = { status, body, delayMs }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

const limits: SourceLimits = { timeoutMs: 2000, maxBytes: 1024 * 1024, maxOccurrences: 10_000 };

const connection = (extra: Partial<SourceConnection> = {}): SourceConnection => ({
  id: 'g1',
  source: 'GOOGLE',
  url: CALENDAR,
  username: null,
  secret: TOKEN,
  ownerEmail: CALENDAR,
  timeZone: 'Europe/Berlin',
  ...extra,
});

const request = (window: { from: string; to: string }, extra: Partial<SourceConnection> = {}): ReadRequest => ({
  connection: connection(extra),
  window: { from: new Date(window.from), to: new Date(window.to) },
  cursor: null,
  incremental: true,
  signal: new AbortController().signal,
});

const fourMonths = { from: '2027-01-01T00:00:00Z', to: '2027-05-01T00:00:00Z' };

const failureOf = async (answer: Promise<SourceAnswer>) => {
  try {
    await answer;
  } catch (error) {
    if (error instanceof SourceFailure) return error.reason;
    throw error;
  }
  return 'none';
};

describe('GoogleCalendarSource', () => {
  let google: Awaited<ReturnType<typeof googleStandIn>>;
  let source: GoogleCalendarSource;

  beforeEach(async () => {
    google = await googleStandIn();
    source = new GoogleCalendarSource({ limits, allowPrivateHosts: true, googleApiUrl: google.url });
  });
  afterEach(() => google.close());

  it('reads a window in queries of at most 60 days, as Google asks them, and joins a busy range cut where two queries meet', async () => {
    const answer = await source.read(request(fourMonths));
    expect(google.queries).toEqual([
      { method: 'POST', path: '/calendar/v3/freeBusy', authorization: `Bearer ${TOKEN}`, contentType: 'application/json', body: { timeMin: '2027-01-01T00:00:00.000Z', timeMax: '2027-03-02T00:00:00.000Z', items: [{ id: CALENDAR }] } },
      { method: 'POST', path: '/calendar/v3/freeBusy', authorization: `Bearer ${TOKEN}`, contentType: 'application/json', body: { timeMin: '2027-03-02T00:00:00.000Z', timeMax: '2027-05-01T00:00:00.000Z', items: [{ id: CALENDAR }] } },
    ]);
    if (answer.kind !== 'read') throw new Error('expected a read');
    expect(answer.cursor).toBeNull();
    expect(answer.snapshot.kind).toBe('full');
    expect(answer.snapshot.occurrences.map((o) => [o.object, o.occurrence, o.start.toISOString(), o.end.toISOString()])).toEqual(
      [
        ['2027-01-04T08:00:00.000Z', '2027-01-04T09:30:00.000Z'],
        ['2027-01-04T13:00:00.000Z', '2027-01-04T14:00:00.000Z'],
        ['2027-02-15T23:00:00.000Z', '2027-02-17T23:00:00.000Z'],
        ['2027-03-01T22:00:00.000Z', '2027-03-02T02:00:00.000Z'],
        ['2027-03-29T07:30:00.000Z', '2027-03-29T08:00:00.000Z'],
        ['2027-04-30T22:00:00.000Z', '2027-05-01T00:00:00.000Z'],
      ].map(([start, end]) => [`${start}/${end}`, '', start, end]),
    );
  });

  it('asks the same queries while the window moves within a day, and splits a year into seven', async () => {
    await source.read(request({ from: '2027-01-01T13:45:00Z', to: '2027-05-01T13:45:00Z' }));
    expect(google.queries.map((q) => q.body.timeMin)).toEqual(['2027-01-01T00:00:00.000Z', '2027-03-02T00:00:00.000Z', '2027-05-01T00:00:00.000Z']);
    google.queries.length = 0;
    await source.read(request({ from: '2027-01-01T00:00:00Z', to: '2028-01-01T00:00:00Z' }));
    expect(google.queries).toHaveLength(7);
    for (const query of google.queries) expect(Date.parse(query.body.timeMax) - Date.parse(query.body.timeMin)).toBeLessThanOrEqual(60 * 24 * 60 * 60 * 1000);
    expect(google.queries.at(-1)?.body.timeMax).toBe('2028-01-01T00:00:00.000Z');
  });

  it('takes the one calendar of the answer when Google spells its id otherwise', async () => {
    const answer = await source.read(request(fourMonths, { url: 'Dr.Weber@Example.com' }));
    expect(google.queries[0].body.items).toEqual([{ id: 'Dr.Weber@Example.com' }]);
    expect(answer.kind === 'read' && answer.snapshot.occurrences).toHaveLength(6);
  });

  it('shows a calendar Google answers notFound for as not found', async () => {
    google.answerWith(200, recorded('freebusy-calendar-not-found.json'));
    expect(await failureOf(source.read(request(fourMonths)))).toBe('not-found');
  });

  it.each([
    ['error-401-auth.json', 401, 'unauthorized'],
    ['error-403-insufficient-permissions.json', 403, 'unauthorized'],
    ['error-403-user-rate-limit.json', 403, 'refused'],
    ['error-404-not-found.json', 404, 'not-found'],
    ['error-429-rate-limit.json', 429, 'refused'],
    ['error-500-backend.json', 500, 'refused'],
  ])('shows %s (%i) as %s', async (file, status, reason) => {
    google.answerWith(status, recorded(file));
    expect(await failureOf(source.read(request(fourMonths)))).toBe(reason);
  });

  it('shows an expired token as unauthorized, and asks nothing without one', async () => {
    expect(await failureOf(source.read(request(fourMonths, { secret: 'expired' })))).toBe('unauthorized');
    google.queries.length = 0;
    expect(await failureOf(source.read(request(fourMonths, { secret: null })))).toBe('unauthorized');
    expect(google.queries).toHaveLength(0);
  });

  it('stops past maxOccurrences busy ranges', async () => {
    const few = new GoogleCalendarSource({ limits: { ...limits, maxOccurrences: 3 }, allowPrivateHosts: true, googleApiUrl: google.url });
    expect(await failureOf(few.read(request(fourMonths)))).toBe('too-large');
  });

  it('gives up when Google is slower than the timeout, and shows an answer that is not freeBusy as not a calendar', async () => {
    const quick = new GoogleCalendarSource({ limits: { ...limits, timeoutMs: 300 }, allowPrivateHosts: true, googleApiUrl: google.url });
    google.answerWith(200, recorded('freebusy-2027-01-01.json'), 3000);
    expect(await failureOf(quick.read(request(fourMonths)))).toBe('timeout');
    google.answerWith(200, '<!DOCTYPE html><html><body>Error 502 (Server Error)</body></html>');
    expect(await failureOf(source.read(request(fourMonths)))).toBe('not-a-calendar');
  });

  it('refuses a private API address unless private hosts are allowed', async () => {
    const guarded = new GoogleCalendarSource({ limits, allowPrivateHosts: false, googleApiUrl: google.url });
    expect(await failureOf(guarded.read(request(fourMonths)))).toBe('refused');
    expect(google.queries).toHaveLength(0);
  });
});
