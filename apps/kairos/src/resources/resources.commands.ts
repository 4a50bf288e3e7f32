import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { existing, fold } from '@kairos/core';
import { ResourceFields, ResourcePatch, ResourceState, ResourceView, resourceDecider, resourceStream } from '@kairos/resources';
import { LinkedSchedule, ScheduleState, businessScheduleIdOf, scheduleDecider, scheduleIdOf, scheduleStream } from '@kairos/scheduling';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { StreamEvents, handleCommand, streamOf } from '../infrastructure/command-handling';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { FutureCommitments } from '../infrastructure/references';

export class CreateResource {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly fields: ResourceFields) {}
}
export class UpdateResource {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly patch: ResourcePatch, readonly expectedRevision?: number) {}
}
export class DeleteResource {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly expectedRevision?: number) {}
}

const viewOf = (state: ResourceState): ResourceView => existing(state, 'resource');

const businessLink = (tenant: string): LinkedSchedule[] => [{ scheduleId: businessScheduleIdOf(tenant), transparency: 'FREE' }];

const businessSchedule = (tenant: string) => streamOf(scheduleStream(tenant, businessScheduleIdOf(tenant)), scheduleDecider);

/**
 * The tenant's business schedule (default opening hours) is created the first time a resource
 * links it; a concurrent first link conflicts on its stream and the retry finds it there.
 */
const ensureBusinessSchedule = (tenant: string, business: ScheduleState, now: Date): StreamEvents[] => {
  if (business.status !== 'none') return [];
  const events = scheduleDecider.decide(
    {
      type: 'CreateSchedule',
      id: businessScheduleIdOf(tenant),
      fields: { ownerType: 'BUSINESS', ownerId: tenant, timeZone: 'UTC', tags: [], capacity: 1, linkedSchedules: [], workingHours: [], locationId: null },
    },
    business,
    { now },
  );
  return [{ streamId: businessSchedule(tenant).streamId, events }];
};

@CommandHandler(CreateResource)
export class CreateResourceHandler implements ICommandHandler<CreateResource> {
  constructor(private readonly es: EventSourcing) {}

  execute({ ctx, id, fields }: CreateResource): Promise<Positioned<ResourceView>> {
    const scheduleId = scheduleIdOf(id);
    const resource = streamOf(resourceStream(ctx.tenant, id), resourceDecider);
    const schedule = streamOf(scheduleStream(ctx.tenant, scheduleId), scheduleDecider);
    const business = businessSchedule(ctx.tenant);
    return handleCommand(this.es, ctx, () => ({
      streams: [resource, schedule, ...(fields.usesBusinessHours ? [business] : [])],
      decide: (states, now) => {
        const events = resourceDecider.decide({ type: 'CreateResource', id, scheduleId, fields }, states.of(resource), { now });
        const scheduleEvents = scheduleDecider.decide(
          {
            type: 'CreateSchedule',
            id: scheduleId,
            fields: {
              ownerType: 'RESOURCE',
              ownerId: id,
              timeZone: 'UTC',
              tags: [],
              capacity: 1,
              linkedSchedules: fields.usesBusinessHours ? businessLink(ctx.tenant) : [],
              workingHours: [],
              locationId: null,
            },
          },
          states.of(schedule),
          { now },
        );
        return {
          appends: [
            ...(fields.usesBusinessHours ? ensureBusinessSchedule(ctx.tenant, states.of(business), now) : []),
            { streamId: resource.streamId, events },
            { streamId: schedule.streamId, events: scheduleEvents },
          ],
          answer: viewOf(fold(resourceDecider, events, states.of(resource))),
          location: `/v1/resources/${id}`,
        };
      },
    }));
  }
}

@CommandHandler(UpdateResource)
export class UpdateResourceHandler implements ICommandHandler<UpdateResource> {
  constructor(private readonly es: EventSourcing) {}

  execute({ ctx, id, patch, expectedRevision }: UpdateResource): Promise<Positioned<ResourceView>> {
    const resource = streamOf(resourceStream(ctx.tenant, id), resourceDecider);
    const business = businessSchedule(ctx.tenant);
    return handleCommand(this.es, ctx, async ({ now, read }) => {
      const before = await read(resource);
      const events = resourceDecider.decide({ type: 'UpdateResource', patch, expectedRevision }, before, { now });
      const view = viewOf(fold(resourceDecider, events, before));
      const changes = (events[0]?.data as { changes?: ResourcePatch } | undefined)?.changes ?? {};
      const relinks = changes.usesBusinessHours !== undefined;
      const schedule = streamOf(scheduleStream(ctx.tenant, view.scheduleId), scheduleDecider);
      return {
        streams: [resource, ...(relinks ? [schedule, business] : [])],
        decide: (states) => {
          if (!relinks) return { appends: [{ streamId: resource.streamId, events }], answer: view };
          const current = states.of(schedule);
          const linked = current.status === 'none' ? [] : current.view.linkedSchedules;
          const linkedSchedules = [...linked.filter((l) => l.scheduleId !== businessScheduleIdOf(ctx.tenant)), ...(view.usesBusinessHours ? businessLink(ctx.tenant) : [])];
          return {
            appends: [
              ...(view.usesBusinessHours ? ensureBusinessSchedule(ctx.tenant, states.of(business), now) : []),
              { streamId: resource.streamId, events },
              { streamId: schedule.streamId, events: scheduleDecider.decide({ type: 'UpdateSchedule', patch: { linkedSchedules } }, current, { now }) },
            ],
            answer: view,
          };
        },
      };
    });
  }
}

@CommandHandler(DeleteResource)
export class DeleteResourceHandler implements ICommandHandler<DeleteResource> {
  constructor(private readonly es: EventSourcing, private readonly commitments: FutureCommitments) {}

  execute({ ctx, id, expectedRevision }: DeleteResource): Promise<Positioned<ResourceView>> {
    const resource = streamOf(resourceStream(ctx.tenant, id), resourceDecider);
    return handleCommand(this.es, ctx, async ({ now }) => {
      const hasFutureCommitments = await this.commitments.ofResource(ctx.tenant, id, now);
      return {
        streams: [resource],
        decide: (states) => {
          const events = resourceDecider.decide({ type: 'DeleteResource', expectedRevision }, states.of(resource), { now, hasFutureCommitments });
          return { appends: [{ streamId: resource.streamId, events }], answer: viewOf(fold(resourceDecider, events, states.of(resource))) };
        },
      };
    });
  }
}

export const RESOURCE_HANDLERS = [CreateResourceHandler, UpdateResourceHandler, DeleteResourceHandler];
