import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, existing, fold } from '@kairos/core';
import { PlanOrderCommand, PlanOrderView, planDecider, planOrderDecider, planOrderStream, planStream } from '@kairos/memberships';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { handleCommand, streamOf } from '../infrastructure/command-handling';
import { EventSourcing } from '../infrastructure/event-sourcing';

export interface PlanPurchase {
  planId: string;
  contactId: string;
  startsAt?: string;
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
    return handleCommand(this.es, ctx, ({ now }) => ({
      streams: [order, plan],
      decide: (states) => {
        const planState = states.of(plan);
        if (planState.status === 'none') throw new DomainError('not-found', `plan ${purchase.planId} does not exist`, [{ field: 'planId', reason: 'no such plan' }]);
        const events = planOrderDecider.decide({ type: 'PurchasePlan', id, plan: planState.view, ...purchase }, states.of(order), { now });
        return {
          appends: [{ streamId: order.streamId, events }],
          answer: existing(fold(planOrderDecider, events, states.of(order)), 'plan order'),
          location: `/v1/plan-orders/${id}`,
        };
      },
    }));
  }
}

@CommandHandler(ChangePlanOrder)
export class ChangePlanOrderHandler implements ICommandHandler<ChangePlanOrder, Positioned<PlanOrderView>> {
  constructor(private readonly es: EventSourcing) {}

  execute({ ctx, id, command }: ChangePlanOrder) {
    const order = streamOf(planOrderStream(ctx.tenant, id), planOrderDecider);
    return handleCommand(this.es, ctx, ({ now }) => ({
      streams: [order],
      decide: (states) => {
        const before = states.of(order);
        const events = planOrderDecider.decide(command, before, { now });
        return { appends: [{ streamId: order.streamId, events }], answer: existing(fold(planOrderDecider, events, before), 'plan order') };
      },
    }));
  }
}

export const PLAN_ORDER_COMMAND_HANDLERS = [PurchasePlanHandler, ChangePlanOrderHandler];
