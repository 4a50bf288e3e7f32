import { DomainEvent, MemoryReadModels, SYSTEM_TENANT, enveloped, fold } from '@kairos/core';
import { monthlyPlanFields } from './plan/plan.fixture';
import { PlanEvent, planDecider } from './plan/plan';
import { PlanOrderCommand, PlanOrderEvent, PlanOrderView, planOrderDecider } from './plan-order/plan-order';
import { LedgerEntry, PLANS, PLAN_ORDERS, PLAN_ORDER_LEDGER, PLAN_ORDER_TIMERS, membershipsProjection } from './memberships.projection';

const T = '2026-03-01T10:00:00.000Z';
const TRIAL_END = '2026-03-08T10:00:00.000Z';
const meta = (occurredAt: string) => ({ tenant: 't1', actor: { type: 'BUSINESS' as const }, occurredAt });
const project = (events: DomainEvent[], models = new MemoryReadModels()) => models.project(membershipsProjection, events.map(enveloped(meta(T))));

/** Decides the commands one after the other on the order's events so far, as handlers would. */
const orderEvents = (steps: [PlanOrderCommand, string][]): PlanOrderEvent[] =>
  steps.reduce<PlanOrderEvent[]>((events, [command, now]) => [...events, ...planOrderDecider.decide(command, fold(planOrderDecider, events), { now: new Date(now) })], []);

const planCreated = planDecider.decide({ type: 'CreatePlan', id: 'p1', fields: monthlyPlanFields }, { status: 'none' }, { now: new Date(T) });
const plan = fold(planDecider, planCreated);
const purchase: PlanOrderCommand = { type: 'PurchasePlan', id: 'o1', plan: plan.status === 'none' ? (undefined as never) : plan.view, contactId: 'c1' };
const redeem = (bookingId: string, credits: number): PlanOrderCommand => ({ type: 'RedeemCredits', bookingId, credits, serviceId: 's1', servicePlanIds: [], start: '2026-03-05T10:00:00.000Z' });

describe('memberships projection: plans', () => {
  it('keeps a plan with the fields its list filters on, and marks it archived', () => {
    const archived: PlanEvent = { type: 'plan.archived', data: { id: 'p1', archivedAt: '2026-03-02T00:00:00.000Z' } };
    const models = project([...planCreated, archived]);
    expect(models.get(PLANS, 't1', 'p1')).toMatchObject({
      name: 'Monthly',
      archivedAt: '2026-03-02T00:00:00.000Z',
      revision: 2,
      _archived: true,
      _pricingType: 'SUBSCRIPTION',
      _benefitKind: 'LIMITED',
      _serviceIds: ['s1'],
    });
  });
});

describe('memberships projection: plan orders', () => {
  it('keeps the order as the decider folds it, with its balance', () => {
    const events = orderEvents([
      [purchase, T],
      [redeem('b1', 2), T],
      [{ type: 'RestoreCredits', bookingId: 'b1', credits: 1 }, T],
      [{ type: 'Tick' }, TRIAL_END],
    ]);
    const state = fold(planOrderDecider, events);
    const doc = project(events).get<PlanOrderView>(PLAN_ORDERS, 't1', 'o1');
    expect(doc).toEqual(state.status === 'exists' ? state.view : null);
    expect(doc?.credits).toEqual({ granted: 8, redeemed: 2, restored: 1, expired: 3, remaining: 4 });
  });

  it('writes a ledger entry per movement of credits, each with its booking and the balance after it', () => {
    const events = orderEvents([
      [purchase, T],
      [redeem('b1', 2), T],
      [{ type: 'RestoreCredits', bookingId: 'b1' }, T],
      [redeem('b2', 1), T],
      [{ type: 'Tick' }, TRIAL_END],
    ]);
    const ledger = project(events).all<LedgerEntry>(PLAN_ORDER_LEDGER, 't1');
    expect(ledger.map(({ kind, credits, bookingId, remaining }) => ({ kind, credits, bookingId, remaining }))).toEqual([
      { kind: 'GRANTED', credits: 4, bookingId: null, remaining: 4 },
      { kind: 'REDEEMED', credits: 2, bookingId: 'b1', remaining: 2 },
      { kind: 'RESTORED', credits: 2, bookingId: 'b1', remaining: 4 },
      { kind: 'REDEEMED', credits: 1, bookingId: 'b2', remaining: 3 },
      { kind: 'EXPIRED', credits: 3, bookingId: null, remaining: 0 },
      { kind: 'GRANTED', credits: 4, bookingId: null, remaining: 4 },
    ]);
    // Sorted by instant, then id, the entries come in the order they happened.
    expect([...ledger].sort((a, b) => (a.at + a.id < b.at + b.id ? -1 : 1))).toEqual(ledger);
  });

  it('keeps a timer for what is due next while ACTIVE, and none otherwise', () => {
    const timer = (models: MemoryReadModels) => models.get(PLAN_ORDER_TIMERS, SYSTEM_TENANT, 't1|o1');
    const bought = project(orderEvents([[purchase, T]]));
    expect(timer(bought)).toEqual({ id: 't1|o1', tenant: 't1', orderId: 'o1', dueAt: TRIAL_END });
    const pausedEvents = orderEvents([
      [purchase, T],
      [{ type: 'PauseOrder', actor: 'BUSINESS' }, T],
    ]);
    expect(timer(project(pausedEvents))).toBeNull();
    const canceled = orderEvents([
      [purchase, T],
      [{ type: 'CancelOrder', effective: 'NOW', actor: 'BUSINESS' }, T],
    ]);
    expect(timer(project(canceled))).toBeNull();
    const next = project(orderEvents([[purchase, T], [{ type: 'Tick' }, TRIAL_END]]));
    expect(timer(next)).toMatchObject({ dueAt: '2026-04-08T09:00:00.000Z' });
  });

  it('ignores events of an order it never saw purchased', () => {
    const [, ...rest] = orderEvents([
      [purchase, T],
      [redeem('b1', 1), T],
    ]);
    expect(project(rest).all(PLAN_ORDERS, 't1')).toEqual([]);
  });
});
