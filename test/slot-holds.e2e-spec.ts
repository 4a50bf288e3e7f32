import { eventually } from '@kairos/testing';
import { TestApp, startApp } from './harness';

describe('slot holds (embedded default)', () => {
  let t: TestApp;
  let now = new Date('2026-03-28T00:00:00Z');
  beforeAll(async () => (t = await startApp({ engine: 'pglite', clock: () => now })));
  afterAll(async () => t?.close());

  const as = (method: 'post' | 'patch' | 'get' | 'delete', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', t.tenant).send(body);
  const slot = { start: '2026-03-30T09:00:00Z', end: '2026-03-30T10:00:00Z' };
  const ann = '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a01';
  const bob = '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a02';

  const service = async () => {
    const staff = (await as('post', '/v1/resources', { type: 'STAFF', name: 'S' }).expect(201)).body;
    await as('patch', `/v1/schedules/${staff.scheduleId}`, { timeZone: 'Europe/London', workingHours: [{ daysOfWeek: ['MON'], startTime: '09:00', endTime: '17:00' }] }).expect(200);
    return (await as('post', '/v1/services', { name: 'Cut', type: 'APPOINTMENT', sessionDurations: [60], resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }] }).expect(201)).body;
  };

  it('keeps a held slot from others until the holder books it', async () => {
    const svc = await service();
    const hold = await as('post', '/v1/slot-holds', { serviceId: svc.id, slot, contactId: ann }).expect(201);
    expect(hold.body).toMatchObject({ status: 'ACTIVE', expiresAt: '2026-03-28T00:10:00.000Z' });
    const taken = await as('post', '/v1/bookings', { serviceId: svc.id, slot, contactId: bob }).expect(409);
    expect(taken.body.type).toBe('urn:kairos:problem:slot-taken');
    const slots = await as('post', '/v1/availability/query', { serviceId: svc.id, from: '2026-03-30T00:00:00Z', to: '2026-03-31T00:00:00Z', minPosition: Number(hold.headers['kairos-position']) }).expect(200);
    expect(slots.body.items.map((s: { start: string }) => s.start)).not.toContain('2026-03-30T09:00:00.000Z');
    await as('post', '/v1/bookings', { serviceId: svc.id, slot, contactId: bob, holdId: hold.body.id }).expect(403);
    const booked = await as('post', '/v1/bookings', { serviceId: svc.id, slot, contactId: ann, holdId: hold.body.id }).expect(201);
    expect(booked.body).toMatchObject({ status: 'CONFIRMED', slot: { start: '2026-03-30T09:00:00.000Z' } });
    const after = await as('get', `/v1/slot-holds/${hold.body.id}?minPosition=${booked.headers['kairos-position']}`).expect(200);
    expect(after.body).toMatchObject({ status: 'BOOKED', bookingId: booked.body.id });
    await as('post', '/v1/bookings', { serviceId: svc.id, slot, contactId: bob }).expect(409);
  });

  it('holds the slot availability answered, its serviceId inside it', async () => {
    const svc = await service();
    const hold = await as('post', '/v1/slot-holds', { slot: { ...slot, serviceId: svc.id }, contactId: ann }).expect(201);
    expect(hold.body).toMatchObject({ serviceId: svc.id, status: 'ACTIVE' });
    await as('post', '/v1/bookings', { slot: { ...slot, serviceId: svc.id }, contactId: ann, holdId: hold.body.id }).expect(201);
  });

  it('refuses a slot whose serviceId disagrees with the one beside it', async () => {
    const svc = await service();
    const disagree = await as('post', '/v1/slot-holds', { serviceId: ann, slot: { ...slot, serviceId: svc.id }, contactId: ann }).expect(400);
    expect(disagree.body.errors).toEqual([{ field: 'slot.serviceId', reason: 'differs from serviceId' }]);
  });

  it('holds a class seat by its session alone', async () => {
    const yoga = (await as('post', '/v1/services', { name: 'Yoga', type: 'CLASS', defaultCapacity: 1 }).expect(201)).body;
    const session = (await as('post', `/v1/schedules/${yoga.scheduleId}/sessions`, { type: 'EVENT', start: '2026-03-31T18:00:00Z', end: '2026-03-31T19:00:00Z' }).expect(201)).body;
    const seat = await as('post', '/v1/slot-holds', { sessionId: session.id, contactId: ann }).expect(201);
    expect(seat.body).toMatchObject({ serviceId: yoga.id, sessionId: session.id });
    await as('post', '/v1/bookings', { sessionId: session.id, contactId: bob }).expect(422);
    await as('post', '/v1/bookings', { sessionId: session.id, contactId: ann, holdId: seat.body.id }).expect(201);
  });

  it('gives the slot back when released', async () => {
    const svc = await service();
    const hold = await as('post', '/v1/slot-holds', { serviceId: svc.id, slot, contactId: ann }).expect(201);
    await as('delete', `/v1/slot-holds/${hold.body.id}`).expect(200);
    await as('post', '/v1/bookings', { serviceId: svc.id, slot, contactId: bob }).expect(201);
  });

  it('expires by itself, from a durable timer, and the slot opens again', async () => {
    const svc = await service();
    const hold = await as('post', '/v1/slot-holds', { serviceId: svc.id, slot, contactId: ann, minutes: 1 }).expect(201);
    now = new Date('2026-03-28T00:02:00Z');
    await eventually(async () => {
      const state = await as('get', `/v1/slot-holds/${hold.body.id}`).expect(200);
      expect(state.body.status).toBe('EXPIRED');
    }, 10_000);
    await as('post', '/v1/bookings', { serviceId: svc.id, slot, contactId: ann, holdId: hold.body.id }).expect(422);
    await as('post', '/v1/bookings', { serviceId: svc.id, slot, contactId: bob }).expect(201);
    now = new Date('2026-03-28T00:00:00Z');
  });
});
