import { describeWith, eventually, testServers } from '@kairos/testing';
import { TestApp, TestAppOptions, buildForRunnerThread, startApp, twoInstances } from './harness';

const NOW = new Date('2026-03-28T00:00:00Z');
const weekdays = { daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: '09:00', endTime: '17:00' };
const hourAt = (day: string, hour: number) => ({ start: `${day}T${String(hour).padStart(2, '0')}:00:00Z`, end: `${day}T${String(hour + 1).padStart(2, '0')}:00:00Z` });
const HAIRCUT = { name: 'Cut', type: 'APPOINTMENT', sessionDurations: [60], timeZone: 'Europe/London', payment: { rateType: 'FIXED', price: { amount: '25.00', currency: 'EUR' } } };
const EXTERNAL_CONTACT = '0b7d2a8e-7c55-4b7a-9d2c-000000000077';

type Method = 'post' | 'patch' | 'get' | 'delete';
type Call = (method: Method, path: string, body?: object, headers?: Record<string, string>) => ReturnType<TestApp['http']['post']>;

const caller = (t: () => TestApp, tenant: () => string = () => t().tenant): Call => (method, path, body, headers = {}) => {
  let req = t().http[method](path).set('Kairos-Tenant', tenant());
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  return req.send(body);
};

/**
 * A staff member working weekdays 09–17 (London) and a 60-minute service of theirs at 25.00 EUR,
 * once availability can see them (its read models follow the log on their own).
 */
const pricedAppointment = async (as: Call) => {
  const staff = (await as('post', '/v1/resources', { type: 'STAFF', name: 'Ana' }).expect(201)).body;
  await as('patch', `/v1/schedules/${staff.scheduleId}`, { timeZone: 'Europe/London', workingHours: [weekdays] }).expect(200);
  const resourceGroups = [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }];
  const created = await as('post', '/v1/services', { ...HAIRCUT, resourceGroups }).expect(201);
  const position = created.headers['kairos-position'];
  await as('get', `/v1/services/${created.body.id}?minPosition=${position}`).expect(200);
  await as('get', `/v1/schedules/${created.body.scheduleId}?minPosition=${position}`).expect(200);
  return created.body;
};

const problemOf = (res: { body: { type: string; errors: { field: string; reason: string }[] } }) => ({ type: res.body.type, error: res.body.errors[0] });

