import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError } from '@kairos/core';
import { CouponView, PriceInput, PriceSnapshot, discountFor, priceSnapshotOf } from '@kairos/memberships';
import { serviceDecider, serviceStream } from '@kairos/services';
import { AnswerOf } from '../http/openapi/answers';
import { RequestContext } from '../http/request-context';
import { StreamReader, streamOf } from '../infrastructure/command-handling';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { couponByCode } from './coupons.commands';

export interface PriceRequest {
  serviceId: string;
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

/** What a service is sold at, fresh from its stream. */
const serviceRateOf = async (reader: StreamReader, tenant: string, serviceId: string): Promise<Omit<PriceInput, 'partySize'>> => {
  const state = await reader.read(streamOf(serviceStream(tenant, serviceId), serviceDecider));
  if (state.status !== 'ACTIVE') throw new DomainError('not-found', `service ${serviceId} does not exist`, [{ field: 'serviceId', reason: 'no such service' }]);
  const { rateType, price, deposit } = state.view.payment;
  return { rateType, price, deposit };
};

/** A service's price for a party, with the coupon taken off when one is named: `coupon-invalid` when it may not be used. */
const priced = async (reader: StreamReader, tenant: string, request: PriceRequest, now: Date): Promise<{ snapshot: PriceSnapshot | null; coupon: CouponView | null }> => {
  const rate = { ...(await serviceRateOf(reader, tenant, request.serviceId)), partySize: request.partySize };
  if (!request.couponCode) return { snapshot: priceSnapshotOf(rate), coupon: null };
  const { state } = await couponByCode(reader, tenant, request.couponCode);
  const before = priceSnapshotOf(rate);
  discountFor(state, { contactId: request.contactId, serviceId: request.serviceId, planId: null, price: before && { subtotalMinor: before.subtotalMinor, currency: before.currency } }, now);
  return { snapshot: priceSnapshotOf({ ...rate, coupon: state.view }), coupon: state.view };
};

@QueryHandler(PreviewPrice)
export class PreviewPriceHandler implements IQueryHandler<PreviewPrice, PriceSnapshot> {
  constructor(private readonly es: EventSourcing) {}

  async execute({ ctx, request }: PreviewPrice): Promise<PriceSnapshot> {
    const { snapshot } = await priced(this.es, ctx.tenant, request, this.es.now());
    if (!snapshot) throw new DomainError('validation', 'the service has no price', [{ field: 'serviceId', reason: 'has no price' }]);
    return snapshot;
  }
}

@QueryHandler(ValidateCoupon)
export class ValidateCouponHandler implements IQueryHandler<ValidateCoupon, CouponValidation> {
  constructor(private readonly es: EventSourcing) {}

  async execute({ ctx, request }: ValidateCoupon): Promise<CouponValidation> {
    const { snapshot, coupon } = await priced(this.es, ctx.tenant, request, this.es.now());
    // A coupon only passes with a price to take off (no-price), so both are there.
    const { currency, subtotalMinor, discountMinor, totalMinor } = snapshot!;
    return { couponId: coupon!.id, code: coupon!.code, discountType: coupon!.discountType, discountMinor, currency, subtotalMinor, totalMinor };
  }
}

export const PRICE_QUERY_HANDLERS = [PreviewPriceHandler, ValidateCouponHandler];
