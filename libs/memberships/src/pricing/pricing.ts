import { Static } from '@sinclair/typebox';
import { integer, nullable, oneOf, record, text } from '@kairos/core';
import { Money, RateType } from '@kairos/services';
import { isExactMoney, toMinorUnits } from './money';

export const DiscountType = oneOf(['PERCENT', 'FIXED']);
export type DiscountType = Static<typeof DiscountType>;

const minor = (description: string) => integer(`${description}, in minor units of currency`, 0);

/** What a booking or an order was sold at, frozen when it was made (like a booking's policySnapshot). */
export const PriceSnapshot = record(
  {
    currency: text('ISO 4217 code'),
    rateType: RateType,
    unitAmountMinor: minor('the rate for one participant'),
    partySize: integer(undefined, 1),
    subtotalMinor: minor('unitAmountMinor × partySize'),
    depositMinor: nullable(minor('the deposit due up front, never more than the total; null: none')),
    couponCode: nullable(text()),
    discountMinor: minor("the coupon's discount"),
    planOrderId: nullable(text('the plan order whose credits pay for it')),
    coveredByPlanMinor: minor('what the plan pays'),
    totalMinor: minor('subtotal − discount − coveredByPlan: what is left to pay'),
  },
  'the price it was sold at',
);
export type PriceSnapshot = Static<typeof PriceSnapshot>;

/** A coupon's terms: what it takes off a subtotal. */
export interface DiscountTerms {
  code: string;
  discountType: DiscountType;
  percentOff: number | null;
  amountOffMinor: number | null;
}

/**
 * What a coupon takes off a subtotal, in minor units: a percentage rounded half up in integers
 * (never through floats), or a fixed amount capped at the subtotal, so a total never goes below 0.
 */
export const discountOf = (terms: Pick<DiscountTerms, 'discountType' | 'percentOff' | 'amountOffMinor'>, subtotalMinor: number): number =>
  terms.discountType === 'PERCENT' ? Math.floor((subtotalMinor * (terms.percentOff ?? 0) + 50) / 100) : Math.min(terms.amountOffMinor ?? 0, subtotalMinor);

export interface PriceInput {
  rateType: RateType;
  /** The rate for one participant; null: the thing has no price. */
  price: Money | null;
  deposit: Money | null;
  partySize: number;
  coupon?: DiscountTerms | null;
  /** Paid with a plan's credits: the plan covers what is left after any discount. */
  plan?: { planOrderId: string | null } | null;
}

/** The price snapshot of a sale; null when it has no price. */
export const priceSnapshotOf = ({ rateType, price, deposit, partySize, coupon = null, plan = null }: PriceInput): PriceSnapshot | null => {
  // A price stored before prices were checked against their currency ("25.505" EUR) cannot be sold exactly: no snapshot, rather than no sale.
  if (!price || !isExactMoney(price)) return null;
  const unitAmountMinor = toMinorUnits(price, 'price.amount');
  const subtotalMinor = unitAmountMinor * partySize;
  const discountMinor = coupon ? discountOf(coupon, subtotalMinor) : 0;
  const coveredByPlanMinor = plan ? subtotalMinor - discountMinor : 0;
  const totalMinor = subtotalMinor - discountMinor - coveredByPlanMinor;
  return {
    currency: price.currency,
    rateType,
    unitAmountMinor,
    partySize,
    subtotalMinor,
    depositMinor: deposit && isExactMoney(deposit) ? Math.min(toMinorUnits(deposit, 'deposit.amount') * partySize, totalMinor) : null,
    couponCode: coupon?.code ?? null,
    discountMinor,
    planOrderId: plan?.planOrderId ?? null,
    coveredByPlanMinor,
    totalMinor,
  };
};
