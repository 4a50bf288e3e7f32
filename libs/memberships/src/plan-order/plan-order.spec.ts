import { given } from '@kairos/testing';
import { PlanFields } from '../plan/plan';
import { monthlyPlanFields, planView, punchCardFields } from '../plan/plan.fixture';
import { PlanOrderCommand, PlanOrderEvent, PlanOrderView, checkMove, coversService, nextDueAt, orderCovers, planOrderDecider } from './plan-order';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const T = NOW.toISOString();
const ctx = { now: NOW };
const at = (iso: string) => ({ now: new Date(iso) });
// Lisbon is on UTC until 29 March, then UTC+1: a month from 8 March 10:00 local is 8 April 09:00Z.
const TRIAL_END = '2026-03-08T10:00:00.000Z';
const CYCLE_1_END = '2026-04-08T09:00:00.000Z';
const CYCLE_2_END = '2026-05-08T09:00:00.000Z';

const monthly = planView(monthlyPlanFields);
const purchase = (fields: PlanFields = monthlyPlanFields, extra: Partial<Extract<PlanOrderCommand, { type: 'PurchasePlan' }>> = {}): PlanOrderCommand => ({
  type: 'PurchasePlan',
  id: 'o1',
  plan: planView(fields),
  contactId: 'c1',
  ...extra,
});

const trialOrder: PlanOrderView = {
  id: 'o1',
  revision: 1,
  createdAt: T,
  updatedAt: T,
  planId: 'p1',
  contactId: 'c1',
  planSnapshot: { name: 'Monthly', pricing: monthly.pricing, benefit: monthly.benefit, timeZone: 'Europe/Lisbon' },
  status: 'ACTIVE',
  startsAt: T,
  endsAt: null,
  trialEndsAt: TRIAL_END,
  cyclesFrom: TRIAL_END,
  currentCycle: { index: 0, startsAt: T, endsAt: TRIAL_END },
  credits: { granted: 4, redeemed: 0, restored: 0, expired: 0, remaining: 4 },
  price: { amountMinor: 3000, currency: 'EUR' },
  couponCode: null,
  paymentStatus: 'NOT_PAID',
  amountPaid: 0,
  pausedAt: null,
  cancelEffectiveAt: null,
};
const purchased: PlanOrderEvent = { type: 'plan-order.purchased', data: trialOrder };
const noTrial = { ...monthlyPlanFields, pricing: { ...monthlyPlanFields.pricing, freeTrialDays: 0 } };
const pendingPurchased: PlanOrderEvent = {
  type: 'plan-order.purchased',
  data: {
    ...trialOrder,
    planSnapshot: { ...trialOrder.planSnapshot, pricing: noTrial.pricing },
    status: 'PENDING',
    trialEndsAt: null,
    cyclesFrom: T, currentCycle: { index: 1, startsAt: T, endsAt: '2026-04-01T09:00:00.000Z' } },
};
const redeem = (bookingId: string, credits = 1, extra: Partial<Extract<PlanOrderCommand, { type: 'RedeemCredits' }>> = {}): PlanOrderCommand => ({
  type: 'RedeemCredits',
  bookingId,
  credits,
  serviceId: 's1',
  servicePlanIds: [],
  start: '2026-03-05T10:00:00.000Z',
  ...extra,
});
const redeemed = (bookingId: string, credits: number, remaining: number | null, when = T): PlanOrderEvent => ({
  type: 'plan-order.credits-redeemed',
  data: { id: 'o1', bookingId, credits, remaining, at: when },
});
const paused: PlanOrderEvent = { type: 'plan-order.paused', data: { id: 'o1', at: '2026-03-02T10:00:00.000Z', previousStatus: 'ACTIVE', actor: 'BUSINESS', reason: null } };
const scheduled: PlanOrderEvent = { type: 'plan-order.cancel-scheduled', data: { id: 'o1', effectiveAt: TRIAL_END, at: T, actor: 'CUSTOMER', reason: 'moving' } };
const canceled: PlanOrderEvent = { type: 'plan-order.canceled', data: { id: 'o1', effective: 'NOW', at: T, previousStatus: 'ACTIVE', actor: 'BUSINESS', reason: null } };

