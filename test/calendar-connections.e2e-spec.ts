import { createHash } from 'node:crypto';
import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Consumer } from 'kafkajs';
import { claimStream } from '@kairos/bookings';
import { PgClient } from '@kairos/sql';
import { describeWith, eventually, testServers, uniqueName } from '@kairos/testing';
import { loadConfig } from '../apps/kairos/src/config/config';
import { newCalendar, radicaleUrl } from './support/caldav';
import { ConsumedMessage, TestApp, TestAppOptions, buildForRunnerThread, consumeTopics, startApp, twoInstances } from './harness';

/** The suite's "now": Friday 27 March 2026, 06:00 UTC when it starts; from there time runs as the machine's, so the sync timer runs as in production. */
const SUITE_START = Date.parse('2026-03-27T06:00:00Z');
const MAX_BYTES = 256 * 1024;

/**
 * A staff member's calendar in Berlin, the week after the clocks went forward (CEST, UTC+2):
 * the dentist on Monday 10:00–11:00; all of Wednesday off; a 14:00 stand-up every day Monday to
 * Friday but Thursday (EXDATE); a focus block on Tuesday marked free (TRANSP:TRANSPARENT).
 */
const event = (uid: string, lines: string[]) => ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260320T000000Z', ...lines, 'END:VEVENT'];
const calendar = (...events: string[][]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Kairos tests//EN', ...events.flat(), 'END:VCALENDAR', ''].join('\r\n');
const dentistAt = (start: string, end: string) => event('dentist@example.com', [`DTSTART;TZID=Europe/Berlin:${start}`, `DTEND;TZID=Europe/Berlin:${end}`, 'SUMMARY:Dentist']);
const DENTIST = dentistAt('20260330T100000', '20260330T110000');
const DAY_OFF = event('day-off@example.com', ['DTSTART;VALUE=DATE:20260401', 'DTEND;VALUE=DATE:20260402', 'SUMMARY:Day off']);
const STANDUP = event('standup@example.com', [
  'DTSTART;TZID=Europe/Berlin:20260330T140000',
  'DTEND;TZID=Europe/Berlin:20260330T150000',
  'RRULE:FREQ=DAILY;COUNT=5',
  'EXDATE;TZID=Europe/Berlin:20260402T140000',
  'SUMMARY:Stand-up',
]);
const FOCUS = event('focus@example.com', ['DTSTART;TZID=Europe/Berlin:20260331T100000', 'DTEND;TZID=Europe/Berlin:20260331T110000', 'TRANSP:TRANSPARENT', 'SUMMARY:Focus']);

type Mode = 'up' | 'down' | 'html' | 'huge';

/** A calendar feed over plain HTTP, with an ETag, that can go down, answer a web page or grow past the size cap. */
const feedServer = async () => {
  const feed = { body: calendar(DENTIST, DAY_OFF, STANDUP, FOCUS), mode: 'up' as Mode, reads: 0, delayMs: 0 };
  const server: Server = createServer(async (req, res) => {
    feed.reads++;
    await new Promise((resolve) => setTimeout(resolve, feed.delayMs));
    if (feed.mode === 'down') return req.socket.destroy();
    if (feed.mode === 'html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in to see this calendar</body></html>');
    if (feed.mode === 'huge') return res.writeHead(200, { 'content-type': 'text/calendar' }).end(`${'X-FILLER:'.padEnd(70, 'x')}\r\n`.repeat(MAX_BYTES / 64));
    const etag = `"${createHash('sha256').update(feed.body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end();
    res.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8', etag }).end(feed.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { feed, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ana.ics`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

const weekdays = { daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: '09:00', endTime: '17:00' };
const hour = (day: string, h: number) => `2026-${day}T${String(h).padStart(2, '0')}:00:00.000Z`;

// Calendars are parsed in a thread that runs the built app, and the PostgreSQL apps run their runners in one too.
buildForRunnerThread();

const calendarJourney = (options: () => TestAppOptions, kafka: boolean) => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof feedServer>>;
  let consumer: Consumer | undefined;
  const messages: ConsumedMessage[] = [];
  const offset = SUITE_START - Date.now();
  beforeAll(async () => {
    server = await feedServer();
    const calendars = { ...loadConfig({}).calendars, allowPrivateHosts: true, limits: { timeoutMs: 5_000, maxBytes: MAX_BYTES, maxOccurrences: 5_000 } };
    t = await startApp({ ...options(), clock: () => new Date(Date.now() + offset), config: { calendars } });
    if (kafka) consumer = await consumeTopics(options().kafkaBrokers!, ['kairos.calendars.v1'], (m) => void messages.push(m));
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await t?.close();
    await server?.close();
  });

  const as = (method: 'post' | 'patch' | 'get' | 'delete', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', t.tenant).send(body);
  const state: { staffId?: string; scheduleId?: string; serviceId?: string; connectionId?: string; bookings: number } = { bookings: 0 };
  const slotStarts = async (position?: string) => {
    const answer = await as('post', `/v1/availability/query${position ? `?minPosition=${position}` : ''}`, {
      serviceId: state.serviceId,
      from: '2026-03-30T00:00:00Z',
      to: '2026-04-04T00:00:00Z',
      includeUnbookable: true,
      limit: 500,
    }).expect(200);
    return new Set<string>(answer.body.items.map((slot: { start: string }) => slot.start));
  };
  const book = (start: string) => {
    state.bookings++;
    return as('post', '/v1/bookings', {
      serviceId: state.serviceId,
      slot: { start, end: new Date(Date.parse(start) + 3_600_000).toISOString() },
      contactId: `6f1c3c0e-1d7b-4c55-8a51-0c1e2d3f4a${String(10 + state.bookings)}`,
    });
  };
  const sync = async () => {
    const answer = await as('post', `/v1/calendar-connections/${state.connectionId}/sync`).expect(200);
    return { ...answer.body, position: answer.headers['kairos-position'] as string };
  };
  /** What the resource's claim stream of one UTC hour holds: the write-time guard bookings meet. */
  const claimsIn = async (bucket: string) => (await t.stores.eventStore.readStream(claimStream(t.tenant, state.staffId!, bucket))).map((e) => e.type);
  const connection = async (position?: string) => (await as('get', `/v1/calendar-connections/${state.connectionId}${position ? `?minPosition=${position}` : ''}`).expect(200)).body;

  it('offers the whole working week before any calendar is connected', async () => {
    const staff = (await as('post', '/v1/resources', { type: 'STAFF', name: 'Ana' }).expect(201)).body;
    await as('patch', `/v1/schedules/${staff.scheduleId}`, { timeZone: 'Europe/Berlin', workingHours: [weekdays] }).expect(200);
    const service = await as('post', '/v1/services', {
      name: 'Massage',
      type: 'APPOINTMENT',
      sessionDurations: [60],
      timeZone: 'Europe/Berlin',
      resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }],
    }).expect(201);
    Object.assign(state, { staffId: staff.id, scheduleId: staff.scheduleId, serviceId: service.body.id });
    const slots = await slotStarts(service.headers['kairos-position']);
    // 09:00–17:00 in Berlin is 07:00–15:00 UTC: eight one-hour slots a day, five days.
    expect(slots.size).toBe(40);
  });

  it('refuses a CUSTOMER every route, and hostile or unknown input with a problem naming the field', async () => {
    const customer = (method: 'get' | 'post', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', t.tenant).set('Kairos-Actor', 'CUSTOMER').send(body);
    expect((await customer('get', '/v1/calendar-connections').expect(403)).body.type).toBe('urn:kairos:problem:forbidden');
    await customer('post', '/v1/calendar-connections', { resourceId: state.staffId, name: 'x', source: 'ICS', url: server.url }).expect(403);
    await customer('post', '/v1/calendar-connections/2f1c3c0e-1d7b-4c55-8a51-0c1e2d3f4a99/sync').expect(403);

    const create = (body: object) => as('post', '/v1/calendar-connections', { resourceId: state.staffId, name: "Ana's calendar", source: 'ICS', url: server.url, ...body });
    for (const [body, field] of [
      [{ url: 'ftp://calendar.example.com/a.ics' }, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ url: 'https://ana:hunter2@calendar.example.com/a.ics' }, 'url'],
      [{ source: 'CALDAV', url: 'https://ana@dav.example.com/calendars/ana/' }, 'url'],
      [{ source: 'OUTLOOK' }, 'source'],
      [{ syncIntervalMinutes: 0 }, 'syncIntervalMinutes'],
      [{ syncIntervalMinutes: 1441 }, 'syncIntervalMinutes'],
      [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
      [{ ownerEmail: 'nobody' }, 'ownerEmail'],
    ] as const) {
      const refused = await create(body).expect(400);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    // A calendar app's subscription link is taken as it is; not for CalDAV.
    await create({ source: 'CALDAV', url: 'webcal://calendar.example.com/a.ics' }).expect(400);
    const subscribed = await create({ url: 'webcal://calendar.example.com/a.ics', syncIntervalMinutes: 1440 }).expect(201);
    expect(subscribed.body.url).toBe('webcal://calendar.example.com/a.ics');
    await as('delete', `/v1/calendar-connections/${subscribed.body.id}`).expect(200);
    const unknown = await create({ resourceId: '2f1c3c0e-1d7b-4c55-8a51-0c1e2d3f4a99' }).expect(404);
    expect(unknown.body).toMatchObject({ type: 'urn:kairos:problem:not-found', errors: [{ field: 'resourceId' }] });
    await as('get', '/v1/calendar-connections/2f1c3c0e-1d7b-4c55-8a51-0c1e2d3f4a99').expect(404);
    await as('post', '/v1/calendar-connections/2f1c3c0e-1d7b-4c55-8a51-0c1e2d3f4a99/sync').expect(404);
  });

  it('reads a new connection by itself within seconds, and availability no longer offers the busy time: the event, the whole local day off, the stand-ups but the one excluded', async () => {
    const created = await as('post', '/v1/calendar-connections', { resourceId: state.staffId, name: "Ana's calendar", source: 'ICS', url: server.url, secret: 'feed-password', ownerEmail: 'ana@example.com' }).expect(201);
    state.connectionId = created.body.id;
    expect(created.headers.location).toBe(`/v1/calendar-connections/${created.body.id}`);
    expect(created.body).toMatchObject({ resourceId: state.staffId, scheduleId: state.scheduleId, timeZone: 'Europe/Berlin', syncIntervalMinutes: 15, lastSync: null, blockCount: 0, deletedAt: null });
    expect(JSON.stringify(created.body)).not.toContain('feed-password');

    // No POST /sync: the per-connection timer finds the new connection due at once.
    await eventually(async () => expect(await connection()).toMatchObject({ lastSync: { status: 'OK', reason: null }, blockCount: 6 }), 15_000, 200);
    expect(server.feed.reads).toBeGreaterThan(0);
    const listed = (await as('get', `/v1/calendar-connections?resourceId=${state.staffId}`).expect(200)).body;
    expect(listed.items.map((c: { id: string }) => c.id)).toEqual([state.connectionId]);
    expect(JSON.stringify(listed)).not.toContain('feed-password');

    await eventually(async () => {
      const slots = await slotStarts();
      expect(slots.has(hour('03-30', 8))).toBe(false); // the dentist, 10:00–11:00 in Berlin
      expect(slots.has(hour('03-30', 7))).toBe(true);
      expect(slots.has(hour('03-30', 9))).toBe(true);
      expect([...slots].filter((s) => s.startsWith('2026-04-01'))).toEqual([]); // the day off, whole
      expect([hour('03-30', 12), hour('03-31', 12), hour('04-02', 12), hour('04-03', 12)].map((s) => slots.has(s))).toEqual([false, false, true, false]); // stand-ups, not on the EXDATE
      expect(slots.has(hour('03-31', 8))).toBe(true); // the focus block is marked free
      expect(slots.size).toBe(40 - 1 - 8 - 3);
    }, 10_000, 200);
  });

  it('refuses a booking over the busy time with slot-taken', async () => {
    const taken = await book(hour('03-30', 8)).expect(409);
    expect(taken.body.type).toBe('urn:kairos:problem:slot-taken');
  });

  it('appends nothing when the calendar is unchanged', async () => {
    const first = await sync();
    expect(first).toEqual({ connectionId: state.connectionId, outcome: 'UNCHANGED', added: 0, removed: 0, reason: null, detail: null, position: expect.any(String) });
    const before = await connection(first.position);
    const again = await sync();
    expect(again.position).toBe(first.position);
    expect(await connection(again.position)).toEqual(before);
  });

  it('frees and blocks what the calendar changed, and a booking over newly busy time loses before the read model shows it', async () => {
    server.feed.body = calendar(dentistAt('20260330T130000', '20260330T140000'), DAY_OFF, FOCUS);
    const changed = await sync();
    expect(changed).toMatchObject({ outcome: 'CHANGED', removed: 5, added: 1 }); // the dentist moved (given back, then taken anew), the stand-ups gone
    // Recorded in the same append as the sync: the new time is claimed, the old given back.
    expect(await claimsIn('2026-03-30T11')).toEqual(['resource-claim.claimed']);
    expect(await claimsIn('2026-03-30T08')).toEqual(['resource-claim.claimed', 'resource-claim.released']);
    // Asked at once, with no wait for the read model: the claims hold the new time.
    expect((await book(hour('03-30', 11)).expect(409)).body.type).toBe('urn:kairos:problem:slot-taken');
    const slots = await slotStarts(changed.position);
    expect(slots.has(hour('03-30', 8))).toBe(true);
    expect(slots.has(hour('03-30', 11))).toBe(false);
    expect([hour('03-30', 12), hour('03-31', 12), hour('04-03', 12)].every((s) => slots.has(s))).toBe(true);
    await book(hour('03-30', 8)).expect(201);
    expect(await connection(changed.position)).toMatchObject({ blockCount: 2, lastSync: { status: 'OK' } });
  });

  it('runs one sync per connection at a time: a second asked meanwhile waits for the first and answers its outcome', async () => {
    server.feed.body = calendar(dentistAt('20260330T130000', '20260330T140000'), DAY_OFF, FOCUS, event('haircut@example.com', ['DTSTART:20260403T080000Z', 'DTEND:20260403T090000Z']));
    server.feed.delayMs = 500;
    const reads = server.feed.reads;
    try {
      const [first, second] = await Promise.all([sync(), sync()]);
      expect(first).toEqual(second);
      expect(first).toMatchObject({ outcome: 'CHANGED', added: 1, removed: 0 });
      expect(server.feed.reads).toBe(reads + 1);
    } finally {
      server.feed.delayMs = 0;
    }
  });

  it('shows a feed that is down, not a calendar or too large as a failed sync with its reason, recorded once, keeping the busy time', async () => {
    const before = await connection((await sync()).position);
    for (const [mode, reason] of [
      ['down', 'unreachable'],
      ['html', 'not-a-calendar'],
      ['huge', 'too-large'],
    ] as const) {
      server.feed.mode = mode;
      const failed = await sync();
      expect(failed).toMatchObject({ connectionId: state.connectionId, outcome: 'FAILED', added: 0, removed: 0, reason, detail: expect.any(String) });
      const shown = await connection(failed.position);
      expect(shown).toMatchObject({ blockCount: before.blockCount, lastSync: { status: 'FAILED', reason, detail: failed.detail } });
      // The same failure again records nothing more.
      expect((await sync()).position).toBe(failed.position);
      const slots = await slotStarts(failed.position);
      expect(slots.has(hour('03-30', 11))).toBe(false);
      expect([...slots].filter((s) => s.startsWith('2026-04-01'))).toEqual([]);
    }
    server.feed.mode = 'up';
    const recovered = await sync();
    expect(recovered).toMatchObject({ outcome: 'UNCHANGED', reason: null });
    expect(await connection(recovered.position)).toMatchObject({ blockCount: before.blockCount, lastSync: { status: 'OK', reason: null, detail: null } });
  });

  it('reads another URL whole when the connection changes, and takes If-Match', async () => {
    const current = await connection();
    await as('patch', `/v1/calendar-connections/${state.connectionId}`, { syncIntervalMinutes: 30 }).set('If-Match', String(current.revision + 1)).expect(409);
    const changed = await as('patch', `/v1/calendar-connections/${state.connectionId}`, { syncIntervalMinutes: 30, secret: null }).set('If-Match', String(current.revision)).expect(200);
    expect(changed.body).toMatchObject({ revision: current.revision + 1, syncIntervalMinutes: 30 });
    await as('patch', `/v1/calendar-connections/${state.connectionId}`, { url: 'gopher://x' }).expect(400);
    expect((await as('patch', `/v1/calendar-connections/${state.connectionId}`, { url: 'https://ana:hunter2@calendar.example.com/a.ics' }).expect(400)).body.errors).toEqual([expect.objectContaining({ field: 'url' })]);
  });

  it('gives the busy time back, claims included, when the connection is deleted', async () => {
    const deleted = await as('delete', `/v1/calendar-connections/${state.connectionId}`).expect(200);
    expect(deleted.body).toMatchObject({ id: state.connectionId, deletedAt: expect.any(String), blockCount: 0 });
    expect(await claimsIn('2026-03-30T11')).toEqual(['resource-claim.claimed', 'resource-claim.released']);
    expect(await claimsIn('2026-04-01T10')).toEqual(['resource-claim.claimed', 'resource-claim.released']);
    const slots = await slotStarts(deleted.headers['kairos-position']);
    expect([...slots].filter((s) => s.startsWith('2026-04-01'))).toHaveLength(8);
    expect(slots.has(hour('03-30', 11))).toBe(true);
    // The claims were released in the same append: the freed hour can be booked.
    await book(hour('03-30', 11)).expect(201);
    await as('post', `/v1/calendar-connections/${state.connectionId}/sync`).expect(422);
    const listed = (await as('get', `/v1/calendar-connections?resourceId=${state.staffId}&minPosition=${deleted.headers['kairos-position']}`).expect(200)).body;
    expect(listed.items).toEqual([]);
  });

  if (kafka) {
    it('publishes the busy time to kairos.calendars.v1', async () => {
      await eventually(() => {
        const synced = messages.filter((m) => m.headers.kairos_tenant === t.tenant && m.headers.ce_type?.includes('external-busy.synced'));
        expect(synced.length).toBeGreaterThanOrEqual(3);
        expect(synced.every((m) => m.key === state.connectionId)).toBe(true);
      }, 20_000, 200);
    });
  }
};

describe('calendar connections (embedded default)', () => calendarJourney(() => ({ engine: 'pglite' }), false));

describeWith('PostgreSQL', testServers.postgresUrl(), 'calendar connections synced by two processes at once (PostgreSQL)', () => {
  const calendars = { ...loadConfig({}).calendars, allowPrivateHosts: true };
  const offset = SUITE_START - Date.now();
  const instances = twoInstances('calendars', { clock: () => new Date(Date.now() + offset), config: { calendars } });
  let server: Awaited<ReturnType<typeof feedServer>>;
  beforeAll(async () => (server = await feedServer()));
  afterAll(async () => server?.close());

  it('records each change once when two processes read the same calendar at the same time', async () => {
    const [a, b] = [instances.a(), instances.b()];
    const as = (t: TestApp, method: 'post' | 'get', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', a.tenant).send(body);
    const staff = (await as(a, 'post', '/v1/resources', { type: 'STAFF', name: 'Bo' }).expect(201)).body;
    // Read every day only, so the timer of the first process reads it once, at creation, and then leaves it to the test.
    const created = (await as(b, 'post', '/v1/calendar-connections', { resourceId: staff.id, name: "Bo's calendar", source: 'ICS', url: server.url, syncIntervalMinutes: 1440 }).expect(201)).body;
    await eventually(async () => expect((await as(a, 'get', `/v1/calendar-connections/${created.id}`).expect(200)).body).toMatchObject({ blockCount: 6 }), 15_000, 200);

    for (const body of [calendar(dentistAt('20260330T130000', '20260330T140000'), DAY_OFF, FOCUS), calendar(DENTIST, DAY_OFF, STANDUP, FOCUS)]) {
      server.feed.body = body;
      const answers = await Promise.all([a, b].map((t) => as(t, 'post', `/v1/calendar-connections/${created.id}/sync`).expect(200)));
      const changed = answers.map((answer) => answer.body).filter((outcome) => outcome.outcome === 'CHANGED');
      const total = changed.reduce((n, outcome) => ({ added: n.added + outcome.added, removed: n.removed + outcome.removed }), { added: 0, removed: 0 });
      expect(total).toEqual(body.includes('standup') ? { added: 5, removed: 1 } : { added: 1, removed: 5 });
      const position = answers.map((answer) => Number(answer.headers['kairos-position'])).sort((x, y) => y - x)[0];
      const shown = (await as(b, 'get', `/v1/calendar-connections/${created.id}?minPosition=${position}`).expect(200)).body;
      expect(shown.blockCount).toBe(body.includes('standup') ? 6 : 2);
    }
    // Each hour the stand-up held was claimed, given back and claimed again: once each, whoever recorded it.
    const claims = await a.stores.eventStore.readStream(claimStream(a.tenant, staff.id, '2026-03-31T12'));
    expect(claims.map((e) => e.type)).toEqual(['resource-claim.claimed', 'resource-claim.released', 'resource-claim.claimed']);
  });
});

describeWith('PostgreSQL', testServers.postgresUrl(), 'calendar connections (PostgreSQL)', () => {
  const brokers = testServers.kafkaBrokers()?.split(',');
  calendarJourney(() => ({ engine: 'postgres', postgresUrl: testServers.postgresUrl()!, kafkaBrokers: brokers }), brokers !== undefined);
});

describeWith('PostgreSQL', testServers.postgresUrl(), 'calendar connections due across a restart (PostgreSQL)', () => {
  const schema = uniqueName('calendars_restart');
  const calendars = { ...loadConfig({}).calendars, allowPrivateHosts: true };
  let server: Awaited<ReturnType<typeof feedServer>>;
  beforeAll(async () => (server = await feedServer()));
  afterAll(async () => {
    await server?.close();
    const cleanup = new PgClient({ url: testServers.postgresUrl()! });
    await cleanup.query(`drop schema if exists ${schema} cascade`);
    await cleanup.close();
  });

  it('reads a connection made while no timer ran, once a process with the timer starts', async () => {
    const offset = SUITE_START - Date.now();
    const options = { engine: 'postgres' as const, postgresUrl: testServers.postgresUrl()!, schema, clock: () => new Date(Date.now() + offset), config: { calendars } };
    // A process with the api role only: it records the connection, no timer reads it.
    const api = await startApp({ ...options, roles: 'api' });
    const as = (t: TestApp, method: 'post' | 'get', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', api.tenant).send(body);
    const staff = (await as(api, 'post', '/v1/resources', { type: 'STAFF', name: 'Dee' }).expect(201)).body;
    const created = (await as(api, 'post', '/v1/calendar-connections', { resourceId: staff.id, name: "Dee's calendar", source: 'ICS', url: server.url }).expect(201)).body;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(server.feed.reads).toBe(0);
    await api.close();

    const timer = await startApp(options);
    try {
      await eventually(async () => expect((await as(timer, 'get', `/v1/calendar-connections/${created.id}`).expect(200)).body).toMatchObject({ lastSync: { status: 'OK' }, blockCount: 6 }), 20_000, 200);
      expect(server.feed.reads).toBe(1);
    } finally {
      await timer.close();
    }
  });
});

describeWith('Radicale', radicaleUrl(), 'calendar connections to a CalDAV server (embedded default, Radicale)', () => {
  let t: TestApp;
  const offset = SUITE_START - Date.now();
  beforeAll(async () => {
    const calendars = { ...loadConfig({}).calendars, allowPrivateHosts: true };
    t = await startApp({ engine: 'pglite', clock: () => new Date(Date.now() + offset), config: { calendars } });
  });
  afterAll(async () => t?.close());
  const as = (method: 'post' | 'patch' | 'get', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', t.tenant).send(body);

  it('reads a CalDAV calendar by itself, then only what changed, with the password never answered', async () => {
    const calendarOnServer = await newCalendar();
    await calendarOnServer.put('dentist.ics', calendar(DENTIST));
    await calendarOnServer.put('standup.ics', calendar(STANDUP));
    const staff = (await as('post', '/v1/resources', { type: 'STAFF', name: 'Cleo' }).expect(201)).body;
    await as('patch', `/v1/schedules/${staff.scheduleId}`, { timeZone: 'Europe/Berlin', workingHours: [weekdays] }).expect(200);
    const created = await as('post', '/v1/calendar-connections', {
      resourceId: staff.id,
      name: "Cleo's calendar",
      source: 'CALDAV',
      url: calendarOnServer.url,
      username: calendarOnServer.user,
      secret: calendarOnServer.password,
    }).expect(201);
    expect(created.body).toMatchObject({ source: 'CALDAV', username: calendarOnServer.user, timeZone: 'Europe/Berlin' });
    expect(created.body).not.toHaveProperty('secret');
    const shown = async (position?: string) => (await as('get', `/v1/calendar-connections/${created.body.id}${position ? `?minPosition=${position}` : ''}`).expect(200)).body;
    await eventually(async () => expect(await shown()).toMatchObject({ lastSync: { status: 'OK' }, blockCount: 5 }), 15_000, 200);

    await calendarOnServer.remove('standup.ics');
    const changed = await as('post', `/v1/calendar-connections/${created.body.id}/sync`).expect(200);
    expect(changed.body).toMatchObject({ outcome: 'CHANGED', added: 0, removed: 4 });
    expect(await shown(changed.headers['kairos-position'])).toMatchObject({ blockCount: 1 });
    const unchanged = await as('post', `/v1/calendar-connections/${created.body.id}/sync`).expect(200);
    expect(unchanged.body).toMatchObject({ outcome: 'UNCHANGED' });
    expect(unchanged.headers['kairos-position']).toBe(changed.headers['kairos-position']);
  });
});
