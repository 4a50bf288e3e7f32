import { TestApp, startApp } from './harness';

const NOW = new Date('2026-03-02T00:00:00Z'); // a Monday
const DAY = 86_400_000;
const ALL_WEEK = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];

interface Page {
  items: { start: string; end: string }[];
  nextCursor: string | null;
}

/** A default policy without booking window, one staff member with the given weekly hours (UTC), a service on them. */
const seedService = async (t: TestApp, hours: object, service: object) => {
  const as = (method: 'post' | 'patch', path: string, body: object) => t.http[method](path).set('Kairos-Tenant', t.tenant).send(body);
  await as('post', '/v1/booking-policies', { name: 'Any time', isDefault: true, earliestBookingMinutes: null, latestBookingMinutes: null }).expect(201);
  const staff = (await as('post', '/v1/resources', { type: 'STAFF', name: 'Ana' }).expect(201)).body;
  await as('patch', `/v1/schedules/${staff.scheduleId}`, { timeZone: 'UTC', workingHours: [hours] }).expect(200);
  const created = await as('post', '/v1/services', { name: 'Visit', type: 'APPOINTMENT', timeZone: 'UTC', resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }], ...service }).expect(201);
  return { serviceId: created.body.id as string, position: Number(created.headers['kairos-position']) };
};

const query = (t: TestApp, body: object) => t.http.post('/v1/availability/query').set('Kairos-Tenant', t.tenant).send(body);

/** Every page from the first, following nextCursor. */
const allPages = async (t: TestApp, body: object): Promise<Page[]> => {
  const pages: Page[] = [];
  let cursor: string | null | undefined;
  do {
    const page = (await query(t, { ...body, ...(cursor ? { cursor } : {}) }).expect(200)).body as Page;
    pages.push(page);
    cursor = page.nextCursor;
    if (pages.length > 500) throw new Error('the cursors do not end');
  } while (cursor);
  return pages;
};

describe('availability: work in proportion to the page (embedded default)', () => {
  let t: TestApp;
  let serviceId: string;
  let position: number;
  beforeAll(async () => {
    t = await startApp({ engine: 'pglite', clock: () => NOW });
    // Around the clock, every day: 30-minute slots every 15 minutes, for ever.
    ({ serviceId, position } = await seedService(t, { daysOfWeek: ALL_WEEK, startTime: '00:00', endTime: '00:00' }, { sessionDurations: [30], slotSplitIntervalMinutes: 15 }));
  });
  afterAll(async () => t?.close());

  it('answers the first page of a span to 9999-12-31, and its cursor the next', async () => {
    const body = { serviceId, from: NOW.toISOString(), to: '9999-12-31T23:59:59Z', limit: 1, minPosition: position };
    const first = (await query(t, body).expect(200)).body as Page;
    expect(first.items.map((s) => [s.start, s.end])).toEqual([['2026-03-02T00:00:00.000Z', '2026-03-02T00:30:00.000Z']]);
    expect(first.nextCursor).not.toBeNull();
    const second = (await query(t, { ...body, cursor: first.nextCursor }).expect(200)).body as Page;
    expect(second.items.map((s) => s.start)).toEqual(['2026-03-02T00:15:00.000Z']);
  }, 30_000);

  it('answers 100 slots of a 100-year span', async () => {
    const page = (await query(t, { serviceId, from: NOW.toISOString(), to: '2126-03-02T00:00:00Z', limit: 100 }).expect(200)).body as Page;
    expect(page.items.map((s) => Date.parse(s.start))).toEqual(Array.from({ length: 100 }, (_, i) => NOW.getTime() + i * 15 * 60_000));
    expect(page.nextCursor).not.toBeNull();
  }, 30_000);

  it('takes minPosition from the Kairos-Min-Position header and the query string, as the body field', async () => {
    const body = { serviceId, from: NOW.toISOString(), to: new Date(NOW.getTime() + DAY).toISOString(), limit: 1 };
    await query(t, body).set('Kairos-Min-Position', String(position)).expect(200);
    const byHeader = await query(t, body).set('Kairos-Min-Position', '999999999').expect(503);
    expect(byHeader.body.type).toBe('urn:kairos:problem:projection-lag');
    expect(byHeader.headers['retry-after']).toBe('1');
    const byParameter = await t.http.post('/v1/availability/query?minPosition=999999999').set('Kairos-Tenant', t.tenant).send(body).expect(503);
    expect(byParameter.body.type).toBe('urn:kairos:problem:projection-lag');
    const bad = await query(t, body).set('Kairos-Min-Position', 'soon').expect(400);
    expect(bad.body.errors).toEqual([{ field: 'Kairos-Min-Position', reason: 'not a non-negative integer' }]);
  }, 30_000);

  it('refuses a cursor it did not issue', async () => {
    const body = { serviceId, from: NOW.toISOString(), to: new Date(NOW.getTime() + DAY).toISOString() };
    const forged = await query(t, { ...body, cursor: 'not-a-cursor' }).expect(400);
    expect(forged.body.errors).toEqual([{ field: 'cursor', reason: 'not issued by this service' }]);
    // Well formed, but outside the span asked for.
    const elsewhere = Buffer.from(JSON.stringify([NOW.getTime() + 10 * DAY, null, {}])).toString('base64url');
    await query(t, { ...body, cursor: elsewhere }).expect(400);
  });
});

describe('availability: a walk that runs out of its budget answers a partial page with a cursor that goes on', () => {
  let t: TestApp;
  let serviceId: string;
  let position: number;
  beforeAll(async () => {
    // No time at all: every request computes one chunk and stops there.
    t = await startApp({ engine: 'pglite', clock: () => NOW, config: { availabilityBudgetMs: 0 } });
    // Weekdays 09:00–12:00: three 60-minute slots a weekday.
    ({ serviceId, position } = await seedService(t, { daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: '09:00', endTime: '12:00' }, { sessionDurations: [60] }));
  });
  afterAll(async () => t?.close());

  const threeWeeks = () => ({ serviceId, from: NOW.toISOString(), to: new Date(NOW.getTime() + 21 * DAY).toISOString() });
  const expected = Array.from({ length: 21 }, (_, day) => day)
    .filter((day) => day % 7 < 5)
    .flatMap((day) => [9, 10, 11].map((hour) => new Date(NOW.getTime() + day * DAY + hour * 3_600_000).toISOString()));

  it('stops after a chunk, short of the limit, and the cursors lead through every slot once', async () => {
    const first = (await query(t, { ...threeWeeks(), limit: 100, minPosition: position }).expect(200)).body as Page;
    // One chunk (some days) of the three weeks, though the limit would take them all.
    expect(first.items.length).toBeGreaterThan(0);
    expect(first.items.length).toBeLessThan(expected.length);
    expect(first.items.map((s) => s.start)).toEqual(expected.slice(0, first.items.length));
    expect(first.nextCursor).not.toBeNull();
    const pages = await allPages(t, { ...threeWeeks(), limit: 100 });
    expect(pages.flatMap((p) => p.items.map((s) => s.start))).toEqual(expected);
    expect(pages.length).toBeGreaterThan(1);
  }, 30_000);

  it('resumes within a day when a page fills up there', async () => {
    const pages = await allPages(t, { ...threeWeeks(), limit: 2 });
    expect(pages.flatMap((p) => p.items.map((s) => s.start))).toEqual(expected);
    expect(pages.every((p) => p.items.length <= 2)).toBe(true);
  }, 30_000);
});