describe('plan order decider: PurchasePlan', () => {
  it('starts a trial ACTIVE and unpaid, its first cycle the trial, with the cycle credits', () => {
    given(planOrderDecider, []).when(purchase(), ctx).then([purchased]);
  });

  it('leaves a priced order without a trial PENDING, in its first paid cycle, counted in the plan zone', () => {
    given(planOrderDecider, []).when(purchase(noTrial), ctx).then([pendingPurchased]);
  });

  it('starts a free order ACTIVE and EXEMPT from payment', () => {
    const free = { ...noTrial, pricing: { ...noTrial.pricing, price: null } };
    given(planOrderDecider, []).when(purchase(free), ctx).thenState({ view: { status: 'ACTIVE', paymentStatus: 'EXEMPT', price: null } });
  });

  it('takes the discounted price and coupon code it is given', () => {
    given(planOrderDecider, [])
      .when(purchase(noTrial, { price: { amountMinor: 2400, currency: 'EUR' }, couponCode: 'SPRING' }), ctx)
      .thenState({ view: { status: 'PENDING', price: { amountMinor: 2400, currency: 'EUR' }, couponCode: 'SPRING' } });
  });

  it('ends a counted subscription after its cycles, the last cycle ending with it', () => {
    const twice = { ...noTrial, pricing: { ...noTrial.pricing, cycleCount: 2 } };
    given(planOrderDecider, [])
      .when(purchase(twice), ctx)
      .thenState({ view: { endsAt: '2026-05-01T09:00:00.000Z', currentCycle: { index: 1, startsAt: T, endsAt: '2026-04-01T09:00:00.000Z' } } });
  });

  it('gives a single payment one cycle, its whole duration, and the plan credits once', () => {
    given(planOrderDecider, [])
      .when(purchase(punchCardFields), ctx)
      .thenState({ view: { status: 'PENDING', endsAt: '2026-06-01T10:00:00.000Z', currentCycle: { index: 1, endsAt: '2026-06-01T10:00:00.000Z' }, credits: { granted: 5, remaining: 5 } } });
  });

  it('never ends an UNLIMITED plan, and counts no credits for an UNLIMITED benefit', () => {
    const forever: PlanFields = {
      ...punchCardFields,
      pricing: { ...punchCardFields.pricing, type: 'UNLIMITED', duration: null },
      benefit: { kind: 'UNLIMITED', credits: null, serviceIds: ['s1'] },
    };
    given(planOrderDecider, [])
      .when(purchase(forever), ctx)
      .thenState({ view: { endsAt: null, currentCycle: { index: 1, endsAt: null }, credits: { granted: 0, remaining: null } } });
  });

  it('starts later when told to', () => {
    given(planOrderDecider, [])
      .when(purchase(monthlyPlanFields, { startsAt: '2026-03-10T00:00:00.000Z' }), ctx)
      .thenState({ view: { startsAt: '2026-03-10T00:00:00.000Z', trialEndsAt: '2026-03-17T00:00:00.000Z' } });
  });

  it('refuses an order twice, an archived plan and a start in the past', () => {
    given(planOrderDecider, [purchased]).when(purchase(), ctx).thenThrows('already-exists');
    given(planOrderDecider, [])
      .when({ type: 'PurchasePlan', id: 'o1', plan: { ...monthly, archivedAt: T }, contactId: 'c1' }, ctx)
      .thenThrows('invalid-transition', [{ field: 'planId', reason: 'archived' }]);
    given(planOrderDecider, []).when(purchase(monthlyPlanFields, { startsAt: '2026-02-28T10:00:00.000Z' }), ctx).thenThrows('validation', [{ field: 'startsAt' }]);
  });
});

