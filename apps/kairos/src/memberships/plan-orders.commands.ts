import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, existing, fold } from '@kairos/core';
import { PlanOrderCommand, PlanOrderView, couponDecider, planDecider, planOrderDecider, planOrderStream, planStream } from '@kairos/memberships';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { handleCommand, streamOf } from '../infrastructure/command-handling';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { couponReleasesOf } from './coupon-use';
import { couponByCode } from './coupons.commands';

export interface PlanPurchase {
  planId: string;
  contactId: string;
  startsAt?: string;
  couponCode?: string;
}

export class PurchasePlan {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly purchase: PlanPurchase) {}
}

/** Any command on an existing order: payment, pause, resume, cancel, and the timer's tick. */
export class ChangePlanOrder {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly command: Exclude<PlanOrderCommand, { type: 'PurchasePlan' }>) {}
}

@CommandHandler(PurchasePlan)
export class PurchasePlanHandler implements ICommandHandler<PurchasePlan, Positioned<PlanOrderView>> {
  constructor(private readonly es: EventSourcing) {}

  execute({ ctx, id, purchase }: PurchasePlan) {
    const order = streamOf(planOrderStream(ctx.tenant, id), planOrderDecider);
    const plan = streamOf(planStream(ctx.tenant, purchase.planId), planDecider);
    const { couponCode, ...bought } = purchase;
    return handleCommand(this.es, ctx, async (attempt) => {
      // The coupon is read through the attempt, so its use is appended on the revision its discount was decided on.
      const coupon = couponCode ? await couponByCode(attempt, ctx.tenant, couponCode) : null;
      return {
        streams: [order, plan],
        decide: (states, now) => {
          const planState = states.of(plan);
          if (planState.status === 'none') throw new DomainError('not-found', `plan ${purchase.planId} does not exist`, [{ field: 'planId', reason: 'no such plan' }]);
          const { price } = planState.view.pricing;
          const use = coupon && couponDecider.decide(
            { type: 'UseCoupon', bookingId: null, planOrderId: id, contactId: purchase.contactId, serviceId: null, planId: purchase.planId, price: price && { subtotalMinor: price.amountMinor, currency: price.currency } },
            coupon.state,
            { now },
          );
          const redeemed = use?.find((e) => e.type === 'coupon.redeemed');
          const discounted = price && redeemed ? { ...price, amountMinor: price.amountMinor - redeemed.data.discountMinor } : undefined;
          const command: PlanOrderCommand = { type: 'PurchasePlan', id, plan: planState.view, ...bought, couponCode: coupon?.state.view.code ?? null, price: discounted };
          const events = planOrderDecider.decide(command, states.of(order), { now });
          return {
            appends: [{ streamId: order.streamId, events }, ...(coupon && use ? [{ streamId: coupon.stream.streamId, events: use }] : [])],
            answer: existing(fold(planOrderDecider, events, states.of(order)), 'plan order'),
            location: `/v1/plan-orders/${id}`,
          };
        },
      };
    });
  }
}

@CommandHandler(ChangePlanOrder)
export class ChangePlanOrderHandler implements ICommandHandler<ChangePlanOrder, Positioned<PlanOrderView>> {
  constructor(private readonly es: EventSourcing) {}

  execute({ ctx, id, command }: ChangePlanOrder) {
    const order = streamOf(planOrderStream(ctx.tenant, id), planOrderDecider);
    return handleCommand(this.es, ctx, async (attempt) => {
      const before = await attempt.read(order);
      const events = planOrderDecider.decide(command, before, { now: attempt.now });
      const after = fold(planOrderDecider, events, before);
      // A canceled order gives its coupon use back, in the same append (by request, or by the timer at the end of its cycle).
      const canceled = events.some((e) => e.type === 'plan-order.canceled') && after.status === 'exists' ? [after.view] : [];
      const couponReleases = await couponReleasesOf(attempt, ctx.tenant, canceled, attempt.now);
      return {
        streams: [order],
        decide: () => ({ appends: [{ streamId: order.streamId, events }, ...couponReleases], answer: existing(after, 'plan order') }),
      };
    });
  }
}

export const PLAN_ORDER_COMMAND_HANDLERS = [PurchasePlanHandler, ChangePlanOrderHandler];
