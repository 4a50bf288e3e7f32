import { DateTime } from 'luxon';
import { ActorType, DecisionContext, Decider, DomainError, advance, alreadyExists, assertNever, existing, invalidTransition } from '@kairos/core';
import { PlanView } from '../plan/plan.events';
import { CancelEffective, PaymentStatus, PlanCycle, PlanOrderEvent, PlanOrderView, PlanSnapshot } from './plan-order.events';
import { MinorMoney } from '../pricing/money';

export type { CancelEffective, CreditBalance, PaymentStatus, PlanCycle, PlanOrderEvent, PlanOrderStatus, PlanOrderView, PlanSnapshot } from './plan-order.events';

/** A booking's request for credits, as the bookings side asks it of an order. */
export interface CreditRequest {
  serviceId: string;
  /** The plans the service lists in its `payment.planIds`. */
  servicePlanIds: string[];
  /** The booked slot's start. */
  start: string;
  credits: number;
  now: Date;
}

export type NoEligiblePlanReason = 'order-not-active' | 'service-not-covered' | 'order-starts-after-slot' | 'order-ends-before-slot' | 'insufficient-credits';

export type PlanOrderCommand =
  | {
      type: 'PurchasePlan';
      id: string;
      plan: PlanView;
      contactId: string;
      /** Defaults to now. */
      startsAt?: string;
      couponCode?: string | null;
      /** What the order costs after a discount; the plan's price when absent. */
      price?: MinorMoney | null;
    }
  | { type: 'UpdatePayment'; paymentStatus: Exclude<PaymentStatus, 'EXEMPT'>; amountPaid: number; actor: ActorType }
  | { type: 'PauseOrder'; actor: ActorType; reason?: string | null }
  | { type: 'ResumeOrder'; actor: ActorType; reason?: string | null }
  | { type: 'CancelOrder'; effective: CancelEffective; actor: ActorType; reason?: string | null }
  /** What the timer fires: whatever is due at `now` (cycles, the end, a scheduled cancel), or nothing. */
  | { type: 'Tick' }
  | { type: 'RedeemCredits'; bookingId: string; credits: number; serviceId: string; servicePlanIds: string[]; start: string }
  | { type: 'RestoreCredits'; bookingId: string; credits?: number };

/** `held`: the credits each booking holds, so a restoration gives back no more than it took. */
export type PlanOrderState = { status: 'none' } | { status: 'exists'; view: PlanOrderView; held: Record<string, number> };

const iso = (dt: DateTime) => dt.toUTC().toJSDate().toISOString();
const ms = (instant: string) => Date.parse(instant);
const shifted = (instant: string | null, byMs: number) => (instant === null ? null : new Date(ms(instant) + byMs).toISOString());

const later = (instant: string, amount: { unit: string; length: number }, zone: string) =>
  iso(DateTime.fromISO(instant, { zone }).plus({ [`${amount.unit.toLowerCase()}s`]: amount.length }));

/**
 * The cycle after `cycle`. Paid cycles are counted from `cyclesFrom`, not from the cycle before, so a
 * membership bought on 31 January renews on the last day of February, then on 31 March; the last
 * one of a counted subscription ends with the order.
 */
const nextCycle = (order: PlanOrderView, cycle: PlanCycle): PlanCycle => {
  const { pricing } = order.planSnapshot;
  const index = cycle.index + 1;
  const last = pricing.cycleCount !== null && index >= pricing.cycleCount;
  const endsAt = last ? order.endsAt : later(order.cyclesFrom!, { unit: pricing.cycle!.unit, length: pricing.cycle!.length * index }, order.planSnapshot.timeZone);
  return { index, startsAt: cycle.endsAt!, endsAt };
};

/** Credits a cycle grants: none counted for an UNLIMITED benefit. */
const creditsPerCycle = (snapshot: PlanSnapshot) => (snapshot.benefit.kind === 'LIMITED' ? snapshot.benefit.credits! : 0);

