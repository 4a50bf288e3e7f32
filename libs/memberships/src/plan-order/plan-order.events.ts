import { Static } from '@sinclair/typebox';
import { AggregateMeta, EventsOf, aggregateId, describedAs, eventSchema, instant, integer, nullable, oneOf, record, statusChangeOf, text } from '@kairos/core';
import { PlanBenefit, PlanPricing } from '../plan/plan.events';
import { MinorMoney } from '../pricing/money';

export const PlanOrderStatus = oneOf(['PENDING', 'ACTIVE', 'PAUSED', 'ENDED', 'CANCELED']);
export type PlanOrderStatus = Static<typeof PlanOrderStatus>;
export const PaymentStatus = oneOf(['NOT_PAID', 'PAID', 'PARTIALLY_PAID', 'REFUNDED', 'EXEMPT'], 'recorded as the payment provider reports it; EXEMPT: a free order');
export type PaymentStatus = Static<typeof PaymentStatus>;
export const CancelEffective = oneOf(['NOW', 'END_OF_CYCLE']);
export type CancelEffective = Static<typeof CancelEffective>;

export const PlanSnapshot = record(
  { name: text(), pricing: PlanPricing, benefit: PlanBenefit, timeZone: text('IANA time zone its cycles are counted in') },
  'the plan as it was when bought: later changes to the plan leave the order alone',
);
export type PlanSnapshot = Static<typeof PlanSnapshot>;

export const PlanCycle = record(
  {
    index: integer('0 is the free trial; paid cycles count from 1', 0),
    startsAt: instant(),
    endsAt: nullable(instant('null: the order never ends')),
  },
  'the cycle the order is in',
);
export type PlanCycle = Static<typeof PlanCycle>;

const credits = (description: string) => integer(description, 0);
export const CreditBalance = record(
  {
    granted: credits('granted since the order began'),
    redeemed: credits('taken by bookings'),
    restored: credits('given back by canceled bookings'),
    expired: credits('left unused when a cycle ended'),
    remaining: nullable(integer('granted − expired − redeemed + restored; null for an UNLIMITED benefit', 0)),
  },
  'credits of the order',
);
export type CreditBalance = Static<typeof CreditBalance>;

export const PlanOrderView = record({
  ...AggregateMeta.properties,
  planId: text(),
  contactId: text(),
  planSnapshot: PlanSnapshot,
  status: PlanOrderStatus,
  startsAt: instant(),
  endsAt: nullable(instant('when the order ends; null: it renews until canceled')),
  trialEndsAt: nullable(instant('when its free trial ends; null: no trial')),
  cyclesFrom: nullable(instant('a SUBSCRIPTION counts its paid cycles from here, in the plan zone (moved later by paused time), so they keep their day of the month; null otherwise')),
  currentCycle: PlanCycle,
  credits: CreditBalance,
  price: nullable(describedAs(MinorMoney, 'what the order costs per cycle (once unless a subscription); null: free')),
  couponCode: nullable(text()),
  paymentStatus: PaymentStatus,
  amountPaid: integer('in minor units of the price currency', 0),
  pausedAt: nullable(instant('while PAUSED: since when')),
  cancelEffectiveAt: nullable(instant('an END_OF_CYCLE cancel: when it takes effect')),
});
export type PlanOrderView = Static<typeof PlanOrderView>;

const change = statusChangeOf(PlanOrderStatus);
const movement = (summary: string) =>
  record(
    {
      id: aggregateId(),
      bookingId: text(),
      credits: integer(summary, 1),
      remaining: nullable(integer('the balance after it; null for an UNLIMITED benefit', 0)),
      at: instant(),
    },
  );

export const planOrderEvents = [
  eventSchema('plan-order.purchased', 'A contact bought a plan; the body is the order as GET shows it.', PlanOrderView),
  eventSchema('plan-order.started', 'A PENDING order was paid and became ACTIVE.', record({ id: aggregateId(), at: instant(), ...change })),
  eventSchema(
    'plan-order.cycle-started',
    "An order's next cycle began: its unused credits expired and the cycle's credits were granted.",
    record({
      id: aggregateId(),
      cycle: PlanCycle,
      creditsGranted: integer(undefined, 0),
      creditsExpired: integer(undefined, 0),
      remaining: nullable(integer('null for an UNLIMITED benefit', 0)),
      at: instant(),
    }),
  ),
  eventSchema('plan-order.paused', 'An ACTIVE order was paused: its time stands still until resumed.', record({ id: aggregateId(), at: instant(), ...change })),
  eventSchema(
    'plan-order.resumed',
    'A PAUSED order went on; its end, its cycle and what was due moved later by the time it was paused.',
    record({
      id: aggregateId(),
      endsAt: nullable(instant()),
      trialEndsAt: nullable(instant()),
      cyclesFrom: nullable(instant()),
      currentCycle: PlanCycle,
      cancelEffectiveAt: nullable(instant()),
      at: instant(),
      ...change,
    }),
  ),
  eventSchema('plan-order.ended', 'An order reached its end.', record({ id: aggregateId(), endedAt: instant('its endsAt'), at: instant(), ...change })),
  eventSchema(
    'plan-order.cancel-scheduled',
    'An order is to be canceled when its cycle ends.',
    record({ id: aggregateId(), effectiveAt: instant(), at: instant(), actor: change.actor, reason: change.reason }),
  ),
  eventSchema(
    'plan-order.canceled',
    'An order was canceled, at once or at the end of its cycle.',
    record({ id: aggregateId(), effective: CancelEffective, at: instant(), ...change }),
  ),
  eventSchema('plan-order.credits-redeemed', 'A booking took credits of the order.', movement('credits taken')),
  eventSchema('plan-order.credits-restored', 'A canceled booking gave credits back to the order.', movement('credits given back')),
  eventSchema(
    'plan-order.payment-updated',
    'The payment provider reported a payment status for the order.',
    record({
      id: aggregateId(),
      paymentStatus: PaymentStatus,
      amountPaid: integer('in minor units', 0),
      previous: record({ paymentStatus: PaymentStatus }),
      at: instant(),
    }),
  ),
] as const;
export type PlanOrderEvent = EventsOf<typeof planOrderEvents>;