describe('plan order decider: UpdatePayment', () => {
  const pay = (paymentStatus: 'PAID' | 'PARTIALLY_PAID' | 'REFUNDED' | 'NOT_PAID', amountPaid: number): PlanOrderCommand => ({ type: 'UpdatePayment', paymentStatus, amountPaid, actor: 'BUSINESS' });

  it('starts a PENDING order once it is PAID', () => {
    given(planOrderDecider, [pendingPurchased])
      .when(pay('PAID', 3000), ctx)
      .then([
        { type: 'plan-order.payment-updated', data: { id: 'o1', paymentStatus: 'PAID', amountPaid: 3000, previous: { paymentStatus: 'NOT_PAID' }, at: T } },
        { type: 'plan-order.started', data: { id: 'o1', at: T, previousStatus: 'PENDING', actor: 'BUSINESS', reason: null } },
      ]);
    given(planOrderDecider, [pendingPurchased]).when(pay('PAID', 3000), ctx).thenState({ view: { status: 'ACTIVE', paymentStatus: 'PAID', amountPaid: 3000, revision: 3 } });
  });

  it('records a part payment or a refund without moving the status', () => {
    given(planOrderDecider, [pendingPurchased]).when(pay('PARTIALLY_PAID', 1000), ctx).thenState({ view: { status: 'PENDING', paymentStatus: 'PARTIALLY_PAID' } });
    given(planOrderDecider, [purchased]).when(pay('PAID', 3000), ctx).thenState({ view: { status: 'ACTIVE', paymentStatus: 'PAID', revision: 2 } });
    given(planOrderDecider, [purchased, canceled]).when(pay('REFUNDED', 0), ctx).thenState({ view: { status: 'CANCELED', paymentStatus: 'REFUNDED' } });
  });

  it('records nothing when the payment is as it was', () => {
    given(planOrderDecider, [pendingPurchased]).when(pay('NOT_PAID', 0), ctx).thenNothing();
  });

  it('refuses a payment for a free order and for an unknown order', () => {
    const free: PlanOrderEvent = { type: 'plan-order.purchased', data: { ...trialOrder, price: null, paymentStatus: 'EXEMPT' } };
    given(planOrderDecider, [free]).when(pay('PAID', 0), ctx).thenThrows('validation', [{ field: 'paymentStatus' }]);
    given(planOrderDecider, []).when(pay('PAID', 0), ctx).thenThrows('not-found');
  });
});

describe('plan order decider: PauseOrder and ResumeOrder', () => {
  it('pauses an ACTIVE order', () => {
    given(planOrderDecider, [purchased]).when({ type: 'PauseOrder', actor: 'BUSINESS' }, at('2026-03-02T10:00:00.000Z')).then([paused]);
    given(planOrderDecider, [purchased, paused]).when({ type: 'PauseOrder', actor: 'BUSINESS' }, ctx).thenThrows('invalid-transition');
    given(planOrderDecider, [pendingPurchased]).when({ type: 'PauseOrder', actor: 'BUSINESS' }, ctx).thenThrows('invalid-transition');
  });

  it('resumes a PAUSED order with everything ahead of it moved later by the paused time', () => {
    // Paused 2 March, resumed 5 March: three days given back, to the trial and to a scheduled cancel alike.
    given(planOrderDecider, [purchased, scheduled, paused])
      .when({ type: 'ResumeOrder', actor: 'CUSTOMER', reason: 'back' }, at('2026-03-05T10:00:00.000Z'))
      .then([
        {
          type: 'plan-order.resumed',
          data: {
            id: 'o1',
            endsAt: null,
            trialEndsAt: '2026-03-11T10:00:00.000Z',
            cyclesFrom: '2026-03-11T10:00:00.000Z',
            currentCycle: { index: 0, startsAt: T, endsAt: '2026-03-11T10:00:00.000Z' },
            cancelEffectiveAt: '2026-03-11T10:00:00.000Z',
            at: '2026-03-05T10:00:00.000Z',
            previousStatus: 'PAUSED',
            actor: 'CUSTOMER',
            reason: 'back',
          },
        },
      ]);
  });

  it('moves the end of a counted order later too', () => {
    const punch: PlanOrderEvent = {
      type: 'plan-order.purchased',
      data: { ...trialOrder, endsAt: '2026-04-01T10:00:00.000Z', trialEndsAt: null, currentCycle: { index: 1, startsAt: T, endsAt: '2026-04-01T10:00:00.000Z' } },
    };
    given(planOrderDecider, [punch, paused])
      .when({ type: 'ResumeOrder', actor: 'BUSINESS' }, at('2026-03-03T10:00:00.000Z'))
      .thenState({ view: { status: 'ACTIVE', pausedAt: null, endsAt: '2026-04-02T10:00:00.000Z', currentCycle: { endsAt: '2026-04-02T10:00:00.000Z' } } });
  });

  it('refuses to resume an order that is not PAUSED', () => {
    given(planOrderDecider, [purchased]).when({ type: 'ResumeOrder', actor: 'BUSINESS' }, ctx).thenThrows('invalid-transition');
  });
});

