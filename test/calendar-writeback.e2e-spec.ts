import { createServer } from 'node:net';
import { AddressInfo } from 'node:net';
import ICAL from 'ical.js';
import { CALENDAR_ENTRY_WRITES, entryStream } from '@kairos/calendars';
import { SYSTEM_TENANT } from '@kairos/core';
import { describeWith, eventually, testServers } from '@kairos/testing';
import { loadConfig } from '../apps/kairos/src/config/config';
import { TestCalendar, newCalendar, radicaleUrl } from './support/caldav';
import { CalendarEntryWriter } from '../apps/kairos/src/calendars/connections/entry-writer';
import { TestApp, TestAppOptions, buildForRunnerThread, startApp, twoInstances } from './harness';

/** The suite's "now": Friday 27 March 2026, 06:00 UTC when it starts; from there time runs as the machine's, so the writer's timer runs as in production. */
const SUITE_START = Date.parse('2026-03-27T06:00:00Z');
const weekdays = { daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: '09:00', endTime: '17:00' };

/** Each entry of the calendar as a calendar client reads it. */
const entriesOf = async (calendar: TestCalendar) =>
  (await calendar.objects()).map(({ href, ics }) => {
    const vevent = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!;
    const event = new ICAL.Event(vevent);
    return { href, uid: event.uid, start: event.startDate.toJSDate().toISOString(), end: event.endDate.toJSDate().toISOString(), sequence: event.sequence, summary: event.summary };
  });

/** A port nothing listens on: a calendar server that is down. */
const closedPort = async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};

// Calendars are parsed in a thread that runs the built app.
buildForRunnerThread();

