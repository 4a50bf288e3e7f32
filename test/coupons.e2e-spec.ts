import { describeWith, eventually, testServers } from '@kairos/testing';
import { TestApp, startApp, twoInstances } from './harness';

const NOW = new Date('2026-03-28T00:00:00Z');
const weekdays = { daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: '09:00', endTime: '17:00' };
const contact = (n: number) => `0b7d2a8e-7c55-4b7a-9d2c-${String(n).padStart(12, '0')}`;
const slot = (start: string, end: string) => ({ start, end });
const hourAt = (day: string, hour: number) => slot(`${day}T${String(hour).padStart(2, '0')}:00:00Z`, `${day}T${String(hour + 1).padStart(2, '0')}:00:00Z`);

type Call = (method: 'post' | 'patch' | 'get', path: string, body?: object) => ReturnType<TestApp['http']['post']>;

/** A staff member working weekdays 09–17 (London) and a 60-minute service of theirs at 25.00 EUR. */
const pricedAppointment = async (as: Call) => {
  const staff = (await as('post', '/v1/resources', { type: 'STAFF', name: 'Ana' }).expect(201)).body;
  await as('patch', `/v1/schedules/${staff.scheduleId}`, { timeZone: 'Europe/London', workingHours: [weekdays] }).expect(200);
  return (
    await as('post', '/v1/services', {
      name: 'Cut',
      type: 'APPOINTMENT',
      sessionDurations: [60],
      timeZone: 'Europe/London',
      resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }],
      payment: { rateType: 'FIXED', price: { amount: '25.00', currency: 'EUR' } },
    }).expect(201)
  ).body;
};