describe('plan order decider: CancelOrder', () => {
  it('cancels at once an ACTIVE, PAUSED or PENDING order', () => {
    given(planOrderDecider, [purchased]).when({ type: 'CancelOrder', effective: 'NOW', actor: 'BUSINESS' }, ctx).then([canceled]);
    given(planOrderDecider, [purchased, paused]).when({ type: 'CancelOrder', effective: 'NOW', actor: 'BUSINESS' }, ctx).thenState({ view: { status: 'CANCELED', pausedAt: null } });
    // A PENDING order has no cycle running to wait for.
    given(planOrderDecider, [pendingPurchased])
      .when({ type: 'CancelOrder', effective: 'END_OF_CYCLE', actor: 'CUSTOMER' }, ctx)
      .then([{ type: 'plan-order.canceled', data: { id: 'o1', effective: 'NOW', at: T, previousStatus: 'PENDING', actor: 'CUSTOMER', reason: null } }]);
  });

  it('schedules an END_OF_CYCLE cancel at the end of the running cycle, once', () => {
    given(planOrderDecider, [purchased]).when({ type: 'CancelOrder', effective: 'END_OF_CYCLE', actor: 'CUSTOMER', reason: 'moving' }, ctx).then([scheduled]);
    given(planOrderDecider, [purchased, scheduled]).when({ type: 'CancelOrder', effective: 'END_OF_CYCLE', actor: 'CUSTOMER' }, ctx).thenNothing();
    given(planOrderDecider, [purchased, scheduled]).when({ type: 'CancelOrder', effective: 'NOW', actor: 'BUSINESS' }, ctx).thenState({ view: { status: 'CANCELED' } });
  });

  it('decides on the order as it stands: a cycle the timer has yet to fire is recorded first, and the cancel waits for the running cycle', () => {
    const afterTrial = at('2026-03-09T00:00:00.000Z');
    const events = given(planOrderDecider, [purchased]).when({ type: 'CancelOrder', effective: 'END_OF_CYCLE', actor: 'CUSTOMER' }, afterTrial)();
    expect(events.map((e) => e.type)).toEqual(['plan-order.cycle-started', 'plan-order.cancel-scheduled']);
    expect(events[1]).toMatchObject({ data: { effectiveAt: CYCLE_1_END } });
    // Past its end unfired, an order is over: it ends, and a cancel is refused rather than recorded.
    const ending = { ...trialOrder, endsAt: TRIAL_END, trialEndsAt: null, cyclesFrom: null };
    given(planOrderDecider, [{ type: 'plan-order.purchased', data: ending }]).when({ type: 'CancelOrder', effective: 'NOW', actor: 'BUSINESS' }, afterTrial).thenThrows('invalid-transition');
  });

  it('refuses to cancel an order already canceled or ended', () => {
    const ended: PlanOrderEvent = { type: 'plan-order.ended', data: { id: 'o1', endedAt: T, at: T, previousStatus: 'ACTIVE', actor: 'SYSTEM', reason: null } };
    given(planOrderDecider, [purchased, canceled]).when({ type: 'CancelOrder', effective: 'NOW', actor: 'BUSINESS' }, ctx).thenThrows('invalid-transition');
    given(planOrderDecider, [purchased, ended]).when({ type: 'CancelOrder', effective: 'NOW', actor: 'BUSINESS' }, ctx).thenThrows('invalid-transition');
  });
});

