import { brotliCompressSync, gzipSync } from 'node:zlib';
import request from 'supertest';
import { describeWith, testServers } from '@kairos/testing';
import { TestApp, TestAppOptions, buildForRunnerThread, startApp } from './harness';

const NOW = new Date('2026-03-28T00:00:00Z');

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: { type?: string; errors?: { field: string; reason: string }[] };
}

/** A refusal as the contract words it: the status, problem+json, and the field it names. */
const expectRefused = (res: Answer, status: number, field?: string) => {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({ status, type: expect.stringMatching(/^application\/problem\+json/) });
  if (field) expect(res.body.errors?.map((e) => e.field)).toContain(field);
};

/** A raw request: supertest would serialize, encode or set headers for us, and these are not what a client should send. */
const raw = (t: TestApp, method: string, path: string, headers: Record<string, string>, body?: string) => {
  let req = request(t.app.getHttpServer())[method.toLowerCase() as 'post'](path).set('Kairos-Tenant', t.tenant);
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  return body === undefined ? req : req.send(body);
};

const classWithSession = async (t: TestApp) => {
  const cls = (await t.http.post('/v1/services').set('Kairos-Tenant', t.tenant).send({ name: 'Spin', type: 'CLASS', defaultCapacity: 1000, timeZone: 'Europe/London' }).expect(201)).body;
  const session = (
    await t.http.post(`/v1/schedules/${cls.scheduleId}/sessions`).set('Kairos-Tenant', t.tenant).send({ type: 'EVENT', localStart: '2026-03-31T18:00', localEnd: '2026-03-31T19:00' }).expect(201)
  ).body;
  return { cls, session };
};

const contact = (i: number) => `2b7d2a8e-7c55-4b7a-9d2c-${String(i).padStart(12, '0')}`;

/**
 * Stream reads of one turn share a statement; a NUL in one tenant's path id used to fail the whole
 * statement, so another tenant's bookings got 500s and false 404s.
 */
const mixedLoad = (options: TestAppOptions) => () => {
  let t: TestApp;
  if (options.engine === 'postgres') buildForRunnerThread();
  beforeAll(async () => (t = await startApp({ ...options, clock: () => NOW })));
  afterAll(async () => t?.close());

  it("one tenant's NUL ids fail only that tenant's requests, as 4xx; another tenant's bookings all succeed", async () => {
    const { cls, session } = await classWithSession(t);
    const valid = Array.from({ length: 150 }, (_, i) =>
      t.http.post('/v1/bookings').set('Kairos-Tenant', t.tenant).send({ serviceId: cls.id, sessionId: session.id, contactId: contact(i) }),
    );
    const hostile = Array.from({ length: 150 }, (_, i) =>
      i % 2
        ? t.http.post('/v1/bookings/%00/confirm').set('Kairos-Tenant', 'attacker').send({})
        : t.http.patch('/v1/resources/%00').set('Kairos-Tenant', 'attacker').send({ name: 'x' }),
    );
    const answers = await Promise.all(valid.flatMap((v, i) => [v, hostile[i]]));
    const statuses = (from: number) => answers.filter((_, i) => i % 2 === from).map((a) => a.status);
    expect(statuses(0).filter((s) => s !== 201)).toEqual([]);
    expect(statuses(1).filter((s) => s < 400 || s >= 500)).toEqual([]);
    for (const bad of answers.filter((_, i) => i % 2)) expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
  }, 60_000);
};

describe('hostile input on the embedded default: NUL ids beside valid writes', mixedLoad({ engine: 'pglite' }));
describeWith('PostgreSQL', testServers.postgresUrl(), 'hostile input on PostgreSQL: NUL ids beside valid writes', mixedLoad({ engine: 'postgres', postgresUrl: testServers.postgresUrl() }));