describe('coupons and prices over HTTP (embedded default)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp({ engine: 'pglite', clock: () => NOW })));
  afterAll(async () => t?.close());

  const as: Call = (method, path, body) => t.http[method](path).set('Kairos-Tenant', t.tenant).send(body);
  const read = async (path: string, write: { headers: Record<string, string> }) => (await as('get', `${path}${path.includes('?') ? '&' : '?'}minPosition=${write.headers['kairos-position']}`).expect(200)).body;
  const reasonOf = (res: { body: { errors: { field: string; reason: string }[] } }) => res.body.errors[0];

  it('keeps codes unique whatever their case, validates, prices, and counts uses with the bookings that take and give them back', async () => {
    const service = await pricedAppointment(as);
    const created = await as('post', '/v1/coupons', { code: 'Spring10', name: 'Spring', discountType: 'PERCENT', percentOff: 10, usageLimit: 2 }).expect(201);
    expect(created.headers.location).toBe(`/v1/coupons/${created.body.id}`);
    expect(created.body).toMatchObject({ code: 'Spring10', uses: 0, revision: 1, archivedAt: null, validFrom: null, perContactLimit: null });
    const coupon = created.body;

    const taken = await as('post', '/v1/coupons', { code: 'SPRING10', name: 'Again', discountType: 'FIXED', amountOffMinor: 500 }).expect(409);
    expect(taken.body.type).toBe('urn:kairos:problem:already-exists');
    expect(reasonOf(taken)).toEqual({ field: 'code', reason: 'taken' });
    const refused = await as('post', '/v1/coupons', { code: 'HALF', name: 'Half', discountType: 'PERCENT', amountOffMinor: 500 }).expect(400);
    expect(refused.body.errors).toEqual([
      { field: 'percentOff', reason: 'a PERCENT coupon takes 1–100' },
      { field: 'amountOffMinor', reason: 'only for a FIXED coupon' },
    ]);

    const valid = await as('post', '/v1/coupons/validate', { code: 'spring10', serviceId: service.id }).expect(200);
    expect(valid.body).toEqual({ couponId: coupon.id, code: 'Spring10', discountType: 'PERCENT', discountMinor: 250, currency: 'EUR', subtotalMinor: 2500, totalMinor: 2250 });
    const unknown = await as('post', '/v1/coupons/validate', { code: 'NOPE', serviceId: service.id }).expect(422);
    expect(unknown.body.type).toBe('urn:kairos:problem:coupon-invalid');
    expect(reasonOf(unknown)).toEqual({ field: 'couponCode', reason: 'not-found' });
    const preview = await as('post', '/v1/prices/preview', { serviceId: service.id, partySize: 3, couponCode: 'SPRING10' }).expect(200);
    expect(preview.body).toEqual({
      currency: 'EUR',
      rateType: 'FIXED',
      unitAmountMinor: 2500,
      partySize: 3,
      subtotalMinor: 7500,
      depositMinor: null,
      couponCode: 'Spring10',
      discountMinor: 750,
      planOrderId: null,
      coveredByPlanMinor: 0,
      totalMinor: 6750,
    });

    const book = (n: number, day: string) => as('post', '/v1/bookings', { serviceId: service.id, slot: hourAt(day, 9), contactId: contact(n), couponCode: 'sPrInG10' });
    const first = await book(1, '2026-03-30').expect(201);
    expect(first.body).toMatchObject({ couponCode: 'Spring10', price: { amount: '25.00', currency: 'EUR' }, priceSnapshot: { subtotalMinor: 2500, couponCode: 'Spring10', discountMinor: 250, totalMinor: 2250 } });
    await book(2, '2026-03-31').expect(201);
    const third = await book(3, '2026-04-01').expect(422);
    expect(third.body.type).toBe('urn:kairos:problem:coupon-invalid');
    expect(reasonOf(third)).toEqual({ field: 'couponCode', reason: 'usage-limit-reached' });
    // The refused booking appended nothing: its slot is still free.
    await as('post', '/v1/bookings', { serviceId: service.id, slot: hourAt('2026-04-01', 9), contactId: contact(3) }).expect(201);

    const canceled = await as('post', `/v1/bookings/${first.body.id}/cancel`).expect(200);
    expect(await read(`/v1/coupons/${coupon.id}`, canceled)).toMatchObject({ uses: 1, revision: 4 });
    const again = await book(3, '2026-04-02').expect(201);
    expect(await read(`/v1/coupons/${coupon.id}`, again)).toMatchObject({ uses: 2 });
    const usage = await read(`/v1/coupons/${coupon.id}/usage`, again);
    expect(usage.items.map((u: { bookingId: string; status: string }) => [u.bookingId, u.status])).toEqual(
      expect.arrayContaining([
        [first.body.id, 'RELEASED'],
        [again.body.id, 'ACTIVE'],
      ]),
    );
    expect(usage.items).toHaveLength(3);

    // A reschedule keeps the use; a decline or cancel gives it back, once.
    const moved = await as('post', `/v1/bookings/${again.body.id}/reschedule`, { slot: hourAt('2026-04-02', 11) }).expect(200);
    expect(moved.body).toMatchObject({ couponCode: 'Spring10', priceSnapshot: { discountMinor: 250 } });
    expect(await read(`/v1/coupons/${coupon.id}`, moved)).toMatchObject({ uses: 2 });

    // The publisher follows the log on its own, behind or ahead of the projections.
    await eventually(() => {
      const published = t.published.filter((m) => m.headers.kairos_tenant === t.tenant && m.topic === 'kairos.memberships.v1').map((m) => m.headers.ce_type);
      expect(published).toEqual(expect.arrayContaining(['kairos.coupon.created.v1', 'kairos.coupon.redeemed.v1', 'kairos.coupon.released.v1']));
    });
  });

  it('refuses a coupon with a membership, an archived or scoped-away coupon, and one past its contact limit', async () => {
    const service = await pricedAppointment(as);
    await as('post', '/v1/coupons', { code: 'ONCE', name: 'Once each', discountType: 'FIXED', amountOffMinor: 5000, perContactLimit: 1 }).expect(201);
    const other = (await as('post', '/v1/coupons', { code: 'ELSEWHERE', name: 'Not here', discountType: 'PERCENT', percentOff: 50, serviceIds: [contact(99)] }).expect(201)).body;
    const gone = (await as('post', '/v1/coupons', { code: 'GONE', name: 'Archived', discountType: 'PERCENT', percentOff: 50 }).expect(201)).body;
    await as('post', `/v1/coupons/${gone.id}/archive`).expect(200);
    await as('post', `/v1/coupons/${gone.id}/archive`).expect(422);
    await as('patch', `/v1/coupons/${other.id}`, { name: 'Elsewhere' }).expect(200);

    const book = (n: number, hour: number, extra: object) => as('post', '/v1/bookings', { serviceId: service.id, slot: hourAt('2026-03-30', hour), contactId: contact(n), ...extra });
    const membership = await book(1, 9, { couponCode: 'ONCE', selectedPaymentOption: 'MEMBERSHIP' }).expect(422);
    expect(membership.body.type).toBe('urn:kairos:problem:coupon-not-combinable');
    expect(reasonOf(membership)).toEqual({ field: 'couponCode', reason: 'not with a membership' });
    expect(reasonOf(await book(1, 9, { couponCode: 'GONE' }).expect(422))).toEqual({ field: 'couponCode', reason: 'archived' });
    expect(reasonOf(await book(1, 9, { couponCode: 'ELSEWHERE' }).expect(422))).toEqual({ field: 'couponCode', reason: 'not-applicable' });

    // A fixed amount above the price takes the whole price, never below zero.
    const free = await book(1, 9, { couponCode: 'once' }).expect(201);
    expect(free.body.priceSnapshot).toMatchObject({ discountMinor: 2500, totalMinor: 0 });
    expect(reasonOf(await book(1, 10, { couponCode: 'ONCE' }).expect(422))).toEqual({ field: 'couponCode', reason: 'per-contact-limit-reached' });
    await book(2, 10, { couponCode: 'ONCE' }).expect(201);
  });

  it('gives the uses back when their class session is canceled', async () => {
    const yoga = (await as('post', '/v1/services', { name: 'Yoga', type: 'CLASS', defaultCapacity: 5, timeZone: 'Europe/London', payment: { rateType: 'FIXED', price: { amount: '12.50', currency: 'EUR' } } }).expect(201)).body;
    const session = (await as('post', `/v1/schedules/${yoga.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-03-31T18:00', localEnd: '2026-03-31T19:00' }).expect(201)).body;
    const coupon = (await as('post', '/v1/coupons', { code: 'YOGA5', name: 'Yoga', discountType: 'FIXED', amountOffMinor: 500, serviceIds: [yoga.id] }).expect(201)).body;
    const seat = await as('post', '/v1/bookings', { sessionId: session.id, contactId: contact(1), couponCode: 'yoga5' }).expect(201);
    expect(seat.body.priceSnapshot).toMatchObject({ unitAmountMinor: 1250, partySize: 1, subtotalMinor: 1250, discountMinor: 500, totalMinor: 750 });
    await as('post', '/v1/bookings', { sessionId: session.id, contactId: contact(2), couponCode: 'YOGA5' }).expect(201);

    const canceled = await as('post', `/v1/sessions/${session.id}/cancel`).expect(200);
    expect(await read(`/v1/coupons/${coupon.id}`, canceled)).toMatchObject({ uses: 0 });
    const usage = await read(`/v1/coupons/${coupon.id}/usage`, canceled);
    expect(usage.items.map((u: { status: string }) => u.status)).toEqual(['RELEASED', 'RELEASED']);
  });
});

/**
 * Two instances of the app on one PostgreSQL database: racers for a coupon's last use book
 * different free slots, so only the coupon's stream decides between them.
 */
describeWith('PostgreSQL', testServers.postgresUrl(), "a coupon's last use under concurrency: two instances, one database", () => {
  const instances = twoInstances('coupon', { clock: () => NOW });

  it('gives the one use of a coupon to exactly one of 20 concurrent bookings', async () => {
    const [a, b] = [instances.a(), instances.b()];
    const on = (t: TestApp): Call => (method, path, body) => t.http[method](path).set('Kairos-Tenant', instances.a().tenant).send(body);
    const service = await pricedAppointment(on(a));
    const coupon = (await on(a)('post', '/v1/coupons', { code: 'LAST1', name: 'Last one', discountType: 'PERCENT', percentOff: 20, usageLimit: 1 }).expect(201)).body;
    const slots = ['2026-03-30', '2026-03-31', '2026-04-01'].flatMap((day) => [9, 10, 11, 12, 13, 14, 15].map((hour) => hourAt(day, hour))).slice(0, 20);
    const answers = await Promise.all(
      slots.map((s, i) => on(i % 2 ? b : a)('post', '/v1/bookings', { serviceId: service.id, slot: s, contactId: contact(i + 1), couponCode: 'last1' })),
    );
    const outcomes = answers.map((r) => (r.status === 201 ? '201' : `${r.status} ${r.body.type} ${r.body.errors?.[0]?.reason}`));
    expect(outcomes.filter((o) => o === '201')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== '201')).toEqual(Array(19).fill('422 urn:kairos:problem:coupon-invalid usage-limit-reached'));
    const winner = answers.find((r) => r.status === 201)!;
    expect(winner.body).toMatchObject({ couponCode: 'LAST1', priceSnapshot: { discountMinor: 500, totalMinor: 2000 } });
    await eventually(async () => {
      const view = (await on(a)('get', `/v1/coupons/${coupon.id}`).expect(200)).body;
      expect(view).toMatchObject({ uses: 1, revision: 2 });
    }, 20_000);
  });
});