/** When the order next has something due for the timer (a cycle's end, its end, a scheduled cancel); null when nothing can be. */
export const nextDueAt = (order: PlanOrderView): string | null => {
  if (order.status !== 'ACTIVE') return null;
  const due = [order.currentCycle.endsAt, order.endsAt, order.cancelEffectiveAt].filter((t): t is string => t !== null).sort((a, b) => ms(a) - ms(b));
  return due[0] ?? null;
};

/** Whether the order's plan covers the service: the plan names the service, or the service names the plan. */
export const coversService = (order: Pick<PlanOrderView, 'planId' | 'planSnapshot'>, serviceId: string, servicePlanIds: readonly string[]) =>
  order.planSnapshot.benefit.serviceIds.includes(serviceId) || servicePlanIds.includes(order.planId);

/** Why the order cannot pay for the request, or null when it can; judged on the order as it stands at `now`, whatever the timer has yet to fire. */
export const orderRefusal = (order: PlanOrderView, request: CreditRequest): NoEligiblePlanReason | null => {
  const current = orderAsOf(order, request.now);
  if (current.status !== 'ACTIVE') return 'order-not-active';
  if (!coversService(current, request.serviceId, request.servicePlanIds)) return 'service-not-covered';
  const outside = slotOutside(current, request.start);
  if (outside) return outside;
  if (current.credits.remaining !== null && current.credits.remaining < request.credits) return 'insufficient-credits';
  return null;
};

export const orderCovers = (order: PlanOrderView, request: CreditRequest) => orderRefusal(order, request) === null;

/** Why a slot starting at `start` is outside the order's run: before it starts, or once it is over (ended, or canceled at the end of its cycle). */
const slotOutside = (order: PlanOrderView, start: string): NoEligiblePlanReason | null => {
  if (ms(start) < ms(order.startsAt)) return 'order-starts-after-slot';
  return [order.endsAt, order.cancelEffectiveAt].some((end) => end !== null && ms(end) <= ms(start)) ? 'order-ends-before-slot' : null;
};

const refusalMessages: Record<NoEligiblePlanReason, string> = {
  'order-not-active': 'the plan order is not active',
  'service-not-covered': "the plan order's plan does not cover the service",
  'order-starts-after-slot': 'the plan order starts after the slot starts',
  'order-ends-before-slot': 'the plan order ends before the slot starts',
  'insufficient-credits': 'the plan order has fewer credits left than the booking needs',
};

export const noEligiblePlan = (reason: NoEligiblePlanReason) => new DomainError('no-eligible-plan', refusalMessages[reason], [{ field: 'planOrderId', reason }]);

/**
 * A booking keeps the credits it holds when it moves, but not to a slot the order does not run at:
 * judged on the order as it stands at `now`.
 */
export const checkMove = (order: PlanOrderView, start: string, now: Date): void => {
  const outside = slotOutside(orderAsOf(order, now), start);
  if (outside) throw noEligiblePlan(outside);
};

