import { describeWith, eventually, testServers } from '@kairos/testing';
import { TestApp, buildForRunnerThread, startApp } from './harness';
import { Follower, endOffsets, follow, report } from './kafka-conformance';

const NOW = new Date('2026-03-28T00:00:00Z');
const contact = (n: number) => `7d3f1c2a-4b5e-4c6d-9e8f-${String(n).padStart(12, '0')}`;

interface Ledger {
  kind: 'GRANTED' | 'EXPIRED' | 'REDEEMED' | 'RESTORED';
  bookingId: string | null;
  credits: number;
  remaining: number | null;
}

/** What a test needs of one app: requests as the business or a customer, and the steps a punch card takes. */
const plansOn = (app: () => TestApp) => {
  const as = (method: 'post' | 'get' | 'patch', path: string, body?: object) => app().http[method](path).set('Kairos-Tenant', app().tenant).send(body);
  const customer = (path: string, body?: object) => app().http.post(path).set('Kairos-Tenant', app().tenant).set('Kairos-Actor', 'CUSTOMER').send(body);
  const positionOf = (res: { headers: Record<string, string> }) => res.headers['kairos-position'];

  /** A class with a session at each local start (London), an hour long. */
  const classWithSessions = async (name: string, starts: string[], extra: object = {}) => {
    const cls = (await as('post', '/v1/services', { name, type: 'CLASS', defaultCapacity: 10, timeZone: 'Europe/London', ...extra }).expect(201)).body;
    const sessions: { id: string }[] = [];
    for (const localStart of starts) {
      const localEnd = `${localStart.slice(0, 11)}${String(Number(localStart.slice(11, 13)) + 1).padStart(2, '0')}:00`;
      sessions.push((await as('post', `/v1/schedules/${cls.scheduleId}/sessions`, { type: 'EVENT', localStart, localEnd }).expect(201)).body);
    }
    return { cls, sessions };
  };

  /** A punch card for these services, bought by the contact and paid: ACTIVE, and in the read model the bookings choose from. */
  const punchCard = async (contactId: string, serviceIds: string[], credits = 5) => {
    const plan = (
      await as('post', '/v1/plans', {
        name: `${credits} classes`,
        pricing: { type: 'SINGLE_PAYMENT', duration: { unit: 'MONTH', length: 3 }, price: { amountMinor: 5000, currency: 'EUR' } },
        benefit: { kind: 'LIMITED', credits, serviceIds },
        timeZone: 'Europe/London',
      }).expect(201)
    ).body;
    const bought = (await as('post', '/v1/plan-orders', { planId: plan.id, contactId }).expect(201)).body;
    expect(bought).toMatchObject({ status: 'PENDING', credits: { remaining: credits } });
    const paid = await as('post', `/v1/plan-orders/${bought.id}/payment`, { paymentStatus: 'PAID', amountPaid: 5000 }).expect(200);
    expect(paid.body).toMatchObject({ status: 'ACTIVE' });
    await as('get', `/v1/plan-orders/${bought.id}?minPosition=${positionOf(paid)}`).expect(200);
    return { plan, order: paid.body };
  };

  const orderAt = async (id: string, position: string) => (await as('get', `/v1/plan-orders/${id}?minPosition=${position}`).expect(200)).body;
  const ledgerAt = async (id: string, position: string): Promise<Ledger[]> => (await as('get', `/v1/plan-orders/${id}/ledger?limit=100&minPosition=${position}`).expect(200)).body.items;

  return { as, customer, positionOf, classWithSessions, punchCard, orderAt, ledgerAt };
};