const contactsOverHttp = (options: Pick<TestAppOptions, 'engine' | 'postgresUrl'>) => {
  let t: TestApp;
  if (options.engine === 'postgres') buildForRunnerThread();
  beforeAll(async () => (t = await startApp({ ...options, clock: () => NOW })));
  afterAll(async () => t?.close());

  const as = caller(() => t);
  /** A GET once the read models have applied the write that answered `write`. */
  const after = (write: { headers: Record<string, string> }, path: string) => as('get', `${path}${path.includes('?') ? '&' : '?'}minPosition=${write.headers['kairos-position']}`);
  const ids = (page: { items: { id: string }[] }) => page.items.map((item) => item.id);

  it('creates, reads, changes and lists contacts, their emails unique whatever the case, phones in E.164, zones IANA', async () => {
    const created = await as('post', '/v1/contacts', { name: 'Rita Costa', email: 'Rita@Example.com', phone: '+351 912 345 678', timeZone: 'Europe/Lisbon' }).expect(201);
    const rita = created.body;
    expect(created.headers.location).toBe(`/v1/contacts/${rita.id}`);
    expect(rita).toEqual({ id: rita.id, revision: 1, createdAt: NOW.toISOString(), updatedAt: NOW.toISOString(), name: 'Rita Costa', email: 'Rita@Example.com', phone: '+351912345678', timeZone: 'Europe/Lisbon' });
    expect((await after(created, `/v1/contacts/${rita.id}`).expect(200)).body).toEqual(rita);

    expect(problemOf(await as('post', '/v1/contacts', { name: 'Other Rita', email: ' rita@EXAMPLE.com' }).expect(400))).toMatchObject({ error: { field: 'email' } });
    expect(problemOf(await as('post', '/v1/contacts', { name: 'Other Rita', email: 'rita@EXAMPLE.com' }).expect(409))).toEqual({ type: 'urn:kairos:problem:already-exists', error: { field: 'email', reason: 'taken' } });
    expect(problemOf(await as('post', '/v1/contacts', { name: 'Bad phone', phone: '912345678' }).expect(400)).error.field).toBe('phone');
    expect(problemOf(await as('post', '/v1/contacts', { name: 'Bad phone', phone: '+1234' }).expect(400)).error.field).toBe('phone');
    expect(problemOf(await as('post', '/v1/contacts', { name: 'Bad zone', timeZone: 'Mars/Olympus_Mons' }).expect(400)).error.field).toBe('timeZone');

    const renamed = await as('patch', `/v1/contacts/${rita.id}`, { name: 'Rita M. Costa', phone: null }, { 'If-Match': '1' }).expect(200);
    expect(renamed.body).toMatchObject({ name: 'Rita M. Costa', phone: null, email: 'Rita@Example.com', revision: 2 });
    expect(problemOf(await as('patch', `/v1/contacts/${rita.id}`, { name: 'Stale' }, { 'If-Match': '1' }).expect(409)).type).toBe('urn:kairos:problem:revision-conflict');

    const ana = await as('post', '/v1/contacts', { name: 'Ana Lima', email: 'ana@lima.pt', phone: '+44 20 7946 0958' }).expect(201);
    const search = async (query: string) => ids((await after(ana, `/v1/contacts?${query}`).expect(200)).body);
    expect(await search('q=rita')).toEqual([rita.id]);
    expect(await search('q=RITA%20M')).toEqual([rita.id]);
    expect(await search('q=costa')).toEqual([rita.id]);
    expect(await search('q=lima')).toEqual([ana.body.id]);
    expect(await search('q=%2B4420')).toEqual([ana.body.id]);
    expect(await search('q=2079')).toEqual([ana.body.id]);
    expect(await search('q=example.com')).toEqual([rita.id]);
    expect(await search('q=osta')).toEqual([]);
    expect(await search('email=ANA@Lima.PT')).toEqual([ana.body.id]);
    expect(await search('email=ana@lima')).toEqual([]);
    const firstPage = (await after(ana, '/v1/contacts?limit=1').expect(200)).body;
    expect(firstPage.items).toHaveLength(1);
    expect((await as('get', `/v1/contacts?limit=1&cursor=${encodeURIComponent(firstPage.nextCursor)}`).expect(200)).body.items).toHaveLength(1);

    // A new email frees the old one.
    await as('patch', `/v1/contacts/${ana.body.id}`, { email: 'ANA@lima.pt' }).expect(200);
    await as('patch', `/v1/contacts/${ana.body.id}`, { email: 'ana@silva.pt' }).expect(200);
    await as('post', '/v1/contacts', { name: 'Another Ana', email: 'Ana@Lima.pt' }).expect(201);
    expect(problemOf(await as('patch', `/v1/contacts/${ana.body.id}`, { email: 'rita@example.com' }).expect(409)).error).toEqual({ field: 'email', reason: 'taken' });
  });

  it('keeps notes about a contact with their authors, and lists its bookings with their payment status and its plan orders', async () => {
    const contact = (await as('post', '/v1/contacts', { name: 'Bea Reis', email: 'bea@example.com' }).expect(201)).body;
    const byStaff = await as('post', `/v1/contacts/${contact.id}/notes`, { text: 'Prefers mornings.' }).expect(201);
    expect(byStaff.body).toEqual({ id: byStaff.body.id, contactId: contact.id, text: 'Prefers mornings.', author: { type: 'BUSINESS', id: null }, createdAt: NOW.toISOString() });
    const byCustomer = await as('post', `/v1/contacts/${contact.id}/notes`, { text: 'Allergic to latex.' }).expect(201);
    expect((await after(byCustomer, `/v1/contacts/${contact.id}/notes`).expect(200)).body.items.map((n: { text: string }) => n.text).sort()).toEqual(['Allergic to latex.', 'Prefers mornings.']);
    const deleted = await as('delete', `/v1/contacts/${contact.id}/notes/${byStaff.body.id}`).expect(204);
    expect(deleted.text).toBe('');
    expect(ids((await after(deleted, `/v1/contacts/${contact.id}/notes`).expect(200)).body)).toEqual([byCustomer.body.id]);
    expect(problemOf(await as('delete', `/v1/contacts/${contact.id}/notes/${byStaff.body.id}`).expect(404)).type).toBe('urn:kairos:problem:not-found');
    // A note's id is Kairos's: one the caller chose could be another contact's note's too, and the two would be one note.
    const other = (await as('post', '/v1/contacts', { name: 'Bea Other' }).expect(201)).body;
    expect(problemOf(await as('post', `/v1/contacts/${other.id}/notes`, { id: byCustomer.body.id, text: 'Not Bea.' }).expect(400)).error.field).toBe('id');

    const service = await pricedAppointment(as);
    const early = await as('post', '/v1/bookings', { serviceId: service.id, slot: hourAt('2026-03-30', 9), contact: { name: 'Bea', email: 'BEA@example.com' } }).expect(201);
    expect(early.body.contactId).toBe(contact.id);
    const late = await as('post', '/v1/bookings', { serviceId: service.id, slot: hourAt('2026-03-31', 9), contactId: contact.id }).expect(201);
    const paid = await as('post', `/v1/bookings/${early.body.id}/payment`, { paymentStatus: 'PAID', amountPaid: '25.00' }).expect(200);
    const history = (await after(paid, `/v1/contacts/${contact.id}/bookings`).expect(200)).body;
    expect(history.items.map((b: { id: string; paymentStatus: string }) => [b.id, b.paymentStatus])).toEqual([
      [late.body.id, 'NOT_PAID'],
      [early.body.id, 'PAID'],
    ]);

    const plan = (await as('post', '/v1/plans', { name: 'Ten cuts', pricing: { type: 'SINGLE_PAYMENT', duration: { unit: 'MONTH', length: 6 } }, benefit: { kind: 'LIMITED', credits: 10 }, timeZone: 'Europe/Lisbon' }).expect(201)).body;
    const order = await as('post', '/v1/plan-orders', { planId: plan.id, contactId: contact.id }).expect(201);
    expect(ids((await after(order, `/v1/contacts/${contact.id}/plan-orders`).expect(200)).body)).toEqual([order.body.id]);
    expect(problemOf(await as('get', `/v1/contacts/${EXTERNAL_CONTACT}/bookings`).expect(404)).type).toBe('urn:kairos:problem:not-found');
  });

  it('refuses a CUSTOMER every contacts route with 403, before looking at the request', async () => {
    const contact = (await as('post', '/v1/contacts', { name: 'Gil Sousa', email: 'gil@example.com' }).expect(201)).body;
    const noted = await as('post', `/v1/contacts/${contact.id}/notes`, { text: 'Pays cash.' }).expect(201);
    const note = noted.body;
    const customer = { 'Kairos-Actor': 'CUSTOMER' };
    const asked: [Method, string, object?][] = [
      ['post', '/v1/contacts', { name: 'Me', email: 'me@example.com' }],
      ['post', '/v1/contacts', { unknown: 'field' }],
      ['get', '/v1/contacts'],
      ['get', '/v1/contacts?q=gil'],
      ['get', `/v1/contacts/${contact.id}`],
      ['get', '/v1/contacts/not-a-uuid'],
      ['patch', `/v1/contacts/${contact.id}`, { name: 'Mine now' }],
      ['delete', `/v1/contacts/${contact.id}`],
      ['get', `/v1/contacts/${contact.id}/bookings`],
      ['get', `/v1/contacts/${contact.id}/plan-orders`],
      ['get', `/v1/contacts/${contact.id}/notes`],
      ['post', `/v1/contacts/${contact.id}/notes`, { text: 'Mine.' }],
      ['delete', `/v1/contacts/${contact.id}/notes/${note.id}`],
    ];
    for (const [method, path, body] of asked) {
      expect([method, path, (await as(method, path, body, customer).expect(403)).body.type]).toEqual([method, path, 'urn:kairos:problem:forbidden']);
    }
    expect((await after(noted, `/v1/contacts/${contact.id}`).expect(200)).body).toEqual({ ...contact, revision: 2 });
    expect(ids((await after(noted, `/v1/contacts/${contact.id}/notes`).expect(200)).body)).toEqual([note.id]);
  });

  it('finds or creates the contact a booking names by its details: one per email, a new one without', async () => {
    const service = await pricedAppointment(as);
    const first = await as('post', '/v1/bookings', { serviceId: service.id, slot: hourAt('2026-04-01', 9), contact: { name: 'Caio', email: 'caio@example.com', phone: '+351913000111' } }).expect(201);
    const again = await as('post', '/v1/bookings', { serviceId: service.id, slot: hourAt('2026-04-01', 10), contact: { name: 'Caio N.', email: 'Caio@Example.com' } }).expect(201);
    expect(again.body.contactId).toBe(first.body.contactId);
    expect(again.body.contactDetails).toEqual({ name: 'Caio N.', email: 'Caio@Example.com', phone: null });
    expect((await after(again, `/v1/contacts/${first.body.contactId}`).expect(200)).body).toMatchObject({ name: 'Caio', email: 'caio@example.com', phone: '+351913000111', timeZone: null });

    const [one, two] = [
      await as('post', '/v1/bookings', { serviceId: service.id, slot: hourAt('2026-04-01', 11), contact: { name: 'Walk-in' } }).expect(201),
      await as('post', '/v1/bookings', { serviceId: service.id, slot: hourAt('2026-04-01', 12), contact: { name: 'Walk-in' } }).expect(201),
    ];
    expect(one.body.contactId).not.toBe(two.body.contactId);
    expect((await after(two, `/v1/contacts/${one.body.contactId}`).expect(200)).body).toMatchObject({ name: 'Walk-in', email: null });

    // A contact kept in the caller's own CRM is named by an id Kairos never saw.
    expect((await as('post', '/v1/bookings', { serviceId: service.id, slot: hourAt('2026-04-01', 13), contactId: EXTERNAL_CONTACT }).expect(201)).body.contactId).toBe(EXTERNAL_CONTACT);
    // A refused booking creates no contact.
    await as('post', '/v1/bookings', { serviceId: service.id, slot: hourAt('2026-04-01', 13), contact: { email: 'nobody@example.com' } }).expect(409);
    expect(ids((await after(two, '/v1/contacts?email=nobody@example.com').expect(200)).body)).toEqual([]);
  });

  it('erases a contact: gone from every read model, its notes too, its bookings kept without its details, its email free', async () => {
    const service = await pricedAppointment(as);
    const booked = await as('post', '/v1/bookings', { serviceId: service.id, slot: hourAt('2026-04-02', 9), contact: { name: 'Dora', email: 'dora@example.com', phone: '+351914000222' } }).expect(201);
    const doraId = booked.body.contactId;
    await as('post', `/v1/contacts/${doraId}/notes`, { text: 'Lives at Rua Augusta 1.' }).expect(201);
    expect((await after(booked, `/v1/bookings/${booked.body.id}`).expect(200)).body.contactDetails).toEqual({ name: 'Dora', email: 'dora@example.com', phone: '+351914000222' });

    const unchangedKey = { 'Idempotency-Key': `unchanged-${doraId}` };
    expect((await as('patch', `/v1/contacts/${doraId}`, { name: 'Dora' }, unchangedKey).expect(200)).body).toMatchObject({ name: 'Dora', email: 'dora@example.com' });
    const erased = await as('delete', `/v1/contacts/${doraId}`, undefined, { 'Idempotency-Key': `erase-${doraId}` }).expect(204);
    expect(erased.text).toBe('');
    const replayed = await as('delete', `/v1/contacts/${doraId}`, undefined, { 'Idempotency-Key': `erase-${doraId}` }).expect(204);
    expect([replayed.headers['idempotency-replayed'], replayed.headers['kairos-position'], replayed.text]).toEqual(['true', erased.headers['kairos-position'], '']);
    expect(problemOf(await after(erased, `/v1/contacts/${doraId}`).expect(404)).type).toBe('urn:kairos:problem:not-found');
    await as('get', `/v1/contacts/${doraId}/notes`).expect(404);
    await as('get', `/v1/contacts/${doraId}/bookings`).expect(404);
    expect(ids((await as('get', '/v1/contacts?q=dora').expect(200)).body)).toEqual([]);
    await eventually(async () => {
      const booking = (await after(erased, `/v1/bookings/${booked.body.id}`).expect(200)).body;
      expect(booking).toMatchObject({ id: booked.body.id, contactId: doraId, contactDetails: null, status: booked.body.status });
    });
    await as('delete', `/v1/contacts/${doraId}`).expect(404);
    // The answer kept for the key of a request that changed nothing is not replayed once the contact is erased: it tells its details.
    expect((await as('patch', `/v1/contacts/${doraId}`, { name: 'Dora' }, unchangedKey).expect(404)).body.type).toBe('urn:kairos:problem:not-found');
    await as('patch', `/v1/contacts/${doraId}`, { name: 'Back' }).expect(404);
    await as('post', `/v1/contacts/${doraId}/notes`, { text: 'x' }).expect(404);

    expect(problemOf(await as('post', '/v1/bookings', { serviceId: service.id, slot: hourAt('2026-04-02', 10), contactId: doraId }).expect(404))).toEqual({
      type: 'urn:kairos:problem:not-found',
      error: { field: 'contactId', reason: 'not-found' },
    });
    const anew = await as('post', '/v1/bookings', { serviceId: service.id, slot: hourAt('2026-04-02', 10), contact: { name: 'Dora', email: 'DORA@example.com' } }).expect(201);
    expect(anew.body.contactId).not.toBe(doraId);
    expect(ids((await after(anew, '/v1/contacts?email=dora@example.com').expect(200)).body)).toEqual([anew.body.contactId]);
  });
};

