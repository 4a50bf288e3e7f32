import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { existing, fold } from '@kairos/core';
import { CouponCommand, CouponState, CouponView, ExistingCoupon, couponCodeDecider, couponCodeStream, couponDecider, couponStream, unknownCoupon } from '@kairos/memberships';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { StreamOf, StreamReader, handleCommand, streamOf } from '../infrastructure/command-handling';
import { EventSourcing } from '../infrastructure/event-sourcing';

/** Any command on one coupon; creating one also claims its code. */
export class DecideCoupon {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly command: Exclude<CouponCommand, { type: 'UseCoupon' | 'ReleaseCoupon' }>) {}
}

export interface CouponByCode {
  stream: StreamOf<CouponState>;
  state: ExistingCoupon;
}

/**
 * The coupon a code names, read through its claim (the event log, not a read model, so a coupon
 * created a moment ago is found), or `coupon-invalid` `not-found`.
 */
export const couponByCode = async (reader: StreamReader, tenant: string, code: string): Promise<CouponByCode> => {
  const claim = await reader.read(streamOf(couponCodeStream(tenant, code), couponCodeDecider));
  if (claim.couponId === null) throw unknownCoupon();
  const stream = streamOf(couponStream(tenant, claim.couponId), couponDecider);
  // The claim and the coupon's creation are appended together, so a claimed code always has its coupon.
  const state = await reader.read(stream);
  if (state.status === 'none') throw unknownCoupon();
  return { stream, state };
};

@CommandHandler(DecideCoupon)
export class DecideCouponHandler implements ICommandHandler<DecideCoupon, Positioned<CouponView>> {
  constructor(private readonly es: EventSourcing) {}

  execute({ ctx, id, command }: DecideCoupon) {
    const coupon = streamOf(couponStream(ctx.tenant, id), couponDecider);
    const claim = command.type === 'CreateCoupon' ? streamOf(couponCodeStream(ctx.tenant, command.fields.code), couponCodeDecider) : null;
    return handleCommand(this.es, ctx, () => ({
      streams: [coupon, ...(claim ? [claim] : [])],
      decide: (states, now) => {
        const state = states.of(coupon);
        const events = couponDecider.decide(command, state, { now });
        // Decided after the coupon, so an id taken answers for the id, and only then a code taken.
        const claimed = claim && command.type === 'CreateCoupon' ? couponCodeDecider.decide({ type: 'ClaimCouponCode', code: command.fields.code, couponId: id }, states.of(claim), { now }) : [];
        return {
          appends: [{ streamId: coupon.streamId, events }, ...(claim ? [{ streamId: claim.streamId, events: claimed }] : [])],
          answer: existing(fold(couponDecider, events, state), 'coupon'),
          location: command.type === 'CreateCoupon' ? `/v1/coupons/${id}` : undefined,
        };
      },
    }));
  }
}

export const COUPON_HANDLERS = [DecideCouponHandler];