const writeBackJourney = (options: () => TestAppOptions) => {
  let t: TestApp;
  const offset = SUITE_START - Date.now();
  beforeAll(async () => {
    const calendars = { ...loadConfig({}).calendars, allowPrivateHosts: true, limits: { ...loadConfig({}).calendars.limits, timeoutMs: 5_000 } };
    t = await startApp({ ...options(), clock: () => new Date(Date.now() + offset), config: { calendars } });
  });
  afterAll(async () => t?.close());
  const as = (method: 'post' | 'patch' | 'get', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', t.tenant).send(body);

  /** A staff member working weekdays in Berlin, and a one-hour massage only they give. */
  const staffWithService = async (name: string) => {
    const staff = (await as('post', '/v1/resources', { type: 'STAFF', name }).expect(201)).body;
    await as('patch', `/v1/schedules/${staff.scheduleId}`, { timeZone: 'Europe/Berlin', workingHours: [weekdays] }).expect(200);
    const created = await as('post', '/v1/services', { name: 'Massage', type: 'APPOINTMENT', sessionDurations: [60], timeZone: 'Europe/Berlin', resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }] }).expect(201);
    // A booking checks its slot against the read models: it must not come before they show the staff member's hours.
    await slotStarts(created.body.id, created.headers['kairos-position']);
    return { staffId: staff.id as string, serviceId: created.body.id as string };
  };
  const connect = (staffId: string, url: string, calendar: TestCalendar) =>
    as('post', '/v1/calendar-connections', { resourceId: staffId, name: 'Work', source: 'CALDAV', url, username: calendar.user, secret: calendar.password, writeBack: true });
  const book = (serviceId: string, start: string) =>
    as('post', '/v1/bookings', { serviceId, slot: { start, end: new Date(Date.parse(start) + 3_600_000).toISOString() }, contactId: '6f1c3c0e-1d7b-4c55-8a51-0c1e2d3f4a99' }).expect(201);
  const slotStarts = async (serviceId: string, position: string) => {
    const answer = await as('post', `/v1/availability/query?minPosition=${position}`, { serviceId, from: '2026-03-30T00:00:00Z', to: '2026-04-01T00:00:00Z', limit: 500 }).expect(200);
    return new Set<string>(answer.body.items.map((slot: { start: string }) => slot.start));
  };

  it('refuses write-back on a calendar that is not CalDAV, naming writeBack', async () => {
    const { staffId } = await staffWithService('Dora');
    const refused = await as('post', '/v1/calendar-connections', { resourceId: staffId, name: 'Feed', source: 'ICS', url: 'https://calendar.example.com/dora.ics', writeBack: true }).expect(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'writeBack' })]);
  });

  it('writes a confirmed booking into the calendar, moves it with the booking (SEQUENCE grows) and removes it on cancel, never reading it back as busy time', async () => {
    const { staffId, serviceId } = await staffWithService('Ana');
    const calendar = await newCalendar();
    const connection = (await connect(staffId, calendar.url, calendar).expect(201)).body;
    expect(connection).toMatchObject({ source: 'CALDAV', writeBack: true });

    const booking = (await book(serviceId, '2026-03-30T08:00:00.000Z')).body;
    expect(booking.status).toBe('CONFIRMED');
    await eventually(async () => expect(await entriesOf(calendar)).toEqual([{ href: calendar.href(`${booking.id}.ics`), uid: `${booking.id}@kairos`, start: '2026-03-30T08:00:00.000Z', end: '2026-03-30T09:00:00.000Z', sequence: 0, summary: 'Massage' }]), 15_000, 100);

    // The calendar's own sync leaves the entry out: the booking holds that hour already.
    const synced = await as('post', `/v1/calendar-connections/${connection.id}/sync`).expect(200);
    expect(synced.body).toMatchObject({ outcome: 'UNCHANGED', added: 0 });
    expect((await as('get', `/v1/calendar-connections/${connection.id}?minPosition=${synced.headers['kairos-position']}`).expect(200)).body).toMatchObject({ blockCount: 0, lastSync: { status: 'OK' } });

    const moved = await as('post', `/v1/bookings/${booking.id}/reschedule`, { slot: { start: '2026-03-31T08:00:00.000Z', end: '2026-03-31T09:00:00.000Z' } }).expect(200);
    await eventually(async () => expect(await entriesOf(calendar)).toEqual([expect.objectContaining({ uid: `${booking.id}@kairos`, start: '2026-03-31T08:00:00.000Z', end: '2026-03-31T09:00:00.000Z', sequence: 1 })]), 15_000, 100);
    const afterMove = await slotStarts(serviceId, moved.headers['kairos-position']);
    expect(afterMove.has('2026-03-30T08:00:00.000Z')).toBe(true);
    expect(afterMove.has('2026-03-31T08:00:00.000Z')).toBe(false);

    await as('post', `/v1/bookings/${booking.id}/cancel`, {}).expect(200);
    await eventually(async () => expect(await entriesOf(calendar)).toEqual([]), 15_000, 100);
    const resynced = await as('post', `/v1/calendar-connections/${connection.id}/sync`).expect(200);
    expect(resynced.body).toMatchObject({ removed: 0 });
    expect((await slotStarts(serviceId, resynced.headers['kairos-position'])).has('2026-03-31T08:00:00.000Z')).toBe(true);
  });

  it('puts an entry changed by hand in the calendar back as the booking is', async () => {
    const { staffId, serviceId } = await staffWithService('Eli');
    const calendar = await newCalendar();
    await connect(staffId, calendar.url, calendar).expect(201);
    const booking = (await book(serviceId, '2026-03-30T10:00:00.000Z')).body;
    await eventually(async () => expect(await entriesOf(calendar)).toHaveLength(1), 15_000, 100);
    const [{ ics }] = await calendar.objects();
    await calendar.put(`${booking.id}.ics`, ics.replace(/SUMMARY:[^\r\n]*/, 'SUMMARY:Moved by hand'));

    await as('post', `/v1/bookings/${booking.id}/reschedule`, { slot: { start: '2026-03-30T12:00:00.000Z', end: '2026-03-30T13:00:00.000Z' } }).expect(200);
    await eventually(async () => expect(await entriesOf(calendar)).toEqual([expect.objectContaining({ start: '2026-03-30T12:00:00.000Z', sequence: 1, summary: 'Massage' })]), 15_000, 100);
  });

  it('writes a booking made while the calendar server was down once it can be reached', async () => {
    const { staffId, serviceId } = await staffWithService('Bo');
    const calendar = await newCalendar();
    const down = `http://127.0.0.1:${await closedPort()}/kairos/calendar/`;
    const connection = (await connect(staffId, down, calendar).expect(201)).body;
    const booking = (await book(serviceId, '2026-03-30T09:00:00.000Z')).body;
    const entryEvents = async () => (await t.stores.eventStore.readStream(entryStream(t.tenant, connection.id, booking.id))).map((e) => e.type);
    await eventually(async () => expect(await entryEvents()).toContain('calendar-entry.write-failed'), 15_000, 100);

    await as('patch', `/v1/calendar-connections/${connection.id}`, { url: calendar.url }).expect(200);
    await eventually(async () => expect(await entriesOf(calendar)).toEqual([expect.objectContaining({ uid: `${booking.id}@kairos`, start: '2026-03-30T09:00:00.000Z', sequence: 0 })]), 40_000, 200);
    // The entry is recorded as written after the calendar server took it, so the calendar may show it first.
    await eventually(async () => expect((await entryEvents()).at(-1)).toBe('calendar-entry.written'), 15_000, 100);
  });
};

