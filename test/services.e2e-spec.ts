import { eventually } from '@kairos/testing';
import { TestApp, startApp } from './harness';

const haircut = (over: Record<string, unknown> = {}) => ({
  name: 'Haircut',
  type: 'APPOINTMENT',
  sessionDurations: [30, 45],
  bufferAfterMinutes: 10,
  payment: { rateType: 'FIXED', price: { amount: '25.00', currency: 'EUR' } },
  timeZone: 'Europe/Lisbon',
  ...over,
});

describe('services over HTTP (embedded default)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp({ engine: 'pglite' })));
  afterAll(async () => t?.close());

  const post = (path: string, body: unknown, tenant = t.tenant) => t.http.post(path).set('Kairos-Tenant', tenant).send(body as object);
  const get = (path: string, tenant = t.tenant) => t.http.get(path).set('Kairos-Tenant', tenant);

  it('creates a service and its schedule, then reads its own write', async () => {
    const created = await post('/v1/services', haircut()).expect(201);
    const id = created.body.id as string;
    expect(created.headers.location).toBe(`/v1/services/${id}`);
    const position = Number(created.headers['kairos-position']);
    expect(position).toBeGreaterThan(0);
    expect(created.body).toMatchObject({ name: 'Haircut', revision: 1, bufferBeforeMinutes: 0, bufferAfterMinutes: 10, hidden: false, deletedAt: null });

    const read = await get(`/v1/services/${id}?minPosition=${position}`).expect(200);
    expect(read.body).toEqual(created.body);
    expect(Number(read.headers['kairos-position'])).toBeGreaterThanOrEqual(position);

    const schedule = await get(`/v1/schedules/${created.body.scheduleId}?minPosition=${position}`).expect(200);
    expect(schedule.body).toMatchObject({ ownerType: 'SERVICE', ownerId: id, timeZone: 'Europe/Lisbon', tags: ['INDIVIDUAL'], status: 'ACTIVE' });
  });

  it('reads its own writes while other writes land, each read and list as new as the write it names', async () => {
    const id = (await post('/v1/services', haircut({ name: 'Cut 0' })).expect(201)).body.id as string;
    await get(`/v1/services/${id}`).expect(200);
    const noise = Promise.all(Array.from({ length: 30 }, (_, i) => post('/v1/services', haircut({ name: `Noise ${i}` })).expect(201)));
    for (let i = 1; i <= 15; i++) {
      const updated = await t.http.patch(`/v1/services/${id}`).set('Kairos-Tenant', t.tenant).send({ name: `Cut ${i}` }).expect(200);
      const position = Number(updated.headers['kairos-position']);
      expect((await get(`/v1/services/${id}?minPosition=${position}`).expect(200)).body).toMatchObject({ name: `Cut ${i}`, revision: i + 1 });
      const listed = await get(`/v1/services?limit=100&minPosition=${position}`).expect(200);
      expect(listed.body.items.find((s: { id: string }) => s.id === id)).toMatchObject({ name: `Cut ${i}` });
    }
    await noise;
  });

  it('answers invalid input with 400 problem+json naming each field', async () => {
    const res = await post('/v1/services', haircut({ type: 'MASSAGE', bufferAfterMinutes: 721, extra: 1, payment: { rateType: 'FIXED', price: { amount: 'x', currency: 'EUR' } } })).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.type).toBe('urn:kairos:problem:validation');
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['type', 'bufferAfterMinutes', 'extra', 'payment.price.amount']));
  });

  it('answers malformed JSON and a domain rule with the contract codes', async () => {
    const malformed = await t.http.post('/v1/services').set('Kairos-Tenant', t.tenant).set('Content-Type', 'application/json').send('{"name":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.type).toBe('urn:kairos:problem:validation');
    const rule = await post('/v1/services', haircut({ sessionDurations: [] })).expect(400);
    expect(rule.body.errors).toEqual([{ field: 'sessionDurations', reason: 'an appointment needs at least one duration' }]);
  });

  it('refuses unknown referenced ids with 404 and the field, writing nothing', async () => {
    const res = await post('/v1/services', haircut({ resourceGroups: [{ resourceIds: ['0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a11'], requiredCount: 1, selectable: true }] })).expect(404);
    expect(res.body.errors).toEqual([{ field: 'resourceGroups[0].resourceIds[0]', reason: 'no such resource' }]);
    const list = await get('/v1/services').expect(200);
    expect(list.body.items.map((s: { resourceGroups: unknown[] }) => s.resourceGroups.length)).not.toContain(1);
  });

  it('takes resource groups without selectable, on PATCH and on create, as assigned (selectable false)', async () => {
    const staff = (await post('/v1/resources', { type: 'STAFF', name: 'Ana' }).expect(201)).body;
    const created = await post('/v1/services', haircut({ resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }] })).expect(201);
    const patched = await t.http.patch(`/v1/services/${created.body.id}`).set('Kairos-Tenant', t.tenant).send({ resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1 }] }).expect(200);
    expect(patched.body.resourceGroups).toEqual([{ resourceIds: [staff.id], requiredCount: 1, selectable: false }]);
    // The same groups again change nothing, though the stored ones come back from the store with their keys reordered.
    const again = await t.http.patch(`/v1/services/${created.body.id}`).set('Kairos-Tenant', t.tenant).send({ resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1 }] }).expect(200);
    expect(again.body.revision).toBe(patched.body.revision);
    const unsaid = await post('/v1/services', haircut({ resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1 }] })).expect(201);
    expect(unsaid.body.resourceGroups).toEqual([{ resourceIds: [staff.id], requiredCount: 1, selectable: false }]);
  });

  it('takes a payment or a location on PATCH as on create: whole, what it leaves out as none', async () => {
    const created = await post('/v1/services', haircut({ payment: { rateType: 'FIXED', price: { amount: '25.00', currency: 'EUR' }, deposit: { amount: '5.00', currency: 'EUR' } } })).expect(201);
    const patched = await t.http
      .patch(`/v1/services/${created.body.id}`)
      .set('Kairos-Tenant', t.tenant)
      .send({ payment: { rateType: 'VARIED' }, locations: [{ type: 'CUSTOMER' }] })
      .expect(200);
    expect(patched.body.payment).toEqual({ rateType: 'VARIED', price: null, deposit: null, planIds: [] });
    expect(patched.body.locations).toEqual([{ id: null, type: 'CUSTOMER' }]);
    const read = await get(`/v1/services/${created.body.id}?minPosition=${patched.headers['kairos-position']}`).expect(200);
    expect([read.body.payment, read.body.locations]).toEqual([patched.body.payment, patched.body.locations]);
  });

  it('updates with a revision, refuses a stale one, and keeps type immutable', async () => {
    const { body: service } = await post('/v1/services', haircut()).expect(201);
    const updated = await t.http.patch(`/v1/services/${service.id}`).set('Kairos-Tenant', t.tenant).set('If-Match', '1').send({ hidden: true }).expect(200);
    expect(updated.body).toMatchObject({ hidden: true, revision: 2 });
    const stale = await t.http.patch(`/v1/services/${service.id}`).set('Kairos-Tenant', t.tenant).set('If-Match', '1').send({ hidden: false }).expect(409);
    expect(stale.body.type).toBe('urn:kairos:problem:revision-conflict');
    const typed = await t.http.patch(`/v1/services/${service.id}`).set('Kairos-Tenant', t.tenant).send({ type: 'CLASS' }).expect(400);
    expect(typed.body.errors[0].field).toBe('type');
    const nulled = await t.http.patch(`/v1/services/${service.id}`).set('Kairos-Tenant', t.tenant).send({ name: null }).expect(400);
    expect(nulled.body.errors[0].field).toBe('name');
  });

  it('takes a caller-chosen id once: 409 when taken', async () => {
    const id = '5f1d7a3e-2b4c-4d6e-8f90-a1b2c3d4e5f6';
    await post('/v1/services', haircut({ id })).expect(201);
    const again = await post('/v1/services', haircut({ id })).expect(409);
    expect(again.body.type).toBe('urn:kairos:problem:already-exists');
  });

  it('lists with filters and cursor paging, hiding deleted ones unless asked', async () => {
    const tenant = `${t.tenant}-list`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await post('/v1/services', haircut({ name: `S${i}`, hidden: i === 0, type: i === 4 ? 'CLASS' : 'APPOINTMENT' }), tenant).expect(201)).body.id);
    const del = await t.http.delete(`/v1/services/${ids[1]}`).set('Kairos-Tenant', tenant).expect(200);
    const position = del.headers['kairos-position'];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await get(
        `/v1/services?limit=2&minPosition=${position}${cursor ? `&cursor=${cursor}` : ''}`,
        tenant,
      ).expect(200);
      seen.push(...page.body.items.map((s) => s.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([ids[0], ids[2], ids[3], ids[4]]);
    expect((await get('/v1/services?includeDeleted=true&limit=10', tenant).expect(200)).body.items).toHaveLength(5);
    expect((await get('/v1/services?type=CLASS', tenant).expect(200)).body.items.map((s: { id: string }) => s.id)).toEqual([ids[4]]);
    expect((await get('/v1/services?hidden=true', tenant).expect(200)).body.items.map((s: { id: string }) => s.id)).toEqual([ids[0]]);
    expect((await get('/v1/services?limit=501', tenant).expect(400)).body.errors[0].field).toBe('limit');
    expect((await get('/v1/services?cursor=bogus', tenant).expect(400)).body.errors[0].field).toBe('cursor');
  });

  it('keeps tenants apart: another tenant gets 404 for the same id', async () => {
    const { body } = await post('/v1/services', haircut()).expect(201);
    await get(`/v1/services/${body.id}`, 'someone-else').expect(404);
    await t.http.patch(`/v1/services/${body.id}`).set('Kairos-Tenant', 'someone-else').send({ hidden: true }).expect(404);
  });

  it('requires a tenant', async () => {
    const res = await t.http.get('/v1/services').expect(401);
    expect(res.body.type).toBe('urn:kairos:problem:unauthenticated');
  });

  it('publishes service events in-process with CloudEvents headers', async () => {
    const { body } = await post('/v1/services', haircut()).expect(201);
    await eventually(() => expect(t.published.some((m) => m.key === body.id && m.headers.ce_type === 'kairos.service.created.v1')).toBe(true));
    const message = t.published.find((m) => m.key === body.id)!;
    expect(message.topic).toBe('kairos.services.v1');
    expect(JSON.parse(message.value)).toEqual(body);
  });
});
