import { describeWith, eventually, testServers, uniqueName } from '@kairos/testing';
import { DurableTimer } from '../apps/kairos/src/infrastructure/durable-timer';
import { TestApp, buildForRunnerThread, startApp } from './harness';
import { RawMessage, endOffsets, messagesSince, problemsOf } from './kafka-conformance';

const contact = (n: number) => `0b7d2a8e-7c55-4b7a-9d2c-${String(n).padStart(12, '0')}`;

/** Four credits a month in Lisbon, the first week free, 30.00 EUR a month. */
const monthly = {
  name: 'Monthly membership',
  pricing: { type: 'SUBSCRIPTION', cycle: { unit: 'MONTH', length: 1 }, freeTrialDays: 7, price: { amountMinor: 3000, currency: 'EUR' } },
  benefit: { kind: 'LIMITED', credits: 4 },
  timeZone: 'Europe/Lisbon',
};

describe('plans and plan orders (embedded default)', () => {
  let t: TestApp;
  let now = new Date('2026-03-01T10:00:00Z');
  beforeAll(async () => (t = await startApp({ engine: 'pglite', clock: () => now })));
  afterAll(async () => t?.close());

  const as = (method: 'post' | 'patch' | 'get', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', t.tenant).send(body);
  const sweep = () => t.app.get(DurableTimer).sweep();
  /** The order once the read model has applied the write at `position`. */
  const order = async (id: string, position?: string) => (await as('get', `/v1/plan-orders/${id}${position ? `?minPosition=${position}` : ''}`).expect(200)).body;
  const purchase = async (planId: string, n: number) => as('post', '/v1/plan-orders', { planId, contactId: contact(n) }).expect(201);

  it('runs a monthly membership from its free trial across cycle boundaries, by the timer, without firing a cycle twice', async () => {
    now = new Date('2026-03-01T10:00:00Z');
    const plan = (await as('post', '/v1/plans', monthly).expect(201)).body;
    expect(plan).toMatchObject({ archivedAt: null, pricing: { cycleCount: null, duration: null }, benefit: { serviceIds: [] }, revision: 1 });
    const bought = await purchase(plan.id, 1);
    expect(bought.headers.location).toBe(`/v1/plan-orders/${bought.body.id}`);
    // In its trial the order is ACTIVE before it is paid; 1 March 10:00 in Lisbon (UTC in winter) + 7 days.
    expect(bought.body).toMatchObject({
      status: 'ACTIVE',
      paymentStatus: 'NOT_PAID',
      trialEndsAt: '2026-03-08T10:00:00.000Z',
      endsAt: null,
      currentCycle: { index: 0, startsAt: '2026-03-01T10:00:00.000Z', endsAt: '2026-03-08T10:00:00.000Z' },
      credits: { granted: 4, redeemed: 0, restored: 0, expired: 0, remaining: 4 },
      price: { amountMinor: 3000, currency: 'EUR' },
    });
    const paid = await as('post', `/v1/plan-orders/${bought.body.id}/payment`, { paymentStatus: 'PAID', amountPaid: 3000 }).expect(200);
    expect(paid.body).toMatchObject({ status: 'ACTIVE', paymentStatus: 'PAID', amountPaid: 3000, revision: 2 });
    await order(bought.body.id, paid.headers['kairos-position']);

    // Nothing is due a second before the trial ends.
    now = new Date('2026-03-08T09:59:59Z');
    await sweep();
    expect((await order(bought.body.id)).revision).toBe(2);

    // The first paid cycle runs a calendar month in Lisbon: summer time began on 29 March, so it ends at 09:00Z.
    now = new Date('2026-03-08T10:00:01Z');
    await sweep();
    await eventually(async () =>
      expect(await order(bought.body.id)).toMatchObject({
        revision: 3,
        currentCycle: { index: 1, startsAt: '2026-03-08T10:00:00.000Z', endsAt: '2026-04-08T09:00:00.000Z' },
        credits: { granted: 8, expired: 4, remaining: 4 },
      }),
    );
    await sweep();
    expect((await order(bought.body.id)).revision).toBe(3);

    now = new Date('2026-04-08T09:00:01Z');
    await sweep();
    await eventually(async () => expect(await order(bought.body.id)).toMatchObject({ revision: 4, currentCycle: { index: 2, endsAt: '2026-05-08T09:00:00.000Z' } }));

    const ledger = (await as('get', `/v1/plan-orders/${bought.body.id}/ledger`).expect(200)).body;
    expect(ledger.items.map((e: { kind: string; credits: number; remaining: number }) => [e.kind, e.credits, e.remaining])).toEqual([
      ['GRANTED', 4, 4],
      ['EXPIRED', 4, 0],
      ['GRANTED', 4, 4],
      ['EXPIRED', 4, 0],
      ['GRANTED', 4, 4],
    ]);
    const mine = (await as('get', `/v1/plan-orders?contactId=${contact(1)}`).expect(200)).body;
    expect(mine.items.map((o: { id: string; credits: { remaining: number } }) => [o.id, o.credits.remaining])).toEqual([[bought.body.id, 4]]);

    // The publisher follows the log on its own, behind or ahead of the projections.
    await eventually(() => {
      const published = t.published.filter((m) => m.key === bought.body.id);
      expect(published.map((m) => m.headers.ce_type)).toEqual([
        'kairos.plan-order.purchased.v1',
        'kairos.plan-order.payment-updated.v1',
        'kairos.plan-order.cycle-started.v1',
        'kairos.plan-order.cycle-started.v1',
      ]);
      expect(new Set(published.map((m) => m.topic))).toEqual(new Set(['kairos.memberships.v1']));
    });
  });

  it('starts a priced order without a trial once paid, and gives back the time it was paused', async () => {
    now = new Date('2026-03-01T10:00:00Z');
    const card = { name: 'Five classes', pricing: { type: 'SINGLE_PAYMENT', duration: { unit: 'MONTH', length: 3 }, price: { amountMinor: 5000, currency: 'EUR' } }, benefit: { kind: 'LIMITED', credits: 5 } };
    const plan = (await as('post', '/v1/plans', card).expect(201)).body;
    const bought = (await purchase(plan.id, 2)).body;
    expect(bought).toMatchObject({ status: 'PENDING', endsAt: '2026-06-01T10:00:00.000Z', currentCycle: { index: 1, endsAt: '2026-06-01T10:00:00.000Z' }, credits: { remaining: 5 } });
    const refused = await as('post', `/v1/plan-orders/${bought.id}/pause`, {}).expect(422);
    expect(refused.body.type).toBe('urn:kairos:problem:invalid-transition');
    await as('post', `/v1/plan-orders/${bought.id}/payment`, { paymentStatus: 'PARTIALLY_PAID', amountPaid: 2000 }).expect(200);
    expect((await as('post', `/v1/plan-orders/${bought.id}/payment`, { paymentStatus: 'PAID', amountPaid: 5000 }).expect(200)).body.status).toBe('ACTIVE');

    now = new Date('2026-03-02T10:00:00Z');
    expect((await as('post', `/v1/plan-orders/${bought.id}/pause`, { reason: 'travelling' }).expect(200)).body).toMatchObject({ status: 'PAUSED', pausedAt: '2026-03-02T10:00:00.000Z' });
    now = new Date('2026-03-12T10:00:00Z');
    const resumed = await as('post', `/v1/plan-orders/${bought.id}/resume`, {}).expect(200);
    expect(resumed.body).toMatchObject({ status: 'ACTIVE', pausedAt: null, endsAt: '2026-06-11T10:00:00.000Z', currentCycle: { endsAt: '2026-06-11T10:00:00.000Z' } });
    await as('post', `/v1/plan-orders/${bought.id}/resume`, {}).expect(422);
    await order(bought.id, resumed.headers['kairos-position']);

    // Its old end is no longer due; its new one is.
    now = new Date('2026-06-05T00:00:00Z');
    await sweep();
    expect((await order(bought.id)).status).toBe('ACTIVE');
    now = new Date('2026-06-11T10:00:01Z');
    await sweep();
    await eventually(async () => expect((await order(bought.id)).status).toBe('ENDED'));
    await eventually(() => {
      const ended = t.published.find((m) => m.key === bought.id && m.headers.ce_type === 'kairos.plan-order.ended.v1');
      expect(JSON.parse(ended?.value ?? 'null')).toMatchObject({ endedAt: '2026-06-11T10:00:00.000Z', previousStatus: 'ACTIVE', actor: 'SYSTEM' });
    });
    await as('post', `/v1/plan-orders/${bought.id}/cancel`, { effective: 'NOW' }).expect(422);
  });

  it('cancels at the end of the cycle by the timer, or at once', async () => {
    now = new Date('2026-03-01T10:00:00Z');
    const free = (await as('post', '/v1/plans', { ...monthly, pricing: { type: 'SUBSCRIPTION', cycle: { unit: 'WEEK', length: 2 } } }).expect(201)).body;
    const bought = (await purchase(free.id, 3)).body;
    expect(bought).toMatchObject({ status: 'ACTIVE', paymentStatus: 'EXEMPT', price: null, currentCycle: { index: 1, endsAt: '2026-03-15T10:00:00.000Z' } });
    const payment = await as('post', `/v1/plan-orders/${bought.id}/payment`, { paymentStatus: 'PAID', amountPaid: 0 }).expect(400);
    expect(payment.body.errors).toEqual([{ field: 'paymentStatus', reason: 'the order is free' }]);

    const scheduled = await as('post', `/v1/plan-orders/${bought.id}/cancel`, { effective: 'END_OF_CYCLE', reason: 'moving away' }).expect(200);
    expect(scheduled.body).toMatchObject({ status: 'ACTIVE', cancelEffectiveAt: '2026-03-15T10:00:00.000Z' });
    await order(bought.id, scheduled.headers['kairos-position']);
    now = new Date('2026-03-15T10:00:01Z');
    await sweep();
    await eventually(async () => expect(await order(bought.id)).toMatchObject({ status: 'CANCELED', currentCycle: { index: 1 } }));
    await eventually(() => {
      const canceled = t.published.find((m) => m.key === bought.id && m.headers.ce_type === 'kairos.plan-order.canceled.v1');
      expect(JSON.parse(canceled?.value ?? 'null')).toMatchObject({ effective: 'END_OF_CYCLE', actor: 'SYSTEM' });
    });

    const other = (await purchase(free.id, 4)).body;
    expect((await as('post', `/v1/plan-orders/${other.id}/cancel`, { effective: 'NOW' }).expect(200)).body.status).toBe('CANCELED');
    const filtered = (await as('get', `/v1/plan-orders?planId=${free.id}&status=CANCELED&minPosition=0`).expect(200)).body;
    expect(filtered.items).toHaveLength(2);
  });

  it('takes a coupon off an order\'s price, counts its use with the order and gives it back when the order is canceled at the end of its cycle', async () => {
    now = new Date('2026-03-01T10:00:00Z');
    const pack = (await as('post', '/v1/plans', { ...monthly, pricing: { type: 'SUBSCRIPTION', cycle: { unit: 'MONTH', length: 1 }, price: { amountMinor: 3000, currency: 'EUR' } } }).expect(201)).body;
    const coupon = (await as('post', '/v1/coupons', { code: 'Welcome', name: 'First month', discountType: 'FIXED', amountOffMinor: 1000, usageLimit: 1, planIds: [pack.id] }).expect(201)).body;
    const bought = await as('post', '/v1/plan-orders', { planId: pack.id, contactId: contact(7), couponCode: 'WELCOME' }).expect(201);
    expect(bought.body).toMatchObject({ status: 'PENDING', couponCode: 'Welcome', price: { amountMinor: 2000, currency: 'EUR' } });
    const second = await as('post', '/v1/plan-orders', { planId: pack.id, contactId: contact(8), couponCode: 'welcome' }).expect(422);
    expect(second.body).toMatchObject({ type: 'urn:kairos:problem:coupon-invalid', errors: [{ field: 'couponCode', reason: 'usage-limit-reached' }] });
    const unknown = await as('post', '/v1/plan-orders', { planId: pack.id, contactId: contact(8), couponCode: 'NOPE' }).expect(422);
    expect(unknown.body.errors).toEqual([{ field: 'couponCode', reason: 'not-found' }]);

    const paid = await as('post', `/v1/plan-orders/${bought.body.id}/payment`, { paymentStatus: 'PAID', amountPaid: 2000 }).expect(200);
    const scheduled = await as('post', `/v1/plan-orders/${bought.body.id}/cancel`, { effective: 'END_OF_CYCLE' }).expect(200);
    await order(bought.body.id, scheduled.headers['kairos-position']);
    expect((await as('get', `/v1/coupons/${coupon.id}?minPosition=${paid.headers['kairos-position']}`).expect(200)).body.uses).toBe(1);
    now = new Date('2026-04-01T10:00:01Z');
    await sweep();
    await eventually(async () => expect(await order(bought.body.id)).toMatchObject({ status: 'CANCELED' }));
    await eventually(async () => expect((await as('get', `/v1/coupons/${coupon.id}`).expect(200)).body.uses).toBe(0));
    const usage = (await as('get', `/v1/coupons/${coupon.id}/usage`).expect(200)).body.items;
    expect(usage).toEqual([expect.objectContaining({ planOrderId: bought.body.id, bookingId: null, discountMinor: 1000, status: 'RELEASED' })]);
    // Given back, the use is there for the next order.
    await as('post', '/v1/plan-orders', { planId: pack.id, contactId: contact(8), couponCode: 'welcome' }).expect(201);
  });

  it('takes no new order for an archived plan, and lets existing orders go on', async () => {
    now = new Date('2026-03-01T10:00:00Z');
    const plan = (await as('post', '/v1/plans', monthly).expect(201)).body;
    const before = (await purchase(plan.id, 5)).body;
    const renamed = await as('patch', `/v1/plans/${plan.id}`, { name: 'Monthly (old)' }).set('If-Match', '1').expect(200);
    expect(renamed.body).toMatchObject({ name: 'Monthly (old)', revision: 2 });
    const archived = await as('post', `/v1/plans/${plan.id}/archive`, {}).expect(200);
    expect(archived.body.archivedAt).toBe('2026-03-01T10:00:00.000Z');
    const refused = await as('post', '/v1/plan-orders', { planId: plan.id, contactId: contact(6) }).expect(422);
    expect(refused.body).toMatchObject({ type: 'urn:kairos:problem:invalid-transition', errors: [{ field: 'planId', reason: 'archived' }] });
    await as('patch', `/v1/plans/${plan.id}`, { name: 'again' }).expect(422);
    expect((await as('post', `/v1/plan-orders/${before.id}/pause`, {}).expect(200)).body.planSnapshot.name).toBe('Monthly membership');

    const listed = (await as('get', `/v1/plans?archived=true&minPosition=${archived.headers['kairos-position']}`).expect(200)).body;
    expect(listed.items.map((p: { id: string }) => p.id)).toEqual([plan.id]);
    const unknown = await as('post', '/v1/plan-orders', { planId: contact(99), contactId: contact(6) }).expect(404);
    expect(unknown.body.errors).toEqual([{ field: 'planId', reason: 'no such plan' }]);
    await as('post', '/v1/plans', { ...monthly, benefit: { kind: 'LIMITED', credits: 4, serviceIds: [contact(98)] } }).expect(404);
    const invalid = await as('post', '/v1/plans', { ...monthly, pricing: { type: 'SUBSCRIPTION' } }).expect(400);
    expect(invalid.body.errors).toEqual([{ field: 'pricing.cycle', reason: 'a SUBSCRIPTION needs a cycle' }]);
    const bare = await as('post', '/v1/plans', { name: 'Bare' }).expect(400);
    expect(bare.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['pricing', 'benefit']));
  });
});