/** The order as bought: its first cycle (the free trial, if any), its end and its first credits. */
const purchasedOrder = (command: Extract<PlanOrderCommand, { type: 'PurchasePlan' }>, at: string): PlanOrderView => {
  const { plan } = command;
  const snapshot: PlanSnapshot = { name: plan.name, pricing: plan.pricing, benefit: plan.benefit, timeZone: plan.timeZone };
  const { pricing, timeZone } = plan;
  const startsAt = command.startsAt ?? at;
  const trialEndsAt = pricing.freeTrialDays > 0 ? later(startsAt, { unit: 'DAY', length: pricing.freeTrialDays }, timeZone) : null;
  const paidFrom = trialEndsAt ?? startsAt;
  const endsAt =
    pricing.type === 'SUBSCRIPTION'
      ? pricing.cycleCount === null
        ? null
        : later(paidFrom, { unit: pricing.cycle!.unit, length: pricing.cycle!.length * pricing.cycleCount }, timeZone)
      : pricing.type === 'SINGLE_PAYMENT'
        ? later(startsAt, pricing.duration!, timeZone)
        : null;
  const price = command.price === undefined ? pricing.price : command.price;
  const free = price === null || price.amountMinor === 0;
  const granted = creditsPerCycle(snapshot);
  const order: PlanOrderView = {
    id: command.id,
    revision: 1,
    createdAt: at,
    updatedAt: at,
    planId: plan.id,
    contactId: command.contactId,
    planSnapshot: snapshot,
    status: free || trialEndsAt !== null ? 'ACTIVE' : 'PENDING',
    startsAt,
    endsAt,
    trialEndsAt,
    cyclesFrom: pricing.type === 'SUBSCRIPTION' ? paidFrom : null,
    currentCycle: { index: 0, startsAt, endsAt: trialEndsAt },
    credits: { granted, redeemed: 0, restored: 0, expired: 0, remaining: snapshot.benefit.kind === 'LIMITED' ? granted : null },
    price,
    couponCode: command.couponCode ?? null,
    paymentStatus: free ? 'EXEMPT' : 'NOT_PAID',
    amountPaid: 0,
    pausedAt: null,
    cancelEffectiveAt: null,
  };
  if (trialEndsAt !== null) return order;
  // Without a trial the first cycle is the first paid one; a plan that is not a subscription has one cycle, its whole life.
  const first = { index: 1, startsAt, endsAt: pricing.type === 'SUBSCRIPTION' ? null : endsAt };
  return { ...order, currentCycle: pricing.type === 'SUBSCRIPTION' ? nextCycle(order, { index: 0, startsAt, endsAt: startsAt }) : first };
};

/** The order after one of its events; the decider and the read model fold with it alike. */
export const evolvePlanOrder = (order: PlanOrderView, event: PlanOrderEvent): PlanOrderView => {
  const c = order.credits;
  switch (event.type) {
    case 'plan-order.purchased':
      return event.data;
    case 'plan-order.started':
      return advance(order, event.data.at, { status: 'ACTIVE' });
    case 'plan-order.cycle-started': {
      const { cycle, creditsGranted, creditsExpired, remaining, at } = event.data;
      return advance(order, at, { currentCycle: cycle, credits: { ...c, granted: c.granted + creditsGranted, expired: c.expired + creditsExpired, remaining } });
    }
    case 'plan-order.paused':
      return advance(order, event.data.at, { status: 'PAUSED', pausedAt: event.data.at });
    case 'plan-order.resumed': {
      const { endsAt, trialEndsAt, cyclesFrom, currentCycle, cancelEffectiveAt, at } = event.data;
      return advance(order, at, { status: 'ACTIVE', pausedAt: null, endsAt, trialEndsAt, cyclesFrom, currentCycle, cancelEffectiveAt });
    }
    case 'plan-order.ended':
      return advance(order, event.data.at, { status: 'ENDED' });
    case 'plan-order.cancel-scheduled':
      return advance(order, event.data.at, { cancelEffectiveAt: event.data.effectiveAt });
    case 'plan-order.canceled':
      return advance(order, event.data.at, { status: 'CANCELED', pausedAt: null });
    case 'plan-order.credits-redeemed':
      return advance(order, event.data.at, { credits: { ...c, redeemed: c.redeemed + event.data.credits, remaining: event.data.remaining } });
    case 'plan-order.credits-restored':
      return advance(order, event.data.at, { credits: { ...c, restored: c.restored + event.data.credits, remaining: event.data.remaining } });
    case 'plan-order.payment-updated':
      return advance(order, event.data.at, { paymentStatus: event.data.paymentStatus, amountPaid: event.data.amountPaid });
    default:
      return assertNever(event);
  }
};

// A timer that fell far behind catches up in one decision; this bounds it (a weekly plan's 20 years).
const MAX_DUE_STEPS = 1100;

