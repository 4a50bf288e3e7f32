import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { freePort } from '@kairos/testing';
import { IcsUrlSource } from './ics-url';
import { ReadRequest, SourceAnswer, SourceConnection, SourceFailure, SourceLimits } from './source';

const google = readFileSync(`${__dirname}/fixtures/google-calendar.ics`, 'utf8');

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A local calendar server whose answer each test sets; it records what it was asked. */
const calendarServer = async () => {
  const seen: IncomingMessage[] = [];
  let handler: Handler = (_req, res) => res.writeHead(500).end();
  const server: Server = createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    answer: (next: Handler) => void (handler = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

const limits: SourceLimits = { timeoutMs: 2000, maxBytes: 1024 * 1024, maxOccurrences: 10_000 };
const year2027 = { from: new Date('2027-01-01T00:00:00Z'), to: new Date('2028-01-01T00:00:00Z') };

const connection = (url: string, extra: Partial<SourceConnection> = {}): SourceConnection => ({
  id: 'c1',
  source: 'ICS',
  url,
  username: null,
  secret: null,
  ownerEmail: 'dr.weber@example.com',
  timeZone: 'Europe/Berlin',
  ...extra,
});

const request = (url: string, extra: Partial<ReadRequest> = {}, connectionExtra: Partial<SourceConnection> = {}): ReadRequest => ({
  connection: connection(url, connectionExtra),
  window: year2027,
  cursor: null,
  incremental: false,
  signal: new AbortController().signal,
  ...extra,
});

const failureOf = async (answer: Promise<SourceAnswer>) => {
  try {
    await answer;
  } catch (error) {
    if (error instanceof SourceFailure) return { reason: error.reason, detail: error.message };
    throw error;
  }
  return { reason: 'none', detail: '' };
};

describe('IcsUrlSource', () => {
  let server: Awaited<ReturnType<typeof calendarServer>>;
  const source = new IcsUrlSource({ limits, allowPrivateHosts: true });

  beforeEach(async () => {
    server = await calendarServer();
  });
  afterEach(() => server.close());

  it('reads a feed whole, with basic auth when the connection has credentials, and keeps its ETag as cursor', async () => {
    server.answer((_req, res) => res.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8', etag: '"v1"' }).end(google));
    const answer = await source.read(request(`${server.url}/cal/weber.ics`, {}, { username: 'weber', secret: 's3cret' }));
    if (answer.kind !== 'read') throw new Error('expected a read');
    expect(answer.cursor).toBe('"v1"');
    expect(answer.snapshot.kind).toBe('full');
    expect(answer.snapshot.occurrences).toHaveLength(16 + 2 + 1 + 261);
    expect(server.seen[0].url).toBe('/cal/weber.ics');
    expect(server.seen[0].headers.authorization).toBe(`Basic ${Buffer.from('weber:s3cret').toString('base64')}`);
    expect(server.seen[0].headers['if-none-match']).toBeUndefined();
  });

  it('asks with If-None-Match when incremental and answers unchanged on 304; reads whole when not incremental', async () => {
    server.answer((req, res) => (req.headers['if-none-match'] === '"v1"' ? res.writeHead(304, { etag: '"v1"' }).end() : res.writeHead(200, { etag: '"v1"' }).end(google)));
    expect(await source.read(request(`${server.url}/cal.ics`, { cursor: '"v1"', incremental: true }))).toEqual({ kind: 'unchanged' });
    expect(server.seen[0].headers['if-none-match']).toBe('"v1"');
    const whole = await source.read(request(`${server.url}/cal.ics`, { cursor: '"v1"', incremental: false }));
    expect(whole.kind).toBe('read');
    expect(server.seen[1].headers['if-none-match']).toBeUndefined();
  });

  it('keys a feed without ETag by a digest of its body: the same body is unchanged, another is read', async () => {
    let body = google;
    server.answer((_req, res) => res.writeHead(200, { 'content-type': 'text/calendar' }).end(body));
    const first = await source.read(request(`${server.url}/cal.ics`));
    if (first.kind !== 'read') throw new Error('expected a read');
    expect(first.cursor).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await source.read(request(`${server.url}/cal.ics`, { cursor: first.cursor, incremental: true }))).toEqual({ kind: 'unchanged' });
    expect(server.seen[1].headers['if-none-match']).toBeUndefined();
    body = google.replace('SUMMARY:Case review', 'SUMMARY:Case review (room 2)');
    const changed = await source.read(request(`${server.url}/cal.ics`, { cursor: first.cursor, incremental: true }));
    expect(changed.kind === 'read' && changed.cursor).not.toBe(first.cursor);
  });

  it('answers unchanged when a server ignores If-None-Match but sends the same ETag', async () => {
    server.answer((_req, res) => res.writeHead(200, { etag: 'W/"v7"' }).end(google));
    expect(await source.read(request(`${server.url}/cal.ics`, { cursor: 'W/"v7"', incremental: true }))).toEqual({ kind: 'unchanged' });
    expect(server.seen[0].headers['if-none-match']).toBe('W/"v7"');
  });

  it('shows a feed cut off in the middle of its body as unreachable, never as a shorter calendar', async () => {
    const cut = google.slice(0, google.indexOf('END:VEVENT') + 12);
    server.answer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/calendar', 'content-length': String(Buffer.byteLength(google)) });
      res.write(cut, () => res.destroy());
    });
    expect((await failureOf(source.read(request(`${server.url}/cal.ics`)))).reason).toBe('unreachable');
    server.answer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/calendar' });
      res.write(cut, () => res.destroy());
    });
    expect((await failureOf(source.read(request(`${server.url}/cal.ics`)))).reason).toBe('unreachable');
  });

  it('reads a calendar served as text/plain or octet-stream', async () => {
    server.answer((_req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(google));
    expect((await source.read(request(`${server.url}/cal.ics`))).kind).toBe('read');
  });

  it('shows a closed port as unreachable', async () => {
    expect((await failureOf(source.read(request(`http://127.0.0.1:${await freePort()}/cal.ics`)))).reason).toBe('unreachable');
  });

  it('gives up on a server slower than the timeout, before answering and in the middle of the body', async () => {
    const quick = new IcsUrlSource({ limits: { ...limits, timeoutMs: 300 }, allowPrivateHosts: true });
    server.answer((_req, res) => void setTimeout(() => res.writeHead(200).end(google), 3000).unref());
    let started = Date.now();
    expect((await failureOf(quick.read(request(`${server.url}/cal.ics`)))).reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2000);
    server.answer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/calendar' });
      res.write(google.slice(0, 100));
    });
    started = Date.now();
    expect((await failureOf(quick.read(request(`${server.url}/cal.ics`)))).reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers timeout when the caller cancels the read', async () => {
    server.answer(() => undefined);
    const controller = new AbortController();
    const reading = source.read(request(`${server.url}/cal.ics`, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    expect(await failureOf(reading)).toEqual({ reason: 'timeout', detail: 'the read was cancelled' });
  });

  it('cuts an endless feed at maxBytes without reading on, and refuses a declared length past it at once', async () => {
    const small = new IcsUrlSource({ limits: { ...limits, maxBytes: 64 * 1024 }, allowPrivateHosts: true });
    let written = 0;
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    server.answer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/calendar' });
      const line = Buffer.from('BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20270101T000000Z\r\nEND:VEVENT\r\n'.repeat(100));
      const pump = () => {
        while (!res.destroyed && res.write(line)) written += line.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', closed);
      res.write('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n');
      pump();
    });
    expect((await failureOf(small.read(request(`${server.url}/huge.ics`)))).reason).toBe('too-large');
    await serverSawClose;
    // What the server managed to write before the connection closed: socket buffers, not the endless feed.
    expect(written).toBeLessThan(8 * 1024 * 1024);

    server.answer((_req, res) => res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) }).write('BEGIN:VCALENDAR\r\n'));
    expect(await failureOf(small.read(request(`${server.url}/declared.ics`)))).toEqual({ reason: 'too-large', detail: `the calendar is ${10 * 1024 * 1024} bytes, more than the ${64 * 1024} a read takes` });
  });

  it('shows an HTML page as not a calendar', async () => {
    server.answer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html><head><title>Sign in - Google Accounts</title></head><body></body></html>'));
    expect((await failureOf(source.read(request(`${server.url}/cal.ics`)))).reason).toBe('not-a-calendar');
  });

  it.each([
    [401, 'unauthorized'],
    [403, 'unauthorized'],
    [404, 'not-found'],
    [410, 'not-found'],
    [500, 'refused'],
    [429, 'refused'],
  ])('shows %i as %s', async (status, reason) => {
    server.answer((_req, res) => res.writeHead(status, { 'content-type': 'text/plain' }).end('no'));
    expect((await failureOf(source.read(request(`${server.url}/cal.ics`)))).reason).toBe(reason);
  });

  it('follows a few redirects, refuses a loop, and does not carry credentials to another origin', async () => {
    const other = await calendarServer();
    try {
      other.answer((_req, res) => res.writeHead(200, { etag: '"moved"' }).end(google));
      server.answer((req, res) => {
        if (req.url === '/old.ics') return res.writeHead(301, { location: '/older.ics' }).end();
        if (req.url === '/older.ics') return res.writeHead(302, { location: `${other.url}/new.ics` }).end();
        return res.writeHead(307, { location: req.url }).end();
      });
      const moved = await source.read(request(`${server.url}/old.ics`, {}, { username: 'weber', secret: 's3cret' }));
      expect(moved.kind === 'read' && moved.cursor).toBe('"moved"');
      expect(server.seen.map((req) => [req.url, Boolean(req.headers.authorization)])).toEqual([
        ['/old.ics', true],
        ['/older.ics', true],
      ]);
      expect(other.seen.map((req) => [req.url, req.headers.authorization])).toEqual([['/new.ics', undefined]]);

      expect(await failureOf(source.read(request(`${server.url}/loop.ics`)))).toEqual({ reason: 'refused', detail: 'the calendar server redirected more than 5 times' });
      expect(server.seen.filter((req) => req.url === '/loop.ics')).toHaveLength(6);
    } finally {
      await other.close();
    }
  });

  it('refuses a private address unless private hosts are allowed, before asking it anything', async () => {
    const guarded = new IcsUrlSource({ limits, allowPrivateHosts: false });
    expect((await failureOf(guarded.read(request(`${server.url}/cal.ics`)))).reason).toBe('refused');
    expect(server.seen).toHaveLength(0);
  });
});
