import { describeWith, testServers, uniqueName } from '@kairos/testing';
import { TestApp, buildForRunnerThread, startApp } from './harness';

const NOW = new Date('2026-03-28T00:00:00Z');
const contact = (n: number) => `0b7d2a8e-7c55-4b7a-9d2c-${String(n).padStart(12, '0')}`;

/** A class of `capacity` with one session on Monday 30 March 2026, inside the default policy's window. */
const yogaClass = async (t: TestApp, tenant: string, capacity: number) => {
  const as = (path: string, body: object) => t.http.post(path).set('Kairos-Tenant', tenant).send(body);
  const yoga = (await as('/v1/services', { name: 'Yoga', type: 'CLASS', defaultCapacity: capacity }).expect(201)).body;
  const session = (await as(`/v1/schedules/${yoga.scheduleId}/sessions`, { type: 'EVENT', start: '2026-03-30T18:00:00Z', end: '2026-03-30T19:00:00Z' }).expect(201)).body;
  return { yoga, session };
};

describe('Idempotency-Key (embedded default)', () => {
  let t: TestApp;
  let now = NOW;
  beforeAll(async () => (t = await startApp({ engine: 'pglite', clock: () => now })));
  afterEach(() => (now = NOW));
  afterAll(async () => t?.close());

  const keyed = (key: string, path: string, body: object) => t.http.post(path).set('Kairos-Tenant', t.tenant).set('Idempotency-Key', key).send(body);

  it('takes the same fields in another order for the same request, and another body for a reused key', async () => {
    const { yoga, session } = await yogaClass(t, t.tenant, 10);
    const first = await keyed('reorder-1', '/v1/bookings', { serviceId: yoga.id, sessionId: session.id, contactId: contact(1), contact: { name: 'Ann', email: 'ann@example.com' } }).expect(201);
    const again = await keyed('reorder-1', '/v1/bookings', { contact: { email: 'ann@example.com', name: 'Ann' }, contactId: contact(1), sessionId: session.id, serviceId: yoga.id }).expect(201);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers['kairos-position']).toBe(first.headers['kairos-position']);
    const reused = await keyed('reorder-1', '/v1/bookings', { serviceId: yoga.id, sessionId: session.id, contactId: contact(2) }).expect(422);
    expect(reused.body.type).toBe('urn:kairos:problem:idempotency-key-reused');
    const seats = await t.http.get(`/v1/sessions/${session.id}?minPosition=${first.headers['kairos-position']}`).set('Kairos-Tenant', t.tenant).expect(200);
    expect(seats.body.openSpots).toBe(9);
  });

  it('lets concurrent duplicates take effect once: the others replay it or see it running', async () => {
    const { yoga, session } = await yogaClass(t, t.tenant, 10);
    const body = { serviceId: yoga.id, sessionId: session.id, contactId: contact(3) };
    const answers = await Promise.all(Array.from({ length: 8 }, () => keyed('burst-1', '/v1/bookings', body)));
    expect(answers.map((a) => a.status).every((s) => s === 201 || s === 409)).toBe(true);
    const created = answers.filter((a) => a.status === 201);
    expect(new Set(created.map((a) => a.body.id)).size).toBe(1);
    for (const busy of answers.filter((a) => a.status === 409)) expect(busy.body.type).toBe('urn:kairos:problem:request-in-progress');
    const replayed = await keyed('burst-1', '/v1/bookings', body).expect(201);
    const position = replayed.headers['kairos-position'];
    const booked = await t.http.get(`/v1/bookings?sessionId=${session.id}&minPosition=${position}`).set('Kairos-Tenant', t.tenant).expect(200);
    expect(booked.body.items.map((b: { id: string }) => b.id)).toEqual([replayed.body.id]);
  });

  it('keeps no revision conflict: it wrote nothing, and a retry with the key runs again', async () => {
    const room = (await t.http.post('/v1/resources').set('Kairos-Tenant', t.tenant).send({ type: 'ROOM', name: 'Studio' }).expect(201)).body;
    await t.http.patch(`/v1/resources/${room.id}`).set('Kairos-Tenant', t.tenant).send({ name: 'Studio A' }).expect(200);
    const stale = () => t.http.patch(`/v1/resources/${room.id}`).set('Kairos-Tenant', t.tenant).set('Idempotency-Key', 'stale-1').set('If-Match', '1').send({ name: 'Studio B' });
    expect((await stale().expect(409)).body.type).toBe('urn:kairos:problem:revision-conflict');
    const retried = await stale().expect(409);
    expect(retried.headers['idempotency-replayed']).toBeUndefined();
  });

  it('frees a key after 24 hours: the next use is a new request', async () => {
    const first = await keyed('day-1', '/v1/resources', { type: 'ROOM', name: 'Monday' }).expect(201);
    now = new Date(NOW.getTime() + 25 * 60 * 60 * 1000);
    const next = await keyed('day-1', '/v1/resources', { type: 'ROOM', name: 'Tuesday' }).expect(201);
    expect(next.headers['idempotency-replayed']).toBeUndefined();
    expect(next.body.id).not.toBe(first.body.id);
    const again = await keyed('day-1', '/v1/resources', { type: 'ROOM', name: 'Tuesday' }).expect(201);
    expect(again.body).toEqual(next.body);
    await keyed('day-1', '/v1/resources', { type: 'ROOM', name: 'Monday' }).expect(422);
  });

  it('keeps the key record to itself: nothing about it is published', async () => {
    await keyed('quiet-1', '/v1/resources', { type: 'ROOM', name: 'Quiet' }).expect(201);
    expect(t.published.filter((m) => m.headers.ce_type.includes('idempotency') || m.value.includes('requestHash'))).toEqual([]);
  });
});