const twoProcesses = () => {
  const calendars = { ...loadConfig({}).calendars, allowPrivateHosts: true };
  const offset = SUITE_START - Date.now();
  const instances = twoInstances('writeback', { clock: () => new Date(Date.now() + offset), config: { calendars } });

  it('records each write once when two processes write the same entry', async () => {
    const [a, b] = [instances.a(), instances.b()];
    const as = (t: TestApp, method: 'post' | 'patch' | 'get', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', a.tenant).send(body);
    const staff = (await as(a, 'post', '/v1/resources', { type: 'STAFF', name: 'Fay' }).expect(201)).body;
    await as(a, 'patch', `/v1/schedules/${staff.scheduleId}`, { timeZone: 'Europe/Berlin', workingHours: [weekdays] }).expect(200);
    const created = await as(a, 'post', '/v1/services', { name: 'Massage', type: 'APPOINTMENT', sessionDurations: [60], timeZone: 'Europe/Berlin', resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }] }).expect(201);
    const service = created.body;
    // The booking below goes to the second process: it must not come before the read models show the staff member's hours.
    await as(b, 'post', `/v1/availability/query?minPosition=${created.headers['kairos-position']}`, { serviceId: service.id, from: '2026-03-30T00:00:00Z', to: '2026-03-31T00:00:00Z', limit: 1 }).expect(200);
    const calendar = await newCalendar();
    const connection = (await as(b, 'post', '/v1/calendar-connections', { resourceId: staff.id, name: 'Work', source: 'CALDAV', url: calendar.url, username: calendar.user, secret: calendar.password, writeBack: true }).expect(201)).body;
    const booking = (await as(b, 'post', '/v1/bookings', { serviceId: service.id, slot: { start: '2026-03-30T08:00:00.000Z', end: '2026-03-30T09:00:00.000Z' }, contactId: '6f1c3c0e-1d7b-4c55-8a51-0c1e2d3f4a98' }).expect(201)).body;

    // Once the write is due in the shared store, both processes look at once and both make it. The
    // first runs every role, so its own timer may have started the write a moment earlier (its look
    // then starts nothing); the second has the api role and no timer, so its look must start it.
    const dueWrites = async () => (await b.stores.readStore.find(CALENDAR_ENTRY_WRITES, SYSTEM_TENANT, { limit: 10 })).items;
    await eventually(async () => expect(await dueWrites()).toHaveLength(1), 15_000, 50);
    const started = await Promise.all([a, b].map((t) => t.app.get(CalendarEntryWriter).sweep()));
    expect(started[1]).toBe(1);
    const written = async () => (await a.stores.eventStore.readStream(entryStream(a.tenant, connection.id, booking.id))).filter((e) => e.type === 'calendar-entry.written');
    await eventually(async () => expect(await written()).not.toHaveLength(0), 15_000, 100);
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    expect(await written()).toHaveLength(1);
    expect(await entriesOf(calendar)).toEqual([expect.objectContaining({ uid: `${booking.id}@kairos`, start: '2026-03-30T08:00:00.000Z', sequence: 0 })]);
  });
};

describeWith('Radicale', radicaleUrl(), 'bookings written back to a CalDAV calendar (Radicale)', () => {
  describe('on the embedded default', () => writeBackJourney(() => ({ engine: 'pglite' })));
  describeWith('PostgreSQL', testServers.postgresUrl(), 'on PostgreSQL', () => writeBackJourney(() => ({ engine: 'postgres', postgresUrl: testServers.postgresUrl()! })));
  describeWith('PostgreSQL', testServers.postgresUrl(), 'by two processes at once (PostgreSQL)', twoProcesses);
});