describe('contacts over HTTP (embedded default)', () => contactsOverHttp({ engine: 'pglite' }));

describeWith('PostgreSQL', testServers.postgresUrl(), 'contacts over HTTP (PostgreSQL)', () => contactsOverHttp({ engine: 'postgres', postgresUrl: testServers.postgresUrl() }));

/** Bookings that all name one new email, on different free slots, so only the email's claim decides between them. */
describeWith('PostgreSQL', testServers.postgresUrl(), "a new email's first bookings under concurrency: two instances, one database", () => {
  const instances = twoInstances('contact', { clock: () => NOW });

  it('makes one contact for 20 concurrent bookings with one new email, and gives it all 20', async () => {
    const on = (t: () => TestApp) => caller(t, () => instances.a().tenant);
    const [a, b] = [on(instances.a), on(instances.b)];
    const service = await pricedAppointment(a);
    const slots = ['2026-03-30', '2026-03-31', '2026-04-01'].flatMap((day) => [9, 10, 11, 12, 13, 14, 15].map((hour) => hourAt(day, hour))).slice(0, 20);
    const answers = await Promise.all(slots.map((slot, i) => (i % 2 ? b : a)('post', '/v1/bookings', { serviceId: service.id, slot, contact: { name: 'Eva', email: i % 3 ? 'eva@example.com' : 'EVA@Example.com' } })));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(201));
    const contactIds = new Set(answers.map((r) => r.body.contactId));
    expect(contactIds.size).toBe(1);
    const [contactId] = contactIds;
    await eventually(async () => {
      const found = (await a('get', '/v1/contacts?email=eva@example.com').expect(200)).body;
      expect(found.items.map((c: { id: string }) => c.id)).toEqual([contactId]);
      expect((await a('get', `/v1/contacts/${contactId}/bookings?limit=50`).expect(200)).body.items).toHaveLength(20);
    }, 20_000);
    expect((await a('get', '/v1/contacts?q=eva').expect(200)).body.items).toHaveLength(1);
  });
});
