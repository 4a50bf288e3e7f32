import { TestApp, startApp } from './harness';

describe('HTTP conventions (embedded default)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp({ engine: 'pglite' })));
  afterAll(async () => t?.close());

  const create = (key: string, body: object) =>
    t.http.post('/v1/resources').set('Kairos-Tenant', t.tenant).set('Idempotency-Key', key).send(body);

  describe('Idempotency-Key', () => {
    it('replays the first answer for the same key and body, creating one resource', async () => {
      const first = await create('k-1', { type: 'STAFF', name: 'Ana' }).expect(201);
      const second = await create('k-1', { type: 'STAFF', name: 'Ana' }).expect(201);
      expect(second.headers['idempotency-replayed']).toBe('true');
      expect(second.body).toEqual(first.body);
      expect(second.headers.location).toBe(first.headers.location);
      expect(second.headers['kairos-position']).toBe(first.headers['kairos-position']);
      const list = await t.http.get(`/v1/resources?minPosition=${first.headers['kairos-position']}`).set('Kairos-Tenant', t.tenant).expect(200);
      expect(list.body.items.filter((r: { name: string }) => r.name === 'Ana')).toHaveLength(1);
    });

    it('answers 422 for the same key with another body', async () => {
      await create('k-2', { type: 'STAFF', name: 'Bo' }).expect(201);
      const reused = await create('k-2', { type: 'STAFF', name: 'Cy' }).expect(422);
      expect(reused.body.type).toBe('urn:kairos:problem:idempotency-key-reused');
    });

    it('replays errors too, and scopes keys per tenant and path', async () => {
      const bad = await create('k-3', { type: 'STAFF' }).expect(400);
      const again = await create('k-3', { type: 'STAFF' }).expect(400);
      expect(again.headers['idempotency-replayed']).toBe('true');
      expect(again.body).toEqual(bad.body);
      await t.http.post('/v1/resources').set('Kairos-Tenant', `${t.tenant}-other`).set('Idempotency-Key', 'k-3').send({ type: 'STAFF', name: 'Z' }).expect(201);
      await t.http.post('/v1/locations').set('Kairos-Tenant', t.tenant).set('Idempotency-Key', 'k-3').send({ name: 'L', timeZone: 'EST' }).expect(400);
    });

    it('lets only one of concurrent duplicates run; the others see it running or replay it', async () => {
      const results = await Promise.all(Array.from({ length: 6 }, () => create('k-4', { type: 'ROOM', name: 'Room' })));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
      expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
      const ids = new Set(results.filter((r) => r.status === 201).map((r) => r.body.id));
      expect(ids.size).toBe(1);
    });
  });

  describe('read-your-writes', () => {
    it('answers 503 projection-lag with Retry-After when the position is not reached in time', async () => {
      const res = await t.http.get('/v1/resources?minPosition=999999999').set('Kairos-Tenant', t.tenant).expect(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body.type).toBe('urn:kairos:problem:projection-lag');
    }, 15_000);

    it('takes the position from the Kairos-Min-Position header too', async () => {
      const created = await create('k-5', { type: 'STAFF', name: 'Header' }).expect(201);
      const read = await t.http
        .get(`/v1/resources/${created.body.id}`)
        .set('Kairos-Tenant', t.tenant)
        .set('Kairos-Min-Position', created.headers['kairos-position'])
        .expect(200);
      expect(read.body.name).toBe('Header');
    });
  });

  describe('ops', () => {
    it('reports liveness, readiness with each dependency, and Prometheus metrics', async () => {
      expect((await t.http.get('/health/live').expect(200)).body).toEqual({ status: 'up' });
      const ready = await t.http.get('/health/ready').expect(200);
      expect(ready.body.checks).toEqual({
        eventStore: { engine: 'pglite', status: 'up' },
        readStore: { engine: 'pglite', status: 'up' },
        publisher: { engine: 'inprocess', status: 'up' },
      });
      const metrics = await t.http.get('/metrics').expect(200);
      expect(metrics.text).toContain('kairos_http_request_duration_seconds');
      expect(metrics.text).toMatch(/kairos_runner_position\{runner="services"\} \d+/);
    });

    it('serves OpenAPI generated from the DTOs', async () => {
      const doc = await t.http.get('/docs-json').expect(200);
      expect(doc.body.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/services', '/v1/services/{id}', '/v1/resources', '/v1/locations', '/v1/booking-policies/{id}/set-default']));
      expect(doc.body.components.schemas.CreateServiceDto.properties.bufferBeforeMinutes).toMatchObject({ minimum: 0, maximum: 720 });
      await t.http.get('/docs').expect(200);
    });
  });

  it('answers an unknown route with a problem', async () => {
    const res = await t.http.get('/v1/nothing-here').set('Kairos-Tenant', t.tenant).expect(404);
    expect(res.body.type).toBe('urn:kairos:problem:not-found');
  });
});