/** What is due at `now`, in the order it fell due: cycles begun, then the end or a scheduled cancel. */
const dueEvents = (order: PlanOrderView, now: Date): PlanOrderEvent[] => {
  const at = now.toISOString();
  const events: PlanOrderEvent[] = [];
  const reached = (instant: string | null) => instant !== null && ms(instant) <= now.getTime();
  let o = order;
  for (let step = 0; step < MAX_DUE_STEPS && o.status === 'ACTIVE'; step++) {
    const cycleEnd = o.currentCycle.endsAt;
    let event: PlanOrderEvent;
    if (reached(o.cancelEffectiveAt) && (cycleEnd === null || ms(o.cancelEffectiveAt!) <= ms(cycleEnd))) {
      event = { type: 'plan-order.canceled', data: { id: o.id, effective: 'END_OF_CYCLE', at, previousStatus: 'ACTIVE', actor: 'SYSTEM', reason: null } };
    } else if (reached(cycleEnd) && cycleEnd === o.endsAt) {
      event = { type: 'plan-order.ended', data: { id: o.id, endedAt: cycleEnd!, at, previousStatus: 'ACTIVE', actor: 'SYSTEM', reason: null } };
    } else if (reached(cycleEnd)) {
      const granted = creditsPerCycle(o.planSnapshot);
      const limited = o.credits.remaining !== null;
      event = {
        type: 'plan-order.cycle-started',
        data: { id: o.id, cycle: nextCycle(o, o.currentCycle), creditsGranted: granted, creditsExpired: o.credits.remaining ?? 0, remaining: limited ? granted : null, at },
      };
    } else break;
    events.push(event);
    o = evolvePlanOrder(o, event);
  }
  return events;
};

/**
 * The order at `now`, with what the timer has still to fire applied. Credits move on the running
 * cycle: a redemption just after a cycle ended takes from the new cycle's grant, and a restoration
 * is not expired by a cycle that had already ended.
 */
export const orderAsOf = (order: PlanOrderView, now: Date): PlanOrderView => dueEvents(order, now).reduce(evolvePlanOrder, order);

const movementOf = (order: PlanOrderView, delta: number) => (order.credits.remaining === null ? null : order.credits.remaining + delta);

/**
 * A request on an existing order, decided on the order as it stands at `now`; `held`: the credits
 * each booking holds, so a restoration gives back no more than it took.
 */
const decideOnOrder = (command: Exclude<PlanOrderCommand, { type: 'PurchasePlan' | 'Tick' }>, order: PlanOrderView, held: Record<string, number>, now: Date): PlanOrderEvent[] => {
  const at = now.toISOString();
  const change = (actor: ActorType, reason?: string | null) => ({ previousStatus: order.status, actor, reason: reason ?? null });
  switch (command.type) {
    case 'UpdatePayment': {
      if (order.paymentStatus === 'EXEMPT') throw new DomainError('validation', 'a free order takes no payment', [{ field: 'paymentStatus', reason: 'the order is free' }]);
      if (order.paymentStatus === command.paymentStatus && order.amountPaid === command.amountPaid) return [];
      const updated: PlanOrderEvent = {
        type: 'plan-order.payment-updated',
        data: { id: order.id, paymentStatus: command.paymentStatus, amountPaid: command.amountPaid, previous: { paymentStatus: order.paymentStatus }, at },
      };
      const starts = order.status === 'PENDING' && command.paymentStatus === 'PAID';
      return starts ? [updated, { type: 'plan-order.started', data: { id: order.id, at, ...change(command.actor) } }] : [updated];
    }
    case 'PauseOrder':
      if (order.status !== 'ACTIVE') throw invalidTransition('plan order', order.status, 'pause');
      return [{ type: 'plan-order.paused', data: { id: order.id, at, ...change(command.actor, command.reason) } }];
    case 'ResumeOrder': {
      if (order.status !== 'PAUSED') throw invalidTransition('plan order', order.status, 'resume');
      // The paused time is given back: everything still ahead of the order moves later by it.
      const pausedMs = now.getTime() - ms(order.pausedAt!);
      return [
        {
          type: 'plan-order.resumed',
          data: {
            id: order.id,
            endsAt: shifted(order.endsAt, pausedMs),
            trialEndsAt: order.currentCycle.index === 0 ? shifted(order.trialEndsAt, pausedMs) : order.trialEndsAt,
            cyclesFrom: shifted(order.cyclesFrom, pausedMs),
            currentCycle: { ...order.currentCycle, endsAt: shifted(order.currentCycle.endsAt, pausedMs) },
            cancelEffectiveAt: shifted(order.cancelEffectiveAt, pausedMs),
            at,
            ...change(command.actor, command.reason),
          },
        },
      ];
    }
    case 'CancelOrder': {
      if (order.status === 'ENDED' || order.status === 'CANCELED') throw invalidTransition('plan order', order.status, 'cancel');
      const cycleEnd = order.currentCycle.endsAt;
      // Only a running cycle has an end to wait for; a PENDING order or one without cycles ends at once.
      if (command.effective === 'END_OF_CYCLE' && order.status !== 'PENDING' && cycleEnd !== null) {
        if (order.cancelEffectiveAt !== null) return [];
        return [{ type: 'plan-order.cancel-scheduled', data: { id: order.id, effectiveAt: cycleEnd, at, actor: command.actor, reason: command.reason ?? null } }];
      }
      return [{ type: 'plan-order.canceled', data: { id: order.id, effective: 'NOW', at, ...change(command.actor, command.reason) } }];
    }
    case 'RedeemCredits': {
      if (!Number.isInteger(command.credits) || command.credits < 1) throw new DomainError('validation', 'credits: at least 1', [{ field: 'credits', reason: 'at least 1' }]);
      const refusal = orderRefusal(order, { ...command, now });
      if (refusal) throw noEligiblePlan(refusal);
      return [{ type: 'plan-order.credits-redeemed', data: { id: order.id, bookingId: command.bookingId, credits: command.credits, remaining: movementOf(order, -command.credits), at } }];
    }
    case 'RestoreCredits': {
      const holds = held[command.bookingId] ?? 0;
      const credits = Math.min(command.credits ?? holds, holds);
      if (credits <= 0) return [];
      return [{ type: 'plan-order.credits-restored', data: { id: order.id, bookingId: command.bookingId, credits, remaining: movementOf(order, credits), at } }];
    }
    default:
      return assertNever(command);
  }
};

