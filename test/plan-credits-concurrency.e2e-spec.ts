import { PlanOrderEvent, planOrderDecider, planOrderStream } from '@kairos/memberships';
import { describeWith, testServers } from '@kairos/testing';
import { TestApp, twoInstances } from './harness';

const NOW = new Date('2026-03-28T00:00:00Z');
const CREDITS = 10;
const BOOKINGS = 50;

interface Outcome {
  status: number;
  body: { id?: string; type?: string; planOrderId?: string; errors?: { field: string; reason: string }[] };
}

/** Answers counted by status, problem type and reason: a failure shows exactly what went wrong. */
const tally = (outcomes: Outcome[]) =>
  outcomes.reduce<Record<string, number>>((acc, o) => {
    const key = o.status === 201 ? '201' : `${o.status} ${o.body.type} ${o.body.errors?.[0]?.reason ?? ''}`.trim();
    acc[key] = (acc[key] ?? 0) + 1;
    return acc;
  }, {});

/**
 * Two instances of the app on one PostgreSQL database race for the last credits of one plan order:
 * the order's stream revision guards each redemption in its booking's append, across processes.
 */
describeWith('PostgreSQL', testServers.postgresUrl(), 'plan credits under concurrency: two instances, one database', () => {
  const instances = twoInstances('credits', { clock: () => NOW });

  const as = (t: TestApp, method: 'post' | 'get', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', instances.a().tenant).send(body);

  it(`${BOOKINGS} concurrent bookings of distinct class sessions against an order of ${CREDITS} credits: exactly ${CREDITS} win, the balance ends at 0 and never went below`, async () => {
    const [a, b] = [instances.a(), instances.b()];
    const me = '3e9a7b1c-5d2f-4a6e-8c0b-000000000001';
    const cls = (await as(a, 'post', '/v1/services', { name: 'Spin', type: 'CLASS', defaultCapacity: 5, timeZone: 'Europe/London' }).expect(201)).body;
    // Ten hourly sessions a day, Monday to Friday: each booking takes seats of its own, so only the credits are contested.
    const sessions: string[] = [];
    for (const day of ['2026-03-30', '2026-03-31', '2026-04-01', '2026-04-02', '2026-04-03']) {
      for (let hour = 8; hour < 18; hour++) {
        const at = (h: number) => `${day}T${String(h).padStart(2, '0')}:00`;
        sessions.push((await as(a, 'post', `/v1/schedules/${cls.scheduleId}/sessions`, { type: 'EVENT', localStart: at(hour), localEnd: at(hour + 1) }).expect(201)).body.id);
      }
    }
    const plan = (
      await as(a, 'post', '/v1/plans', {
        name: 'Ten rides',
        pricing: { type: 'SINGLE_PAYMENT', duration: { unit: 'MONTH', length: 1 }, price: null },
        benefit: { kind: 'LIMITED', credits: CREDITS, serviceIds: [cls.id] },
      }).expect(201)
    ).body;
    const bought = await as(a, 'post', '/v1/plan-orders', { planId: plan.id, contactId: me }).expect(201);
    const order = bought.body;
    expect(order).toMatchObject({ status: 'ACTIVE', credits: { remaining: CREDITS } });
    // Half the requests name the order, half let the read model find it: both must see it.
    await as(a, 'get', `/v1/plan-orders/${order.id}?minPosition=${bought.headers['kairos-position']}`).expect(200);

    const outcomes: Outcome[] = await Promise.all(
      sessions.map((sessionId, i) =>
        as(i % 2 ? b : a, 'post', '/v1/bookings', { sessionId, contactId: me, selectedPaymentOption: 'MEMBERSHIP', ...(i % 4 < 2 ? { planOrderId: order.id } : {}) }).then((r) => ({
          status: r.status,
          body: r.body,
        })),
      ),
    );
    expect(outcomes).toHaveLength(BOOKINGS);
    expect(tally(outcomes)).toEqual({ '201': CREDITS, '422 urn:kairos:problem:no-eligible-plan insufficient-credits': BOOKINGS - CREDITS });
    const winners = outcomes.filter((o) => o.status === 201).map((o) => o.body);
    expect(winners.every((w) => w.planOrderId === order.id)).toBe(true);

    // The order's own stream: every redemption is a winner's, and the balance never went below 0.
    const events = await a.stores.eventStore.readStream(planOrderStream(a.tenant, order.id));
    const balances: (number | null)[] = [];
    let state = planOrderDecider.initialState();
    for (const event of events) {
      state = planOrderDecider.evolve(state, event as unknown as PlanOrderEvent);
      if (state.status === 'exists') balances.push(state.view.credits.remaining);
    }
    expect(balances.every((remaining) => remaining !== null && remaining >= 0)).toBe(true);
    expect(balances.at(-1)).toBe(0);
    const redeemed = events.filter((e) => e.type === 'plan-order.credits-redeemed').map((e) => (e.data as { bookingId: string }).bookingId);
    expect(redeemed.sort()).toEqual(winners.map((w) => w.id).sort());

    // The read models agree: the balance, and a ledger of exactly those redemptions.
    const position = Math.max(...events.map((e) => e.position));
    const view = (await as(a, 'get', `/v1/plan-orders/${order.id}?minPosition=${position}`).expect(200)).body;
    expect(view.credits).toMatchObject({ granted: CREDITS, redeemed: CREDITS, restored: 0, remaining: 0 });
    const ledger = (await as(a, 'get', `/v1/plan-orders/${order.id}/ledger?limit=100&minPosition=${position}`).expect(200)).body.items as { kind: string; bookingId: string; remaining: number }[];
    const redemptions = ledger.filter((e) => e.kind === 'REDEEMED');
    expect(redemptions.map((e) => e.bookingId).sort()).toEqual(redeemed);
    expect(redemptions.map((e) => e.remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  }, 180_000);
});
