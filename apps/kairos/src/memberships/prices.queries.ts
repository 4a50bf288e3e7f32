import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError } from '@kairos/core';
import { CouponView, PlanView, PriceInput, PriceSnapshot, discountFor, fromMinorUnits, planDecider, planStream, priceSnapshotOf } from '@kairos/memberships';
import { ServiceView, serviceDecider, serviceStream } from '@kairos/services';
import { AnswerOf } from '../http/openapi/answers';
import { RequestContext } from '../http/request-context';
import { StreamReader, streamOf } from '../infrastructure/command-handling';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { couponByCode } from './coupons.commands';
import { CreditRedemption } from './credit-redemption';

/** What is priced: a party at a service, or a plan (bought by one contact). */
export interface PriceRequest {
  serviceId: string | null;
  planId: string | null;
  partySize: number;
  contactId: string | null;
  couponCode: string | null;
}

export class PreviewPrice {
  constructor(readonly ctx: RequestContext, readonly request: PriceRequest) {}
}

export class ValidateCoupon {
  constructor(readonly ctx: RequestContext, readonly request: PriceRequest & { couponCode: string }) {}
}

export type CouponValidation = AnswerOf<'CouponValidation'>;

type Offer = { kind: 'service'; service: ServiceView } | { kind: 'plan'; plan: PlanView };

/** The service or plan asked for, fresh from its stream. */
const offerOf = async (reader: StreamReader, tenant: string, request: PriceRequest): Promise<Offer> => {
  if ((request.serviceId === null) === (request.planId === null)) {
    throw new DomainError('validation', 'price a service or a plan', [{ field: request.serviceId ? 'planId' : 'serviceId', reason: 'exactly one of serviceId, planId' }]);
  }
  if (request.planId !== null) {
    if (request.partySize !== 1) throw new DomainError('validation', 'a plan is bought by one contact', [{ field: 'partySize', reason: 'must be 1 for a plan' }]);
    const state = await reader.read(streamOf(planStream(tenant, request.planId), planDecider));
    if (state.status === 'none') throw new DomainError('not-found', `plan ${request.planId} does not exist`, [{ field: 'planId', reason: 'no such plan' }]);
    return { kind: 'plan', plan: state.view };
  }
  const state = await reader.read(streamOf(serviceStream(tenant, request.serviceId!), serviceDecider));
  if (state.status !== 'ACTIVE') throw new DomainError('not-found', `service ${request.serviceId} does not exist`, [{ field: 'serviceId', reason: 'no such service' }]);
  return { kind: 'service', service: state.view };
};

/** A plan is sold once per order (or per cycle) at its price; a service per participant at its rate. */
const rateOf = (offer: Offer): Omit<PriceInput, 'partySize'> => {
  if (offer.kind === 'service') return offer.service.payment;
  const { price } = offer.plan.pricing;
  return { rateType: price ? 'FIXED' : 'NO_FEE', price: price && { amount: fromMinorUnits(price), currency: price.currency }, deposit: null };
};

const noPrice = (request: PriceRequest) =>
  new DomainError('validation', `the ${request.planId ? 'plan' : 'service'} has no price`, [{ field: request.planId ? 'planId' : 'serviceId', reason: 'has no price' }]);

/**
 * The price for a party, with the coupon taken off when one is named (`coupon-invalid` when it may
 * not be used); without a coupon, a service is covered when the contact holds an ACTIVE plan order
 * that would pay for the party now. `priceRequired`: something without a price is refused as such
 * (400), before any coupon is judged.
 */
const priced = async (
  reader: StreamReader,
  credits: CreditRedemption,
  tenant: string,
  request: PriceRequest,
  now: Date,
  priceRequired: boolean,
): Promise<{ snapshot: PriceSnapshot | null; coupon: CouponView | null }> => {
  const offer = await offerOf(reader, tenant, request);
  const rate = { ...rateOf(offer), partySize: request.partySize };
  const before = priceSnapshotOf(rate);
  if (!before && priceRequired) throw noPrice(request);
  if (!request.couponCode) {
    const order = offer.kind === 'service' && request.contactId ? await coveringOrder(reader, credits, tenant, offer.service, request, now) : null;
    return { snapshot: priceSnapshotOf({ ...rate, plan: order === null ? null : { planOrderId: order } }), coupon: null };
  }
  const { state } = await couponByCode(reader, tenant, request.couponCode);
  discountFor(state, { contactId: request.contactId, serviceId: request.serviceId, planId: request.planId, price: before && { subtotalMinor: before.subtotalMinor, currency: before.currency } }, now);
  return { snapshot: priceSnapshotOf({ ...rate, coupon: state.view }), coupon: state.view };
};

/** The order that would pay for the party now, or null: a preview is not refused for want of credits. */
const coveringOrder = async (reader: StreamReader, credits: CreditRedemption, tenant: string, service: ServiceView, request: PriceRequest, now: Date): Promise<string | null> => {
  try {
    const { view } = await credits.covering(reader, tenant, { contactId: request.contactId!, service, credits: request.partySize, start: now.toISOString() }, now);
    return view.id;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'no-eligible-plan') return null;
    throw error;
  }
};

@QueryHandler(PreviewPrice)
export class PreviewPriceHandler implements IQueryHandler<PreviewPrice, PriceSnapshot> {
  constructor(
    private readonly es: EventSourcing,
    private readonly credits: CreditRedemption,
  ) {}

  async execute({ ctx, request }: PreviewPrice): Promise<PriceSnapshot> {
    const { snapshot } = await priced(this.es, this.credits, ctx.tenant, request, this.es.now(), true);
    if (!snapshot) throw noPrice(request);
    return snapshot;
  }
}

@QueryHandler(ValidateCoupon)
export class ValidateCouponHandler implements IQueryHandler<ValidateCoupon, CouponValidation> {
  constructor(
    private readonly es: EventSourcing,
    private readonly credits: CreditRedemption,
  ) {}

  async execute({ ctx, request }: ValidateCoupon): Promise<CouponValidation> {
    const { snapshot, coupon } = await priced(this.es, this.credits, ctx.tenant, request, this.es.now(), false);
    // A coupon only passes with a price to take off (no-price), so both are there.
    const { currency, subtotalMinor, discountMinor, totalMinor } = snapshot!;
    return { couponId: coupon!.id, code: coupon!.code, discountType: coupon!.discountType, discountMinor, currency, subtotalMinor, totalMinor };
  }
}

export const PRICE_QUERY_HANDLERS = [PreviewPriceHandler, ValidateCouponHandler];
