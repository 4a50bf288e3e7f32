import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { existing, fold } from '@kairos/core';
import { PlanCommand, PlanFields, PlanPatch, PlanView, planDecider, planStream } from '@kairos/memberships';
import { serviceStream } from '@kairos/services';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { handleCommand, streamOf } from '../infrastructure/command-handling';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { References } from '../infrastructure/references';

export class CreatePlan {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly fields: PlanFields) {}
}
export class UpdatePlan {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly patch: PlanPatch, readonly expectedRevision?: number) {}
}
export class ArchivePlan {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly expectedRevision?: number) {}
}

const serviceReferences = (tenant: string, patch: PlanPatch) =>
  (patch.benefit?.serviceIds ?? []).map((id, i) => ({ field: `benefit.serviceIds[${i}]`, streamId: serviceStream(tenant, id), noun: 'service' }));

/** One plan command on the plan's own stream; the services its benefit names must exist. */
const decidePlan = (es: EventSourcing, references: References, ctx: RequestContext, id: string, command: PlanCommand, patch: PlanPatch, location?: string) => {
  const plan = streamOf(planStream(ctx.tenant, id), planDecider);
  return handleCommand(es, ctx, async ({ now, read }) => {
    // The plan's own rules answer before its references are looked up.
    const before = await read(plan);
    const events = planDecider.decide(command, before, { now });
    if (events.length > 0) await references.requireAll(serviceReferences(ctx.tenant, patch));
    return {
      streams: [plan],
      decide: () => ({ appends: [{ streamId: plan.streamId, events }], answer: existing(fold(planDecider, events, before), 'plan'), location }),
    };
  });
};

@CommandHandler(CreatePlan)
export class CreatePlanHandler implements ICommandHandler<CreatePlan, Positioned<PlanView>> {
  constructor(private readonly es: EventSourcing, private readonly references: References) {}

  execute({ ctx, id, fields }: CreatePlan) {
    return decidePlan(this.es, this.references, ctx, id, { type: 'CreatePlan', id, fields }, fields, `/v1/plans/${id}`);
  }
}

@CommandHandler(UpdatePlan)
export class UpdatePlanHandler implements ICommandHandler<UpdatePlan, Positioned<PlanView>> {
  constructor(private readonly es: EventSourcing, private readonly references: References) {}

  execute({ ctx, id, patch, expectedRevision }: UpdatePlan) {
    return decidePlan(this.es, this.references, ctx, id, { type: 'UpdatePlan', patch, expectedRevision }, patch);
  }
}

@CommandHandler(ArchivePlan)
export class ArchivePlanHandler implements ICommandHandler<ArchivePlan, Positioned<PlanView>> {
  constructor(private readonly es: EventSourcing, private readonly references: References) {}

  execute({ ctx, id, expectedRevision }: ArchivePlan) {
    return decidePlan(this.es, this.references, ctx, id, { type: 'ArchivePlan', expectedRevision }, {});
  }
}

export const PLAN_COMMAND_HANDLERS = [CreatePlanHandler, UpdatePlanHandler, ArchivePlanHandler];