describe('plan order decider: Tick', () => {
  const cycle1: PlanOrderEvent = {
    type: 'plan-order.cycle-started',
    data: { id: 'o1', cycle: { index: 1, startsAt: TRIAL_END, endsAt: CYCLE_1_END }, creditsGranted: 4, creditsExpired: 3, remaining: 4, at: TRIAL_END },
  };

  it('does nothing before anything is due', () => {
    given(planOrderDecider, [purchased]).when({ type: 'Tick' }, at('2026-03-08T09:59:59.999Z')).thenNothing();
  });

  it('starts the first paid cycle when the trial ends: unused credits expire, the cycle grants its own', () => {
    given(planOrderDecider, [purchased, redeemed('b1', 1, 3)]).when({ type: 'Tick' }, at(TRIAL_END)).then([cycle1]);
    given(planOrderDecider, [purchased, redeemed('b1', 1, 3)])
      .when({ type: 'Tick' }, at(TRIAL_END))
      .thenState({ view: { currentCycle: { index: 1 }, credits: { granted: 8, redeemed: 1, expired: 3, remaining: 4 } } });
  });

  it('catches up every cycle it missed, and never fires the same cycle twice', () => {
    const late = at('2026-05-10T00:00:00.000Z');
    const events = given(planOrderDecider, [purchased]).when({ type: 'Tick' }, late)();
    expect(events.map((e) => (e.type === 'plan-order.cycle-started' ? e.data.cycle : null))).toEqual([
      { index: 1, startsAt: TRIAL_END, endsAt: CYCLE_1_END },
      { index: 2, startsAt: CYCLE_1_END, endsAt: CYCLE_2_END },
      { index: 3, startsAt: CYCLE_2_END, endsAt: '2026-06-08T09:00:00.000Z' },
    ]);
    given(planOrderDecider, [purchased, ...events]).when({ type: 'Tick' }, late).thenNothing();
  });

  it('keeps the day of the month a membership was bought on, through short months', () => {
    const endOfJanuary = { ...noTrial, pricing: { ...noTrial.pricing, price: null }, timeZone: 'UTC' };
    const bought = planOrderDecider.decide(purchase(endOfJanuary), { status: 'none' }, at('2026-01-31T10:00:00.000Z'));
    const events = given(planOrderDecider, bought).when({ type: 'Tick' }, at('2026-04-01T00:00:00.000Z'))();
    expect([bought[0].data, ...events.map((e) => e.data)].map((d) => ('currentCycle' in d ? d.currentCycle : 'cycle' in d ? d.cycle : null)?.endsAt)).toEqual([
      '2026-02-28T10:00:00.000Z',
      '2026-03-31T10:00:00.000Z',
      '2026-04-30T10:00:00.000Z',
    ]);
  });

  it('ends a counted order at its end', () => {
    const punch: PlanOrderEvent = {
      type: 'plan-order.purchased',
      data: { ...trialOrder, endsAt: '2026-04-01T10:00:00.000Z', trialEndsAt: null, currentCycle: { index: 1, startsAt: T, endsAt: '2026-04-01T10:00:00.000Z' } },
    };
    given(planOrderDecider, [punch])
      .when({ type: 'Tick' }, at('2026-04-02T00:00:00.000Z'))
      .then([{ type: 'plan-order.ended', data: { id: 'o1', endedAt: '2026-04-01T10:00:00.000Z', at: '2026-04-02T00:00:00.000Z', previousStatus: 'ACTIVE', actor: 'SYSTEM', reason: null } }]);
  });

  it('cancels at the end of the cycle a cancel was scheduled for, before any next cycle', () => {
    given(planOrderDecider, [purchased, scheduled])
      .when({ type: 'Tick' }, at('2026-04-10T00:00:00.000Z'))
      .then([{ type: 'plan-order.canceled', data: { id: 'o1', effective: 'END_OF_CYCLE', at: '2026-04-10T00:00:00.000Z', previousStatus: 'ACTIVE', actor: 'SYSTEM', reason: null } }]);
  });

  it('leaves PAUSED and PENDING orders alone: their time stands still', () => {
    given(planOrderDecider, [purchased, paused]).when({ type: 'Tick' }, at('2026-05-01T00:00:00.000Z')).thenNothing();
    given(planOrderDecider, [pendingPurchased]).when({ type: 'Tick' }, at('2026-05-01T00:00:00.000Z')).thenNothing();
  });

  it('knows no order that was never purchased', () => {
    given(planOrderDecider, []).when({ type: 'Tick' }, ctx).thenThrows('not-found');
  });
});