const postgresAndKafka = testServers.postgresUrl() && testServers.kafkaBrokers();

describeWith('PostgreSQL and Kafka', postgresAndKafka, 'plan order timers across a restart (PostgreSQL + Kafka)', () => {
  // Read when the suite runs: a skipped suite's body still runs, without a broker.
  const brokers = () => testServers.kafkaBrokers()!.split(',');
  let now = new Date('2026-03-01T10:00:00Z');
  buildForRunnerThread();

  it('fires every cycle due while the app was down once, and publishes it to kairos.memberships.v1 as a CloudEvent', async () => {
    const schema = uniqueName('plans');
    const url = testServers.postgresUrl();
    const start = () => startApp({ engine: 'postgres', postgresUrl: url, schema, kafkaBrokers: brokers(), clock: () => now });
    let t = await start();
    try {
      await t.http.get('/health/ready').expect(200);
      const since = await endOffsets(brokers());
      const tenant = t.tenant;
      const as = (path: string, body?: object) => t.http.post(path).set('Kairos-Tenant', tenant).send(body);
      const plan = (await as('/v1/plans', monthly).expect(201)).body;
      const bought = await as('/v1/plan-orders', { planId: plan.id, contactId: contact(1) }).expect(201);
      const id = bought.body.id as string;
      await t.http.get(`/v1/plan-orders/${id}?minPosition=${bought.headers['kairos-position']}`).set('Kairos-Tenant', tenant).expect(200);

      now = new Date('2026-03-08T10:00:01Z');
      await t.app.get(DurableTimer).sweep();
      await t.close();

      // While it is down the first paid cycle ends too: the restarted app finds it due and fires it, once.
      now = new Date('2026-04-08T09:00:01Z');
      t = await start();
      await t.app.get(DurableTimer).sweep();
      await t.app.get(DurableTimer).sweep();
      await eventually(async () => {
        const seen = (await t.http.get(`/v1/plan-orders/${id}`).set('Kairos-Tenant', tenant).expect(200)).body;
        expect(seen).toMatchObject({ revision: 3, currentCycle: { index: 2 } });
      }, 30_000);

      let messages: RawMessage[] = [];
      await eventually(async () => {
        messages = (await messagesSince(brokers(), since)).filter((m) => m.key === id);
        expect(messages).toHaveLength(3);
      }, 30_000);
      expect(messages.map((m) => [m.topic, m.headers.ce_type, JSON.parse(m.value).cycle?.index ?? null])).toEqual([
        ['kairos.memberships.v1', 'kairos.plan-order.purchased.v1', null],
        ['kairos.memberships.v1', 'kairos.plan-order.cycle-started.v1', 1],
        ['kairos.memberships.v1', 'kairos.plan-order.cycle-started.v1', 2],
      ]);
      expect(messages[1].headers).toMatchObject({ ce_source: '/kairos/memberships', ce_subject: id, kairos_tenant: tenant, kairos_revision: '2' });
      expect(messages.flatMap(problemsOf)).toEqual([]);
    } finally {
      await t.close();
      const { PgClient } = await import('@kairos/sql');
      const cleanup = new PgClient({ url: url! });
      await cleanup.query(`drop schema if exists ${schema} cascade`);
      await cleanup.close();
    }
  }, 120_000);
});