describe('bookings paid with a plan order redeem and give back its credits (embedded default)', () => {
  let t: TestApp;
  let now = NOW;
  beforeAll(async () => (t = await startApp({ engine: 'pglite', clock: () => now })));
  afterAll(async () => t?.close());
  beforeEach(() => (now = NOW));

  const { as, customer, positionOf, classWithSessions, punchCard, orderAt, ledgerAt } = plansOn(() => t);
  const refusal = (res: { body: { type: string; errors?: { field: string; reason: string }[] } }) => [res.body.type, res.body.errors?.[0]];

  it('a punch card: 5 bookings take its 5 credits, the 6th is refused, a cancel inside the window gives one back, and the ledger names each booking', async () => {
    const me = contact(1);
    const { cls, sessions } = await classWithSessions('Yoga', ['2026-03-30T18:00', '2026-03-31T18:00', '2026-04-01T18:00', '2026-04-02T18:00', '2026-04-03T08:00', '2026-04-03T18:00']);
    const { order } = await punchCard(me, [cls.id]);

    const booked: { id: string }[] = [];
    let position = '0';
    for (const session of sessions.slice(0, 5)) {
      const res = await customer('/v1/bookings', { sessionId: session.id, contactId: me, selectedPaymentOption: 'MEMBERSHIP' }).expect(201);
      expect(res.body).toMatchObject({ status: 'CONFIRMED', planOrderId: order.id, paymentStatus: 'EXEMPT' });
      booked.push(res.body);
      position = positionOf(res);
    }
    const sixth = await customer('/v1/bookings', { sessionId: sessions[5].id, contactId: me, selectedPaymentOption: 'MEMBERSHIP' }).expect(422);
    expect(refusal(sixth)).toEqual(['urn:kairos:problem:no-eligible-plan', { field: 'planOrderId', reason: 'insufficient-credits' }]);
    // A taken id is a conflict whatever the credits.
    await customer('/v1/bookings', { id: booked[4].id, sessionId: sessions[4].id, contactId: me, selectedPaymentOption: 'MEMBERSHIP' }).expect(409);
    // Refused whole: the booking was not made.
    expect((await as('get', `/v1/bookings?sessionId=${sessions[5].id}&minPosition=${position}`).expect(200)).body.items).toEqual([]);
    expect((await orderAt(order.id, position)).credits).toEqual({ granted: 5, redeemed: 5, restored: 0, expired: 0, remaining: 0 });

    // Monday's class is more than a day ahead: inside the window, the customer's cancel gives the credit back.
    const canceled = await customer(`/v1/bookings/${booked[0].id}/cancel`).expect(200);
    expect(canceled.body).toMatchObject({ status: 'CANCELED', cancellation: { withinPolicy: true } });
    expect((await orderAt(order.id, positionOf(canceled))).credits).toEqual({ granted: 5, redeemed: 5, restored: 1, expired: 0, remaining: 1 });
    const again = await customer('/v1/bookings', { sessionId: sessions[5].id, contactId: me, selectedPaymentOption: 'MEMBERSHIP_OFFLINE', planOrderId: order.id }).expect(201);
    expect(again.body).toMatchObject({ planOrderId: order.id, selectedPaymentOption: 'MEMBERSHIP_OFFLINE' });
    expect((await orderAt(order.id, positionOf(again))).credits.remaining).toBe(0);

    const ledger = await ledgerAt(order.id, positionOf(again));
    expect(ledger.map(({ kind, bookingId, credits, remaining }) => ({ kind, bookingId, credits, remaining }))).toEqual([
      { kind: 'GRANTED', bookingId: null, credits: 5, remaining: 5 },
      ...booked.map((b, i) => ({ kind: 'REDEEMED', bookingId: b.id, credits: 1, remaining: 4 - i })),
      { kind: 'RESTORED', bookingId: booked[0].id, credits: 1, remaining: 1 },
      { kind: 'REDEEMED', bookingId: again.body.id, credits: 1, remaining: 0 },
    ]);
    // The publisher follows the log on its own, behind or ahead of the projections.
    await eventually(() => {
      const canceledMessage = t.published.map((m) => JSON.parse(m.value)).find((m) => m.id === booked[0].id && 'creditsRestored' in m);
      expect(canceledMessage).toMatchObject({ withinPolicy: true, creditsRestored: true });
    });
  });

  it('outside the window a customer may not cancel; the business cancels and gives the credit back only with restoreCredit', async () => {
    const me = contact(2);
    const { cls, sessions } = await classWithSessions('Spin', ['2026-03-30T18:00', '2026-03-30T20:00']);
    const { order } = await punchCard(me, [cls.id]);
    const first = (await customer('/v1/bookings', { sessionId: sessions[0].id, contactId: me, selectedPaymentOption: 'MEMBERSHIP' }).expect(201)).body;
    const second = (await customer('/v1/bookings', { sessionId: sessions[1].id, contactId: me, selectedPaymentOption: 'MEMBERSHIP' }).expect(201)).body;

    // Both classes are now less than a day ahead.
    now = new Date('2026-03-30T12:00:00Z');
    const late = await customer(`/v1/bookings/${first.id}/cancel`).expect(422);
    expect(refusal(late)).toEqual(['urn:kairos:problem:policy-violation', { field: 'slot', reason: 'cancel-window' }]);
    const kept = await as('post', `/v1/bookings/${first.id}/cancel`, { ignorePolicy: true }).expect(200);
    expect(kept.body.cancellation).toEqual({ reason: null, actor: 'BUSINESS', withinPolicy: false });
    expect((await orderAt(order.id, positionOf(kept))).credits.remaining).toBe(3);
    const restored = await as('post', `/v1/bookings/${second.id}/cancel`, { ignorePolicy: true, restoreCredit: true }).expect(200);
    expect((await orderAt(order.id, positionOf(restored))).credits).toMatchObject({ redeemed: 2, restored: 1, remaining: 4 });
  });

  it('a declined request gives its credits back; a reschedule keeps them, but not past the order\'s end; canceling the session gives them back', async () => {
    const me = contact(3);
    // This service names the plan in its payment instead of the plan naming it.
    const { cls, sessions } = await classWithSessions('Pilates', ['2026-04-01T18:00', '2026-04-02T18:00', '2026-07-01T18:00'], { onlineBooking: { enabled: true, requireManualApproval: true, allowMultipleRequests: false } });
    const { order, plan } = await punchCard(me, []);
    await as('patch', `/v1/services/${cls.id}`, { payment: { rateType: 'NO_FEE', planIds: [plan.id] } }).expect(200);

    const request = (await customer('/v1/bookings', { sessionId: sessions[0].id, contactId: me, selectedPaymentOption: 'MEMBERSHIP' }).expect(201)).body;
    expect(request).toMatchObject({ status: 'PENDING', planOrderId: order.id });
    const declined = await as('post', `/v1/bookings/${request.id}/decline`, { reason: 'full' }).expect(200);
    expect((await orderAt(order.id, positionOf(declined))).credits).toMatchObject({ redeemed: 1, restored: 1, remaining: 5 });

    const booking = (await as('post', '/v1/bookings', { sessionId: sessions[0].id, contactId: me, selectedPaymentOption: 'MEMBERSHIP' }).expect(201)).body;
    // The card runs three months: a move past its end keeps no credit, so it is refused and the booking stays.
    const pastEnd = await as('post', `/v1/bookings/${booking.id}/reschedule`, { sessionId: sessions[2].id, ignorePolicy: true }).expect(422);
    expect(refusal(pastEnd)).toEqual(['urn:kairos:problem:no-eligible-plan', { field: 'planOrderId', reason: 'order-ends-before-slot' }]);
    const moved = await as('post', `/v1/bookings/${booking.id}/reschedule`, { sessionId: sessions[1].id }).expect(200);
    expect(moved.body).toMatchObject({ sessionId: sessions[1].id, planOrderId: order.id });
    expect((await orderAt(order.id, positionOf(moved))).credits).toMatchObject({ redeemed: 2, restored: 1, remaining: 4 });

    const sessionCanceled = await as('post', `/v1/sessions/${sessions[1].id}/cancel`).expect(200);
    expect((await as('get', `/v1/bookings/${booking.id}?minPosition=${positionOf(sessionCanceled)}`).expect(200)).body).toMatchObject({ status: 'CANCELED' });
    expect((await orderAt(order.id, positionOf(sessionCanceled))).credits).toMatchObject({ redeemed: 2, restored: 2, remaining: 5 });
    const ledger = await ledgerAt(order.id, positionOf(sessionCanceled));
    expect(ledger.filter((e) => e.bookingId === booking.id).map((e) => [e.kind, e.credits])).toEqual([
      ['REDEEMED', 1],
      ['RESTORED', 1],
    ]);
  });

  it('a party that grows takes the difference (refused when short) and one that shrinks gives it back', async () => {
    const me = contact(4);
    const policy = (await as('post', '/v1/booking-policies', { name: 'Groups', maxParticipantsPerBooking: 4 }).expect(201)).body;
    const { cls, sessions } = await classWithSessions('Barre', ['2026-04-01T18:00'], { bookingPolicyId: policy.id });
    const { order } = await punchCard(me, [cls.id], 3);
    const booking = (await as('post', '/v1/bookings', { sessionId: sessions[0].id, contactId: me, partySize: 2, selectedPaymentOption: 'MEMBERSHIP' }).expect(201)).body;
    const short = await as('post', `/v1/bookings/${booking.id}/participants`, { partySize: 4 }).expect(422);
    expect(refusal(short)).toEqual(['urn:kairos:problem:no-eligible-plan', { field: 'planOrderId', reason: 'insufficient-credits' }]);
    const grown = await as('post', `/v1/bookings/${booking.id}/participants`, { partySize: 3 }).expect(200);
    expect((await orderAt(order.id, positionOf(grown))).credits.remaining).toBe(0);
    const shrunk = await as('post', `/v1/bookings/${booking.id}/participants`, { partySize: 1 }).expect(200);
    expect((await orderAt(order.id, positionOf(shrunk))).credits).toMatchObject({ redeemed: 3, restored: 2, remaining: 2 });
  });

  it('refuses an order that is not the contact\'s, a contact without a covering order, and a plan payment without a contact id', async () => {
    const { cls, sessions } = await classWithSessions('Boxing', ['2026-04-01T18:00']);
    const other = await classWithSessions('Chess', ['2026-04-01T18:00']);
    const { order } = await punchCard(contact(5), [cls.id]);
    const notMine = await as('post', '/v1/bookings', { sessionId: sessions[0].id, contactId: contact(6), selectedPaymentOption: 'MEMBERSHIP', planOrderId: order.id }).expect(422);
    expect(refusal(notMine)).toEqual(['urn:kairos:problem:no-eligible-plan', { field: 'planOrderId', reason: 'not-the-contacts-order' }]);
    const none = await as('post', '/v1/bookings', { sessionId: sessions[0].id, contactId: contact(6), selectedPaymentOption: 'MEMBERSHIP' }).expect(422);
    expect(refusal(none)).toEqual(['urn:kairos:problem:no-eligible-plan', { field: 'planOrderId', reason: 'no-covering-order' }]);
    const uncovered = await as('post', '/v1/bookings', { sessionId: other.sessions[0].id, contactId: contact(5), selectedPaymentOption: 'MEMBERSHIP', planOrderId: order.id }).expect(422);
    expect(refusal(uncovered)).toEqual(['urn:kairos:problem:no-eligible-plan', { field: 'planOrderId', reason: 'service-not-covered' }]);
    await as('post', '/v1/bookings', { sessionId: sessions[0].id, contact: { email: 'ann@example.com' }, selectedPaymentOption: 'MEMBERSHIP' }).expect(400);
    await as('post', '/v1/bookings', { sessionId: sessions[0].id, contactId: contact(5), planOrderId: order.id }).expect(400);
    await as('post', '/v1/bookings', { sessionId: sessions[0].id, contactId: contact(5), selectedPaymentOption: 'MEMBERSHIP', planOrderId: contact(99) }).expect(404);
  });

  it('takes from the covering order that ends first, and from the next when it runs short', async () => {
    const me = contact(7);
    const { cls, sessions } = await classWithSessions('Rowing', ['2026-04-01T18:00', '2026-04-02T18:00']);
    const long = await punchCard(me, [cls.id], 5);
    now = new Date('2026-03-27T00:00:00Z');
    const short = await punchCard(me, [cls.id], 1);
    now = NOW;
    expect(Date.parse(short.order.endsAt)).toBeLessThan(Date.parse(long.order.endsAt));
    const first = (await as('post', '/v1/bookings', { sessionId: sessions[0].id, contactId: me, selectedPaymentOption: 'MEMBERSHIP' }).expect(201)).body;
    expect(first.planOrderId).toBe(short.order.id);
    const second = (await as('post', '/v1/bookings', { sessionId: sessions[1].id, contactId: me, selectedPaymentOption: 'MEMBERSHIP' }).expect(201)).body;
    expect(second.planOrderId).toBe(long.order.id);
  });

  it('prices: a service the contact\'s order covers previews as paid by it; a plan previews at its price, with a coupon off', async () => {
    const me = contact(30);
    const priced = { payment: { rateType: 'FIXED', price: { amount: '12.00', currency: 'EUR' } } };
    const { cls } = await classWithSessions('Priced yoga', ['2026-04-06T18:00'], priced);
    const alone = await as('post', '/v1/prices/preview', { serviceId: cls.id, partySize: 2, contactId: me }).expect(200);
    expect(alone.body).toMatchObject({ subtotalMinor: 2400, planOrderId: null, coveredByPlanMinor: 0, totalMinor: 2400 });

    const { plan, order } = await punchCard(me, [cls.id], 2);
    const covered = await as('post', '/v1/prices/preview', { serviceId: cls.id, partySize: 2, contactId: me }).expect(200);
    expect(covered.body).toMatchObject({ subtotalMinor: 2400, planOrderId: order.id, coveredByPlanMinor: 2400, totalMinor: 0 });
    const tooMany = await as('post', '/v1/prices/preview', { serviceId: cls.id, partySize: 3, contactId: me }).expect(200);
    expect(tooMany.body).toMatchObject({ planOrderId: null, totalMinor: 3600 });

    await as('post', '/v1/coupons', { code: 'PLAN20', name: 'Plans 20 % off', discountType: 'PERCENT', percentOff: 20, planIds: [plan.id] }).expect(201);
    const planPrice = await as('post', '/v1/prices/preview', { planId: plan.id, couponCode: 'plan20' }).expect(200);
    expect(planPrice.body).toMatchObject({ currency: 'EUR', subtotalMinor: 5000, couponCode: 'PLAN20', discountMinor: 1000, totalMinor: 4000 });
    const valid = await as('post', '/v1/coupons/validate', { code: 'PLAN20', planId: plan.id, contactId: me }).expect(200);
    expect(valid.body).toMatchObject({ discountMinor: 1000, totalMinor: 4000 });
    const notForServices = await as('post', '/v1/coupons/validate', { code: 'PLAN20', serviceId: cls.id }).expect(422);
    expect(refusal(notForServices)).toEqual(['urn:kairos:problem:coupon-invalid', { field: 'couponCode', reason: 'not-applicable' }]);
    const both = await as('post', '/v1/prices/preview', { serviceId: cls.id, planId: plan.id }).expect(400);
    expect(both.body.errors).toEqual([{ field: 'planId', reason: 'exactly one of serviceId, planId' }]);
    const party = await as('post', '/v1/prices/preview', { planId: plan.id, partySize: 2 }).expect(400);
    expect(party.body.errors).toEqual([{ field: 'partySize', reason: 'must be 1 for a plan' }]);
    // A thing without a price is refused as such, coupon or not; a price its currency cannot express is refused when set.
    const { cls: free } = await classWithSessions('Free yoga', []);
    const unpriced = await as('post', '/v1/prices/preview', { serviceId: free.id, couponCode: 'PLAN20' }).expect(400);
    expect(unpriced.body.errors).toEqual([{ field: 'serviceId', reason: 'has no price' }]);
    const inexact = await as('post', '/v1/services', { name: 'Odd', type: 'CLASS', payment: { rateType: 'FIXED', price: { amount: '12.005', currency: 'EUR' } } }).expect(400);
    expect(inexact.body.errors).toEqual([{ field: 'payment.price.amount', reason: 'amount must have at most the decimals of EUR' }]);
    const unknownCurrency = await as('post', '/v1/services', { name: 'Odd', type: 'CLASS', payment: { rateType: 'FIXED', price: { amount: '12', currency: 'ABC' } } }).expect(400);
    expect(unknownCurrency.body.errors).toEqual([{ field: 'payment.price.currency', reason: 'currency must be an ISO 4217 code such as EUR' }]);
  });

  it('availability asked for a contact says which slots its orders cover', async () => {
    const me = contact(8);
    const { cls } = await classWithSessions('Climbing', ['2026-04-01T18:00', '2026-04-02T18:00']);
    await punchCard(me, [cls.id], 1);
    const query = (contactId: string, position: string) =>
      as('post', '/v1/availability/query', { serviceId: cls.id, from: '2026-03-30T00:00:00Z', to: '2026-04-10T00:00:00Z', contactId, minPosition: Number(position) }).expect(200);
    const mine = await query(me, '0');
    expect(mine.body.items).toHaveLength(2);
    expect(mine.body.items.map((s: { coveredByPlan: boolean }) => s.coveredByPlan)).toEqual([true, true]);
    expect((await query(contact(9), '0')).body.items.map((s: { coveredByPlan: boolean }) => s.coveredByPlan)).toEqual([false, false]);
    // A party of two needs two credits (the policy makes the slots unbookable for it too, hence includeUnbookable).
    const party = await as('post', '/v1/availability/query', { serviceId: cls.id, from: '2026-03-30T00:00:00Z', to: '2026-04-10T00:00:00Z', contactId: me, partySize: 2, includeUnbookable: true }).expect(200);
    expect(party.body.items.map((s: { coveredByPlan: boolean }) => s.coveredByPlan)).toEqual([false, false]);
    const without = await as('post', '/v1/availability/query', { serviceId: cls.id, from: '2026-03-30T00:00:00Z', to: '2026-04-10T00:00:00Z' }).expect(200);
    expect(without.body.items[0]).not.toHaveProperty('coveredByPlan');
  });
});