describe('plan order decider: RedeemCredits', () => {
  it('takes credits for a booking, and more for the same booking when its party grows', () => {
    given(planOrderDecider, [purchased]).when(redeem('b1', 2), ctx).then([redeemed('b1', 2, 2)]);
    given(planOrderDecider, [purchased, redeemed('b1', 2, 2)]).when(redeem('b1', 1), ctx).thenState({ held: { b1: 3 }, view: { credits: { redeemed: 3, remaining: 1 } } });
  });

  it('covers a service that names the plan in its payment.planIds', () => {
    given(planOrderDecider, [purchased]).when(redeem('b1', 1, { serviceId: 's9', servicePlanIds: ['p1'] }), ctx).then([redeemed('b1', 1, 3)]);
  });

  it('records a redemption of an UNLIMITED benefit in the ledger, without a balance', () => {
    const unlimited: PlanOrderEvent = {
      type: 'plan-order.purchased',
      data: { ...trialOrder, planSnapshot: { ...trialOrder.planSnapshot, benefit: { kind: 'UNLIMITED', credits: null, serviceIds: ['s1'] } }, credits: { ...trialOrder.credits, granted: 0, remaining: null } },
    };
    given(planOrderDecider, [unlimited]).when(redeem('b1', 7), ctx).then([redeemed('b1', 7, null)]);
  });

  it("takes from the new cycle's credits when the last cycle ended before the timer fired, recording the cycle first", () => {
    const after = at('2026-03-08T11:00:00.000Z');
    given(planOrderDecider, [purchased, redeemed('b1', 4, 0)])
      .when(redeem('b2'), after)
      .then([
        {
          type: 'plan-order.cycle-started',
          data: { id: 'o1', cycle: { index: 1, startsAt: TRIAL_END, endsAt: CYCLE_1_END }, creditsGranted: 4, creditsExpired: 0, remaining: 4, at: after.now.toISOString() },
        },
        redeemed('b2', 1, 3, after.now.toISOString()),
      ]);
  });

  it('refuses fewer than one credit', () => {
    given(planOrderDecider, [purchased]).when(redeem('b1', 0), ctx).thenThrows('validation', [{ field: 'credits' }]);
  });

  it('refuses with the reason: not active, service not covered, ending before the slot, too few credits', () => {
    const refuses = (events: PlanOrderEvent[], command: PlanOrderCommand, reason: string, when = ctx) =>
      given(planOrderDecider, events).when(command, when).thenThrows('no-eligible-plan', [{ field: 'planOrderId', reason }]);
    refuses([pendingPurchased], redeem('b1'), 'order-not-active');
    refuses([purchased, paused], redeem('b1'), 'order-not-active');
    refuses([purchased, canceled], redeem('b1'), 'order-not-active');
    refuses([purchased], redeem('b1', 1, { serviceId: 's2' }), 'service-not-covered');
    refuses([purchased, scheduled], redeem('b1', 1, { start: TRIAL_END }), 'order-ends-before-slot');
    refuses([purchased], redeem('b1', 5), 'insufficient-credits');
    // Past a scheduled cancel the timer has not fired yet, the order is over all the same.
    refuses([purchased, scheduled], redeem('b1'), 'order-not-active', at(TRIAL_END));
  });
});