/**
 * Two instances on one database: a duplicate that reaches the other instance runs there, and only
 * one of the two can commit the key; the loser answers with the winner's answer.
 */
describeWith('PostgreSQL', testServers.postgresUrl(), 'Idempotency-Key across two instances (PostgreSQL)', () => {
  const schema = uniqueName('idem_pair');
  let a: TestApp;
  let b: TestApp;
  buildForRunnerThread();
  beforeAll(async () => {
    a = await startApp({ engine: 'postgres', postgresUrl: testServers.postgresUrl(), schema, clock: () => NOW });
    b = await startApp({ engine: 'postgres', postgresUrl: testServers.postgresUrl(), schema, clock: () => NOW });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    const { Client } = await import('pg');
    const pg = new Client({ connectionString: testServers.postgresUrl() });
    await pg.connect();
    await pg.query(`drop schema if exists ${schema} cascade`);
    await pg.end();
  });

  it('books once per key when duplicates race on both instances, each answered with the one booking', async () => {
    const tenant = a.tenant;
    const { yoga, session } = await yogaClass(a, tenant, 50);
    const rounds = 12;
    for (let round = 0; round < rounds; round++) {
      const body = { serviceId: yoga.id, sessionId: session.id, contactId: contact(100 + round) };
      const answers = await Promise.all(
        [a, b, a, b].map((app) => app.http.post('/v1/bookings').set('Kairos-Tenant', tenant).set('Idempotency-Key', `race-${round}`).send(body)),
      );
      expect(answers.map((r) => r.status).every((s) => s === 201 || s === 409)).toBe(true);
      expect(new Set(answers.filter((r) => r.status === 201).map((r) => r.body.id)).size).toBe(1);
    }
    const last = await a.http.post('/v1/bookings').set('Kairos-Tenant', tenant).set('Idempotency-Key', `race-${rounds - 1}`).send({ serviceId: yoga.id, sessionId: session.id, contactId: contact(100 + rounds - 1) }).expect(201);
    const booked = await a.http.get(`/v1/bookings?sessionId=${session.id}&limit=500&minPosition=${last.headers['kairos-position']}`).set('Kairos-Tenant', tenant).expect(200);
    expect(booked.body.items).toHaveLength(rounds);
    expect(new Set(booked.body.items.map((i: { contactId: string }) => i.contactId)).size).toBe(rounds);
  }, 60_000);
});
