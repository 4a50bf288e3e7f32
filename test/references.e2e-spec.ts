import { TestApp, startApp } from './harness';

const NOW = new Date('2026-03-28T00:00:00Z');
const UNKNOWN = '5b1f2d3c-4e5a-4b6c-8d7e-9f0a1b2c3d4e';
const CONTACT = '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a11';

/** api.md §1: an unknown id in a body is 404 naming the field, and a booking is never given a resource it did not ask for. */
describe('ids named in a body (embedded default)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp({ engine: 'pglite', clock: () => NOW })));
  afterAll(async () => t?.close());

  const as = (method: 'post' | 'patch' | 'get', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', t.tenant).send(body);
  const weekdays = { daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: '09:00', endTime: '17:00' };
  const notFound = (res: { body: { type: string; errors: unknown } }, field: string) => {
    expect(res.body.type).toBe('urn:kairos:problem:not-found');
    expect(res.body.errors).toEqual([{ field, reason: expect.stringMatching(/^no such /) }]);
  };

  const staffMember = async (name: string) => {
    const staff = (await as('post', '/v1/resources', { type: 'STAFF', name }).expect(201)).body;
    await as('patch', `/v1/schedules/${staff.scheduleId}`, { timeZone: 'Europe/London', workingHours: [weekdays] }).expect(200);
    return staff;
  };
  const appointments = async () => {
    const [ana, bo, outsider] = [await staffMember('Ana'), await staffMember('Bo'), await staffMember('Outsider')];
    const service = (
      await as('post', '/v1/services', {
        name: 'Cut',
        type: 'APPOINTMENT',
        sessionDurations: [60],
        timeZone: 'Europe/London',
        resourceGroups: [{ resourceIds: [ana.id, bo.id], requiredCount: 1, selectable: true }],
      }).expect(201)
    ).body;
    return { ana, bo, outsider, service };
  };
  const bookingsOf = async (serviceId: string, position: string) =>
    (await as('get', `/v1/bookings?serviceId=${serviceId}&minPosition=${position}`).expect(200)).body.items as { id: string; slot: { resourceIds: string[] } }[];

  describe('an availability query', () => {
    const monday = { from: '2026-03-30T00:00:00Z', to: '2026-03-31T00:00:00Z' };

    it('answers an unknown resource or location with 404, a resource the service does not use with 400', async () => {
      const { service, ana, outsider } = await appointments();
      notFound(await as('post', '/v1/availability/query', { serviceId: service.id, ...monday, resourceIds: [ana.id, UNKNOWN] }).expect(404), 'resourceIds[1]');
      notFound(await as('post', '/v1/availability/query', { serviceId: service.id, ...monday, locationId: UNKNOWN }).expect(404), 'locationId');
      const foreign = await as('post', '/v1/availability/query', { serviceId: service.id, ...monday, resourceIds: [outsider.id] }).expect(400);
      expect(foreign.body.errors).toEqual([{ field: 'resourceIds[0]', reason: 'not a resource of the service' }]);
      const own = await as('post', '/v1/availability/query', { serviceId: service.id, ...monday, resourceIds: [ana.id] }).expect(200);
      expect(own.body.items.length).toBeGreaterThan(0);
      expect(own.body.items.every((slot: { resources: { resourceIds: string[] }[] }) => slot.resources[0].resourceIds.join() === ana.id)).toBe(true);
    });
  });

  describe('a booking by slot', () => {
    const monday = { start: '2026-03-30T09:00:00Z', end: '2026-03-30T10:00:00Z' };

    it('refuses an unknown resource with 404 instead of giving it someone else', async () => {
      const { service } = await appointments();
      const res = await as('post', '/v1/bookings', { serviceId: service.id, slot: { ...monday, resourceIds: [UNKNOWN] }, contactId: CONTACT }).expect(404);
      notFound(res, 'slot.resourceIds[0]');
      const head = (await as('post', '/v1/resources', { type: 'ROOM', name: 'probe' }).expect(201)).headers['kairos-position'];
      expect(await bookingsOf(service.id, head)).toEqual([]);
    });

    it('refuses a resource the service does not use with 400', async () => {
      const { service, outsider } = await appointments();
      const res = await as('post', '/v1/bookings', { serviceId: service.id, slot: { ...monday, resourceIds: [outsider.id] }, contactId: CONTACT }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'slot.resourceIds[0]', reason: 'not a resource of the service' }]);
    });

    it('answers 409 slot-taken when the resource asked for is busy, though another is free', async () => {
      const { service, ana, bo } = await appointments();
      const first = await as('post', '/v1/bookings', { serviceId: service.id, slot: { ...monday, resourceIds: [ana.id] }, contactId: CONTACT }).expect(201);
      expect(first.body.slot.resourceIds).toEqual([ana.id]);
      const taken = await as('post', '/v1/bookings', { serviceId: service.id, slot: { ...monday, resourceIds: [ana.id] }, contactId: CONTACT }).expect(409);
      expect(taken.body.type).toBe('urn:kairos:problem:slot-taken');
      const other = await as('post', '/v1/bookings', { serviceId: service.id, slot: monday, contactId: CONTACT }).expect(201);
      expect(other.body.slot.resourceIds).toEqual([bo.id]);
    });

    it('refuses an unknown location, hold or course schedule with 404', async () => {
      const { service } = await appointments();
      notFound(await as('post', '/v1/bookings', { serviceId: service.id, slot: { ...monday, locationId: UNKNOWN }, contactId: CONTACT }).expect(404), 'slot.locationId');
      notFound(await as('post', '/v1/bookings', { serviceId: service.id, slot: monday, holdId: UNKNOWN, contactId: CONTACT }).expect(404), 'holdId');
      const course = (await as('post', '/v1/services', { name: 'Pottery', type: 'COURSE' }).expect(201)).body;
      notFound(await as('post', '/v1/bookings', { serviceId: course.id, scheduleId: UNKNOWN, contactId: CONTACT }).expect(404), 'scheduleId');
    });

    it('holds and reschedules under the same rules', async () => {
      const { service, outsider } = await appointments();
      notFound(await as('post', '/v1/slot-holds', { serviceId: service.id, slot: { ...monday, resourceIds: [UNKNOWN] }, contactId: CONTACT }).expect(404), 'slot.resourceIds[0]');
      const booked = (await as('post', '/v1/bookings', { serviceId: service.id, slot: monday, contactId: CONTACT }).expect(201)).body;
      const later = { start: '2026-03-30T11:00:00Z', end: '2026-03-30T12:00:00Z' };
      notFound(await as('post', `/v1/bookings/${booked.id}/reschedule`, { slot: { ...later, resourceIds: [UNKNOWN] } }).expect(404), 'slot.resourceIds[0]');
      await as('post', `/v1/bookings/${booked.id}/reschedule`, { slot: { ...later, resourceIds: [outsider.id] } }).expect(400);
      const moved = await as('post', `/v1/bookings/${booked.id}/reschedule`, { slot: later }).expect(200);
      expect(moved.body.slot.resourceIds).toEqual(booked.slot.resourceIds);
    });
  });

  describe('schedules and sessions', () => {
    it('refuses an unknown location on a schedule', async () => {
      const staff = await staffMember('Cy');
      notFound(await as('patch', `/v1/schedules/${staff.scheduleId}`, { locationId: UNKNOWN }).expect(404), 'locationId');
      const known = (await as('post', '/v1/locations', { name: 'Main', timeZone: 'Europe/London' }).expect(201)).body;
      expect((await as('patch', `/v1/schedules/${staff.scheduleId}`, { locationId: known.id }).expect(200)).body.locationId).toBe(known.id);
    });

    it('refuses unknown locations, resources and schedules on a session, created or changed', async () => {
      const staff = await staffMember('Di');
      const base = { type: 'EVENT', start: '2026-03-31T09:00:00Z', end: '2026-03-31T10:00:00Z' };
      notFound(await as('post', `/v1/schedules/${staff.scheduleId}/sessions`, { ...base, locationId: UNKNOWN }).expect(404), 'locationId');
      const single = (await as('post', `/v1/schedules/${staff.scheduleId}/sessions`, base).expect(201)).body;
      notFound(await as('patch', `/v1/sessions/${single.id}`, { locationId: UNKNOWN }).expect(404), 'locationId');
      notFound(await as('patch', `/v1/sessions/${single.id}`, { resourceIds: [UNKNOWN] }).expect(404), 'resourceIds[0]');
      notFound(await as('patch', `/v1/sessions/${single.id}`, { affectedSchedules: [{ scheduleId: UNKNOWN }] }).expect(404), 'affectedSchedules[0].scheduleId');

      const created = await as('post', `/v1/schedules/${staff.scheduleId}/sessions`, { ...base, start: '2026-04-01T09:00:00Z', end: '2026-04-01T10:00:00Z', recurrence: 'FREQ=WEEKLY;COUNT=3' }).expect(201);
      const series = created.body;
      const listed = await as('get', `/v1/sessions?scheduleId=${staff.scheduleId}&from=2026-04-07T00:00:00Z&to=2026-04-09T00:00:00Z&minPosition=${created.headers['kairos-position']}`).expect(200);
      const instance = (listed.body.items as { id: string; recurringSessionId: string }[]).find((i) => i.recurringSessionId === series.id);
      notFound(await as('patch', `/v1/sessions/${instance!.id}`, { locationId: UNKNOWN }).expect(404), 'locationId');
      notFound(await as('patch', `/v1/sessions/${series.id}`, { resourceIds: [UNKNOWN] }).expect(404), 'resourceIds[0]');
    });
  });
});
