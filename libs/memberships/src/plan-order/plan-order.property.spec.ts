import fc from 'fast-check';
import { DomainError, MemoryReadModels, enveloped, fold } from '@kairos/core';
import { PlanFields } from '../plan/plan';
import { monthlyPlanFields, planView, punchCardFields } from '../plan/plan.fixture';
import { LedgerEntry, PLAN_ORDERS, PLAN_ORDER_LEDGER, membershipsProjection } from '../memberships.projection';
import { PlanOrderCommand, PlanOrderEvent, PlanOrderState, PlanOrderView, planOrderDecider } from './plan-order';

const START = Date.parse('2026-03-01T10:00:00.000Z');
const HOUR = 3_600_000;
const BOOKINGS = ['b1', 'b2', 'b3', 'b4'];

const plans: PlanFields[] = [
  monthlyPlanFields,
  { ...monthlyPlanFields, pricing: { ...monthlyPlanFields.pricing, cycle: { unit: 'WEEK', length: 1 }, cycleCount: 6, freeTrialDays: 0, price: null } },
  punchCardFields,
  { ...punchCardFields, benefit: { kind: 'UNLIMITED', credits: null, serviceIds: ['s1'] } },
];

/** One step of a contact's life with an order: the clock moves on by `hours`, then the command is tried. */
type Step = { hours: number; command: PlanOrderCommand };

const command: fc.Arbitrary<PlanOrderCommand> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ bookingId: fc.constantFrom(...BOOKINGS), credits: fc.integer({ min: 1, max: 3 }) }).map(({ bookingId, credits }) => ({ type: 'RedeemCredits' as const, bookingId, credits, serviceId: 's1', servicePlanIds: [], start: new Date(START + HOUR).toISOString() })) },
  { weight: 3, arbitrary: fc.record({ bookingId: fc.constantFrom(...BOOKINGS), credits: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }) }).map(({ bookingId, credits }) => ({ type: 'RestoreCredits' as const, bookingId, ...(credits === undefined ? {} : { credits }) })) },
  { weight: 3, arbitrary: fc.constant<PlanOrderCommand>({ type: 'Tick' }) },
  { weight: 1, arbitrary: fc.constant<PlanOrderCommand>({ type: 'PauseOrder', actor: 'BUSINESS' }) },
  { weight: 1, arbitrary: fc.constant<PlanOrderCommand>({ type: 'ResumeOrder', actor: 'BUSINESS' }) },
  { weight: 1, arbitrary: fc.constant<PlanOrderCommand>({ type: 'UpdatePayment', paymentStatus: 'PAID', amountPaid: 3000, actor: 'BUSINESS' }) },
  { weight: 1, arbitrary: fc.constantFrom<PlanOrderCommand>({ type: 'CancelOrder', effective: 'END_OF_CYCLE', actor: 'CUSTOMER' }, { type: 'CancelOrder', effective: 'NOW', actor: 'CUSTOMER' }) },
);
const step: fc.Arbitrary<Step> = fc.record({ hours: fc.integer({ min: 0, max: 24 * 20 }), command });

/** Runs the steps as handlers would (decide on the state so far, append what it decides); refusals change nothing. */
const run = (plan: PlanFields, steps: Step[], check: (state: PlanOrderState) => void) => {
  let now = START;
  let events: PlanOrderEvent[] = planOrderDecider.decide({ type: 'PurchasePlan', id: 'o1', plan: planView(plan), contactId: 'c1' }, { status: 'none' }, { now: new Date(now) });
  let state = fold(planOrderDecider, events);
  const recorded = events.map(enveloped({ tenant: 't1', actor: { type: 'BUSINESS' }, occurredAt: new Date(now).toISOString() }));
  check(state);
  for (const { hours, command } of steps) {
    now += hours * HOUR;
    try {
      events = planOrderDecider.decide(command, state, { now: new Date(now) });
    } catch (error) {
      if (error instanceof DomainError) continue;
      throw error;
    }
    state = fold(planOrderDecider, events, state);
    recorded.push(...events.map(enveloped({ tenant: 't1', actor: { type: 'BUSINESS' }, occurredAt: new Date(now).toISOString() })));
    check(state);
  }
  return { state, recorded };
};

const view = (state: PlanOrderState): PlanOrderView => {
  if (state.status === 'none') throw new Error('no order');
  return state.view;
};

describe('plan order credits (property)', () => {
  it('keep balance = granted − expired − redeemed + restored, never negative, what bookings hold never below zero', () => {
    fc.assert(
      fc.property(fc.constantFrom(...plans), fc.array(step, { maxLength: 60 }), (plan, steps) => {
        run(plan, steps, (state) => {
          const { credits } = view(state);
          const held = state.status === 'exists' ? Object.values(state.held) : [];
          expect(held.every((n) => n >= 0)).toBe(true);
          expect(held.reduce((a, b) => a + b, 0)).toBe(credits.redeemed - credits.restored);
          if (credits.remaining === null) return;
          expect(credits.remaining).toBe(credits.granted - credits.expired - credits.redeemed + credits.restored);
          expect(credits.remaining).toBeGreaterThanOrEqual(0);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('replayed from the log, the read model holds the same order and its ledger adds up to the balance', () => {
    fc.assert(
      fc.property(fc.constantFrom(...plans), fc.array(step, { maxLength: 60 }), (plan, steps) => {
        const { state, recorded } = run(plan, steps, () => undefined);
        const models = new MemoryReadModels().project(membershipsProjection, recorded);
        const order = view(state);
        expect(models.get(PLAN_ORDERS, 't1', 'o1')).toEqual(order);
        if (order.credits.remaining === null) return;
        const sign: Record<LedgerEntry['kind'], number> = { GRANTED: 1, EXPIRED: -1, REDEEMED: -1, RESTORED: 1 };
        const ledger = models.all<LedgerEntry>(PLAN_ORDER_LEDGER, 't1');
        expect(ledger.reduce((sum, e) => sum + sign[e.kind] * e.credits, 0)).toBe(order.credits.remaining);
        expect(ledger.at(-1)?.remaining).toBe(order.credits.remaining);
      }),
      { numRuns: 300 },
    );
  });
});
