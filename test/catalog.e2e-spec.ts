import { TestApp, startApp } from './harness';

describe('booking policies, resources, locations over HTTP (embedded default)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp({ engine: 'pglite' })));
  afterAll(async () => t?.close());

  const as = (method: 'post' | 'patch' | 'delete' | 'get', path: string, body?: object) =>
    t.http[method](path).set('Kairos-Tenant', t.tenant).send(body);

  describe('booking policies', () => {
    it('creates with the contract defaults and validates book-after-start', async () => {
      const { body } = await as('post', '/v1/booking-policies', { name: 'Standard' }).expect(201);
      expect(body).toMatchObject({
        name: 'Standard',
        earliestBookingMinutes: 10080,
        latestBookingMinutes: 1440,
        latestCancelMinutes: 1440,
        latestRescheduleMinutes: 1440,
        bookAfterStart: false,
        waitlist: { capacity: 10, reservationMinutes: 10 },
        maxParticipantsPerBooking: 1,
        autoAssignResources: false,
        isDefault: false,
        revision: 1,
      });
      const bad = await as('post', '/v1/booking-policies', { name: 'x', bookAfterStart: true }).expect(400);
      expect(bad.body.errors).toEqual([{ field: 'bookAfterStart', reason: 'needs latestBookingMinutes: null' }]);
    });

    it('moves the default and refuses to delete it', async () => {
      const a = (await as('post', '/v1/booking-policies', { name: 'A', isDefault: true }).expect(201)).body;
      const b = (await as('post', '/v1/booking-policies', { name: 'B' }).expect(201)).body;
      await as('delete', `/v1/booking-policies/${a.id}`).expect(422);
      const set = await as('post', `/v1/booking-policies/${b.id}/set-default`).expect(200);
      expect(set.body).toMatchObject({ id: b.id, isDefault: true, revision: 2 });
      const position = set.headers['kairos-position'];
      expect((await as('get', `/v1/booking-policies/${a.id}?minPosition=${position}`).expect(200)).body.isDefault).toBe(false);
      expect((await as('get', `/v1/booking-policies/${b.id}?minPosition=${position}`).expect(200)).body.isDefault).toBe(true);
      await as('delete', `/v1/booking-policies/${a.id}`).expect(200);
      await as('delete', `/v1/booking-policies/${b.id}`).expect(422);
    });

    it('combines policies into the strictest', async () => {
      const a = (await as('post', '/v1/booking-policies', { name: 'A', latestCancelMinutes: 60, maxParticipantsPerBooking: 4 }).expect(201)).body;
      const b = (await as('post', '/v1/booking-policies', { name: 'B', latestCancelMinutes: 2880, waitlist: null }).expect(201)).body;
      const res = await as('post', '/v1/booking-policies/strictest', { policyIds: [a.id, b.id] }).expect(200);
      expect(res.body).toMatchObject({ latestCancelMinutes: 2880, maxParticipantsPerBooking: 1, waitlist: null });
      const unknown = await as('post', '/v1/booking-policies/strictest', { policyIds: [a.id, '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a11'] }).expect(404);
      expect(unknown.body.errors).toEqual([{ field: 'policyIds[1]', reason: 'no such booking policy' }]);
    });
  });

  describe('resources', () => {
    it('creates staff with its schedule linked FREE to the business schedule', async () => {
      const res = await as('post', '/v1/resources', { type: 'STAFF', name: 'Ana', email: 'ana@example.com', phone: '+351912345678', tags: ['senior'], usesBusinessHours: true }).expect(201);
      const position = res.headers['kairos-position'];
      const schedule = await as('get', `/v1/schedules/${res.body.scheduleId}?minPosition=${position}`).expect(200);
      const business = await as('get', '/v1/schedules/business').expect(200);
      expect(business.body).toMatchObject({ ownerType: 'BUSINESS', status: 'ACTIVE' });
      expect(schedule.body).toMatchObject({ ownerType: 'RESOURCE', ownerId: res.body.id, linkedSchedules: [{ scheduleId: business.body.id, transparency: 'FREE' }] });
      expect((await as('get', '/v1/resources?tag=senior').expect(200)).body.items.map((r: { id: string }) => r.id)).toEqual([res.body.id]);
    });

    it('validates contact details', async () => {
      const res = await as('post', '/v1/resources', { type: 'STAFF', name: 'X', email: 'not-an-email', phone: '912' }).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'phone']);
    });

    it('links a service schedule BUSY to the resources of its groups, and follows group changes', async () => {
      const staff = (await as('post', '/v1/resources', { type: 'STAFF', name: 'Bo' }).expect(201)).body;
      const room = (await as('post', '/v1/resources', { type: 'ROOM', name: 'Room 1' }).expect(201)).body;
      const service = await as('post', '/v1/services', {
        name: 'Massage',
        type: 'APPOINTMENT',
        sessionDurations: [60],
        resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }],
      }).expect(201);
      const updated = await as('patch', `/v1/services/${service.body.id}`, {
        resourceGroups: [
          { resourceIds: [staff.id], requiredCount: 1, selectable: true },
          { resourceIds: [room.id], requiredCount: 1, selectable: false },
        ],
      }).expect(200);
      const schedule = await as('get', `/v1/schedules/${service.body.scheduleId}?minPosition=${updated.headers['kairos-position']}`).expect(200);
      expect(schedule.body.linkedSchedules).toEqual([
        { scheduleId: staff.scheduleId, transparency: 'BUSY' },
        { scheduleId: room.scheduleId, transparency: 'BUSY' },
      ]);
      expect(schedule.body.revision).toBe(2);
      const byResource = await as('get', `/v1/services?resourceId=${room.id}&minPosition=${updated.headers['kairos-position']}`).expect(200);
      expect(byResource.body.items.map((s: { id: string }) => s.id)).toEqual([service.body.id]);
    });

    it('deletes softly: GET still answers, lists hide it, updates are refused', async () => {
      const r = (await as('post', '/v1/resources', { type: 'EQUIPMENT', name: 'Laser' }).expect(201)).body;
      const del = await as('delete', `/v1/resources/${r.id}`).expect(200);
      expect(del.body.deletedAt).not.toBeNull();
      const got = await as('get', `/v1/resources/${r.id}?minPosition=${del.headers['kairos-position']}`).expect(200);
      expect(got.body.deletedAt).toBe(del.body.deletedAt);
      expect((await as('get', '/v1/resources?type=EQUIPMENT').expect(200)).body.items).toEqual([]);
      await as('patch', `/v1/resources/${r.id}`, { name: 'Laser 2' }).expect(422);
    });
  });

  describe('locations', () => {
    it('creates, moves the default, archives', async () => {
      const a = (await as('post', '/v1/locations', { name: 'Downtown', timeZone: 'Europe/Lisbon', isDefault: true, address: { city: 'Lisbon', country: 'PT' } }).expect(201)).body;
      expect(a).toMatchObject({ type: 'BUSINESS', archived: false, isDefault: true, address: { city: 'Lisbon', country: 'PT', street: null } });
      const b = await as('post', '/v1/locations', { name: 'Uptown', timeZone: 'Europe/Lisbon', isDefault: true }).expect(201);
      const after = b.headers['kairos-position'];
      expect((await as('get', `/v1/locations/${a.id}?minPosition=${after}`).expect(200)).body.isDefault).toBe(false);
      const archived = await as('post', `/v1/locations/${b.body.id}/archive`).expect(200);
      expect(archived.body).toMatchObject({ archived: true, isDefault: false });
      const list = await as('get', `/v1/locations?archived=false&minPosition=${archived.headers['kairos-position']}`).expect(200);
      expect(list.body.items.map((l: { id: string }) => l.id)).toEqual([a.id]);
    });

    it('refuses a time zone that is not IANA, or an abbreviation; takes UTC', async () => {
      for (const timeZone of ['GMT+1', 'EST', 'CET']) {
        const res = await as('post', '/v1/locations', { name: 'X', timeZone }).expect(400);
        expect(res.body.errors[0].field).toBe('timeZone');
      }
      await as('post', '/v1/locations', { name: 'HQ', timeZone: 'UTC' }).expect(201);
      await as('post', '/v1/locations', { name: 'HQ2', timeZone: 'Etc/UTC' }).expect(201);
    });

    it('refuses an archived location on a service', async () => {
      const l = (await as('post', '/v1/locations', { name: 'Old', timeZone: 'UTC/Unknown' }).expect(400));
      expect(l.body.errors[0].field).toBe('timeZone');
      const loc = (await as('post', '/v1/locations', { name: 'Old', timeZone: 'America/New_York' }).expect(201)).body;
      await as('post', `/v1/locations/${loc.id}/archive`).expect(200);
      const res = await as('post', '/v1/services', { name: 'S', type: 'CLASS', locations: [{ id: loc.id, type: 'BUSINESS' }] }).expect(404);
      expect(res.body.errors).toEqual([{ field: 'locations[0].id', reason: 'no such location' }]);
    });
  });
});