/**
 * A contact's order of a plan: bought PENDING (or ACTIVE when free or in a trial), paid, paused and
 * resumed, ended or canceled; its credits granted per cycle, taken and given back by bookings.
 */
export const planOrderDecider: Decider<PlanOrderCommand, PlanOrderState, PlanOrderEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    if (event.type === 'plan-order.purchased') return { status: 'exists', view: event.data, held: {} };
    if (state.status === 'none') return state;
    const view = evolvePlanOrder(state.view, event);
    if (event.type !== 'plan-order.credits-redeemed' && event.type !== 'plan-order.credits-restored') return { ...state, view };
    const { bookingId, credits } = event.data;
    const held = (state.held[bookingId] ?? 0) + (event.type === 'plan-order.credits-redeemed' ? credits : -credits);
    return { status: 'exists', view, held: { ...state.held, [bookingId]: held } };
  },

  decide(command, state, { now }: DecisionContext) {
    const at = now.toISOString();
    if (command.type === 'PurchasePlan') {
      if (state.status !== 'none') throw alreadyExists('plan order', command.id);
      if (command.plan.archivedAt !== null) throw new DomainError('invalid-transition', 'the plan is archived; it takes no new orders', [{ field: 'planId', reason: 'archived' }]);
      if (command.startsAt !== undefined && ms(command.startsAt) < now.getTime()) {
        throw new DomainError('validation', 'startsAt: in the past', [{ field: 'startsAt', reason: 'in the past' }]);
      }
      return [{ type: 'plan-order.purchased', data: purchasedOrder(command, at) }];
    }
    const stored = existing(state, 'plan order');
    if (command.type === 'Tick') return dueEvents(stored, now);
    // What the timer has yet to fire is recorded first, in the same append: every command decides on
    // the order as it stands at `now` (a cancel at the end of the cycle waits for the running cycle, not one already over).
    const due = dueEvents(stored, now);
    const order = due.reduce(evolvePlanOrder, stored);
    const decided = decideOnOrder(command, order, state.status === 'exists' ? state.held : {}, now);
    return decided.length > 0 ? [...due, ...decided] : [];
  },
};