describeWith('PostgreSQL and Kafka', testServers.postgresUrl() && testServers.kafkaBrokers(), 'credits on Kafka: redeemed and restored with their bookings (PostgreSQL + Kafka)', () => {
  const brokers = testServers.kafkaBrokers()?.split(',') ?? [];
  let t: TestApp;
  let follower: Follower;

  buildForRunnerThread();
  beforeAll(async () => {
    t = await startApp({ engine: 'postgres', postgresUrl: testServers.postgresUrl(), kafkaBrokers: brokers, clock: () => NOW });
    await t.http.get('/health/ready').expect(200);
    follower = await follow(brokers, await endOffsets(brokers));
  }, 150_000);
  afterAll(async () => {
    await follower?.stop();
    await t?.close();
  });

  const { customer, classWithSessions, punchCard } = plansOn(() => t);

  it('publishes plan-order.credits-redeemed and credits-restored keyed by the order, and booking.canceled with creditsRestored', async () => {
    const me = contact(20);
    const { cls, sessions } = await classWithSessions('Yoga', ['2026-04-01T18:00']);
    const { order } = await punchCard(me, [cls.id], 2);
    const booking = (await customer('/v1/bookings', { sessionId: sessions[0].id, contactId: me, selectedPaymentOption: 'MEMBERSHIP' }).expect(201)).body;
    await customer(`/v1/bookings/${booking.id}/cancel`).expect(200);

    const mine = () => follower.messages.filter((m) => m.headers.kairos_tenant === t.tenant);
    const ofType = (type: string) => mine().filter((m) => m.headers.ce_type === `kairos.${type}.v1`);
    await eventually(() => expect(ofType('plan-order.credits-restored')).toHaveLength(1), 30_000);
    await eventually(() => expect(ofType('booking.canceled')).toHaveLength(1), 30_000);
    const [redeemed] = ofType('plan-order.credits-redeemed');
    const [restored] = ofType('plan-order.credits-restored');
    for (const m of [redeemed, restored]) expect([m.topic, m.key]).toEqual(['kairos.memberships.v1', order.id]);
    expect(JSON.parse(redeemed.value)).toMatchObject({ id: order.id, bookingId: booking.id, credits: 1, remaining: 1 });
    expect(JSON.parse(restored.value)).toMatchObject({ id: order.id, bookingId: booking.id, credits: 1, remaining: 2 });
    const [canceled] = ofType('booking.canceled');
    expect([canceled.topic, JSON.parse(canceled.value)]).toEqual(['kairos.bookings.v1', expect.objectContaining({ id: booking.id, withinPolicy: true, creditsRestored: true })]);
    expect(report(mine())).toEqual([]);
  }, 60_000);
});