describe('hostile input gets a clear 4xx and changes nothing', () => {
  let t: TestApp;
  let booking: { id: string };
  let head: number | null;

  beforeAll(async () => {
    t = await startApp({ engine: 'pglite', clock: () => NOW });
    const { cls, session } = await classWithSession(t);
    booking = (await t.http.post('/v1/bookings').set('Kairos-Tenant', t.tenant).send({ serviceId: cls.id, sessionId: session.id, contactId: contact(1) }).expect(201)).body;
  });
  afterAll(async () => t?.close());

  describe('each refusal leaves the event log as it was', () => {
    beforeEach(async () => (head = await t.stores.eventStore.headPosition()));
    afterEach(async () => expect(await t.stores.eventStore.headPosition()).toBe(head));

    const service = JSON.stringify({ name: 'Cut', type: 'APPOINTMENT', sessionDurations: [30], timeZone: 'Europe/Lisbon' });

    it.each(['application/json; charset=latin1', 'application/json; charset=foo'])('refuses a JSON body in another charset (%s) with 415', async (type) => {
      expectRefused(await raw(t, 'POST', '/v1/services', { 'Content-Type': type }, service), 415, 'Content-Type');
    });

    it('refuses a body in an unknown Content-Encoding with 415', async () => {
      expectRefused(await raw(t, 'POST', '/v1/services', { 'Content-Type': 'application/json', 'Content-Encoding': 'x-foo' }, service), 415, 'Content-Encoding');
    });

    it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream'])('refuses a write whose body is %s with 415, never running it with defaults', async (type) => {
      const reason = JSON.stringify({ reason: 'x' });
      expectRefused(await raw(t, 'POST', `/v1/bookings/${booking.id}/cancel`, { 'Content-Type': type }, reason), 415, 'Content-Type');
      expectRefused(await raw(t, 'POST', '/v1/services', { 'Content-Type': type }, service), 415, 'Content-Type');
    });

    it('refuses a body without a Content-Type with 415', async () => {
      const req = request(t.app.getHttpServer()).post('/v1/services').set('Kairos-Tenant', t.tenant);
      req.write(service);
      expectRefused(await req, 415, 'Content-Type');
    });

    it.each([10_000, 400_000])('refuses a body nested %i levels deep with 400', async (depth) => {
      const deep = `{"name":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      expectRefused(await raw(t, 'POST', '/v1/services', { 'Content-Type': 'application/json', 'Idempotency-Key': `deep-${depth}` }, deep), 400);
    });

    it.each([
      ['a NUL', 'Cut\u0000'],
      ['a lone surrogate', 'Cut\ud800'],
    ])('refuses %s in any string with 400 naming the field', async (_, bad) => {
      expectRefused(await raw(t, 'POST', '/v1/services', { 'Content-Type': 'application/json' }, JSON.stringify({ ...JSON.parse(service), name: bad })), 400, 'name');
      expectRefused(await t.http.post('/v1/resources').set('Kairos-Tenant', t.tenant).send({ type: 'ROOM', name: 'Room', tags: ['ok', bad] }), 400, 'tags.1');
      expectRefused(await t.http.post('/v1/bookings').set('Kairos-Tenant', t.tenant).send({ serviceId: booking.id, contact: { email: `${bad}@example.com` } }), 400, 'contact.email');
    });

    it('refuses NUL in a path id (404) or a query filter (400)', async () => {
      expectRefused(await t.http.get('/v1/bookings/%00').set('Kairos-Tenant', t.tenant), 404, 'id');
      expectRefused(await t.http.post('/v1/bookings/%00/cancel').set('Kairos-Tenant', t.tenant), 404, 'id');
      expectRefused(await t.http.get('/v1/resources?tag=%00').set('Kairos-Tenant', t.tenant), 400, 'tag');
    });

    it('answers a path id that is no UUID with 404, without asking the store', async () => {
      expectRefused(await t.http.get('/v1/services/not-a-uuid').set('Kairos-Tenant', t.tenant), 404, 'id');
      expectRefused(await t.http.post('/v1/waitlist/1/accept').set('Kairos-Tenant', t.tenant).send({}), 404, 'entryId');
    });

    it.each(['2026-W01-1', '2026-001', '2026-03-01', '20260301T000000Z', '2026-02-30T00:00:00Z', '2026-03-01T24:00:00Z'])('refuses %s as an instant with 400', async (from) => {
      const res = await t.http.post('/v1/availability/query').set('Kairos-Tenant', t.tenant).send({ serviceId: booking.id, from, to: '2026-04-01T00:00:00Z' });
      expectRefused(res, 400, 'from');
    });

    it('refuses a minPosition beyond any safe integer at once with 400', async () => {
      const started = Date.now();
      expectRefused(await t.http.get('/v1/services?minPosition=99999999999999999999').set('Kairos-Tenant', t.tenant), 400, 'minPosition');
      expectRefused(await t.http.get('/v1/services').set('Kairos-Tenant', t.tenant).set('Kairos-Min-Position', '99999999999999999999'), 400, 'Kairos-Min-Position');
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s key like any unknown field', async (key) => {
      const body = `{"name":"Cut","type":"APPOINTMENT","sessionDurations":[30],"timeZone":"Europe/Lisbon","${key}":{"hidden":true}}`;
      expectRefused(await raw(t, 'POST', '/v1/services', { 'Content-Type': 'application/json' }, body), 400, key);
      const nested = `{"type":"ROOM","name":"Room","phone":"+351912345678","${key}":{"x":1}}`;
      expectRefused(await raw(t, 'POST', '/v1/resources', { 'Content-Type': 'application/json' }, nested), 400, key);
    });
  });

  it.each([
    ['gzip', gzipSync],
    ['br', brotliCompressSync],
  ])('takes a JSON body in Content-Encoding %s', async (encoding, compress) => {
    const body = compress(Buffer.from(JSON.stringify({ type: 'ROOM', name: 'Room' })));
    const req = request(t.app.getHttpServer()).post('/v1/resources').set('Kairos-Tenant', t.tenant).set('Content-Type', 'application/json').set('Content-Encoding', encoding);
    req.write(body);
    expect((await req).status).toBe(201);
  });

  it('still runs a write that takes no body when none is sent', async () => {
    const canceled = await t.http.post(`/v1/bookings/${booking.id}/cancel`).set('Kairos-Tenant', t.tenant);
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe('CANCELED');
  });
});