describe('plan order decider: RestoreCredits', () => {
  const restored = (bookingId: string, credits: number, remaining: number): PlanOrderEvent => ({
    type: 'plan-order.credits-restored',
    data: { id: 'o1', bookingId, credits, remaining, at: T },
  });

  it("gives back everything the booking holds, or the part asked for", () => {
    given(planOrderDecider, [purchased, redeemed('b1', 3, 1)]).when({ type: 'RestoreCredits', bookingId: 'b1' }, ctx).then([restored('b1', 3, 4)]);
    given(planOrderDecider, [purchased, redeemed('b1', 3, 1)]).when({ type: 'RestoreCredits', bookingId: 'b1', credits: 1 }, ctx).then([restored('b1', 1, 2)]);
  });

  it('gives back into the running cycle, so a cycle that had already ended does not expire them', () => {
    const after = at('2026-03-08T11:00:00.000Z');
    given(planOrderDecider, [purchased, redeemed('b1', 2, 2)])
      .when({ type: 'RestoreCredits', bookingId: 'b1' }, after)
      .thenState({ view: { currentCycle: { index: 1 }, credits: { granted: 8, expired: 2, redeemed: 2, restored: 2, remaining: 6 } } });
  });

  it('never gives back more than the booking holds', () => {
    given(planOrderDecider, [purchased, redeemed('b1', 2, 2)]).when({ type: 'RestoreCredits', bookingId: 'b1', credits: 5 }, ctx).then([restored('b1', 2, 4)]);
    given(planOrderDecider, [purchased, redeemed('b1', 2, 2), restored('b1', 2, 4)]).when({ type: 'RestoreCredits', bookingId: 'b1' }, ctx).thenNothing();
  });

  it('records nothing for a booking that holds nothing', () => {
    given(planOrderDecider, [purchased, redeemed('b1', 2, 2)]).when({ type: 'RestoreCredits', bookingId: 'b2' }, ctx).thenNothing();
  });

  it('knows no order that was never purchased', () => {
    given(planOrderDecider, []).when({ type: 'RestoreCredits', bookingId: 'b1' }, ctx).thenThrows('not-found');
  });
});

describe('plan order rules', () => {
  it('covers a service the plan names, or one that names the plan', () => {
    expect(coversService(trialOrder, 's1', [])).toBe(true);
    expect(coversService(trialOrder, 's2', ['p1'])).toBe(true);
    expect(coversService(trialOrder, 's2', ['p2'])).toBe(false);
  });

  it('answers whether an order can pay for a booking', () => {
    const request = { serviceId: 's1', servicePlanIds: [], start: '2026-03-05T10:00:00.000Z', credits: 4, now: NOW };
    expect(orderCovers(trialOrder, request)).toBe(true);
    expect(orderCovers(trialOrder, { ...request, credits: 5 })).toBe(false);
  });

  it('pays for no slot before the order starts', () => {
    const later = { ...trialOrder, startsAt: '2026-03-10T00:00:00.000Z' };
    expect(orderCovers(later, { serviceId: 's1', servicePlanIds: [], start: '2026-03-09T10:00:00.000Z', credits: 1, now: NOW })).toBe(false);
    expect(() => checkMove(later, '2026-03-09T10:00:00.000Z', NOW)).toThrow(expect.objectContaining({ errors: [{ field: 'planOrderId', reason: 'order-starts-after-slot' }] }));
    expect(orderCovers(later, { serviceId: 's1', servicePlanIds: [], start: '2026-03-10T10:00:00.000Z', credits: 1, now: NOW })).toBe(true);
  });

  it('lets a booking that holds its credits move to any start before the order ends or its scheduled cancel, and refuses one after', () => {
    const ending = { ...trialOrder, endsAt: '2026-04-01T00:00:00.000Z' };
    expect(() => checkMove(ending, '2026-03-31T23:00:00.000Z', NOW)).not.toThrow();
    expect(() => checkMove(ending, '2026-04-01T00:00:00.000Z', NOW)).toThrow(expect.objectContaining({ code: 'no-eligible-plan', errors: [{ field: 'planOrderId', reason: 'order-ends-before-slot' }] }));
    expect(() => checkMove({ ...trialOrder, cancelEffectiveAt: TRIAL_END }, '2026-03-09T10:00:00.000Z', NOW)).toThrow(expect.objectContaining({ code: 'no-eligible-plan' }));
    expect(() => checkMove(trialOrder, '2027-03-09T10:00:00.000Z', NOW)).not.toThrow();
  });

  it('is due at the earliest of its cycle end, its end and a scheduled cancel, while ACTIVE', () => {
    expect(nextDueAt(trialOrder)).toBe(TRIAL_END);
    expect(nextDueAt({ ...trialOrder, cancelEffectiveAt: '2026-03-03T00:00:00.000Z' })).toBe('2026-03-03T00:00:00.000Z');
    expect(nextDueAt({ ...trialOrder, status: 'PAUSED' })).toBeNull();
    expect(nextDueAt({ ...trialOrder, currentCycle: { ...trialOrder.currentCycle, endsAt: null } })).toBeNull();
  });
});
