import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { existing, fold, newId } from '@kairos/core';
import { ResourceFields, ResourcePatch, ResourceState, ResourceView, resourceDecider, resourceStream } from '@kairos/resources';
import { LinkedSchedule, businessScheduleIdOf, scheduleDecider, scheduleIdOf, scheduleStream } from '@kairos/scheduling';
import { plainData } from '../http/common.dto';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { EventSourcing, PendingAppend } from '../infrastructure/event-sourcing';
import { FutureCommitments } from '../infrastructure/references';
import { CreateResourceDto, UpdateResourceDto } from './resources.dto';

export class CreateResource {
  constructor(readonly ctx: RequestContext, readonly dto: CreateResourceDto) {}
}
export class UpdateResource {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly dto: UpdateResourceDto, readonly expectedRevision?: number) {}
}
export class DeleteResource {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly expectedRevision?: number) {}
}

const viewOf = (state: ResourceState): ResourceView => existing(state, 'resource');

const businessLink = (tenant: string): LinkedSchedule[] => [{ scheduleId: businessScheduleIdOf(tenant), transparency: 'FREE' }];

/**
 * The tenant's business schedule (default opening hours) is created the first time a resource
 * links it; a concurrent first link conflicts on its stream and the retry finds it there.
 */
const ensureBusinessSchedule = async (es: EventSourcing, tenant: string, now: Date): Promise<PendingAppend[]> => {
  const id = businessScheduleIdOf(tenant);
  const business = await es.load(scheduleStream(tenant, id), scheduleDecider);
  if (business.state.status !== 'none') return [];
  const events = scheduleDecider.decide(
    { type: 'CreateSchedule', id, fields: { ownerType: 'BUSINESS', ownerId: tenant, timeZone: 'UTC', tags: [], capacity: 1, linkedSchedules: [], workingHours: [], locationId: null } },
    business.state,
    { now },
  );
  return [{ streamId: scheduleStream(tenant, id), expected: business.expected, events }];
};

@CommandHandler(CreateResource)
export class CreateResourceHandler implements ICommandHandler<CreateResource> {
  constructor(private readonly es: EventSourcing) {}

  async execute({ ctx, dto }: CreateResource): Promise<Positioned<ResourceView>> {
    const id = dto.id ?? newId();
    const scheduleId = scheduleIdOf(id);
    const fields: ResourceFields = {
      type: dto.type,
      name: dto.name,
      email: dto.email ?? null,
      phone: dto.phone ?? null,
      tags: dto.tags ?? [],
      usesBusinessHours: dto.usesBusinessHours ?? false,
    };
    return this.es.retrying(async () => {
      const now = this.es.now();
      const resource = await this.es.load(resourceStream(ctx.tenant, id), resourceDecider);
      const events = resourceDecider.decide({ type: 'CreateResource', id, scheduleId, fields }, resource.state, { now });
      const schedule = await this.es.load(scheduleStream(ctx.tenant, scheduleId), scheduleDecider);
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
        schedule.state,
        { now },
      );
      return this.es.commit(
        ctx,
        [
          ...(fields.usesBusinessHours ? await ensureBusinessSchedule(this.es, ctx.tenant, now) : []),
          { streamId: resourceStream(ctx.tenant, id), expected: resource.expected, events },
          { streamId: scheduleStream(ctx.tenant, scheduleId), expected: schedule.expected, events: scheduleEvents },
        ],
        now,
        viewOf(fold(resourceDecider, events, resource.state)),
        `/v1/resources/${id}`,
      );
    });
  }
}

@CommandHandler(UpdateResource)
export class UpdateResourceHandler implements ICommandHandler<UpdateResource> {
  constructor(private readonly es: EventSourcing) {}

  async execute({ ctx, id, dto, expectedRevision }: UpdateResource): Promise<Positioned<ResourceView>> {
    const { revision: _revision, ...patch } = plainData<UpdateResourceDto>(dto);
    return this.es.retrying(async () => {
      const now = this.es.now();
      const resource = await this.es.load(resourceStream(ctx.tenant, id), resourceDecider);
      const events = resourceDecider.decide({ type: 'UpdateResource', patch: patch as ResourcePatch, expectedRevision }, resource.state, { now });
      const view = viewOf(fold(resourceDecider, events, resource.state));
      const pending: PendingAppend[] = [{ streamId: resourceStream(ctx.tenant, id), expected: resource.expected, events }];
      const changes = (events[0]?.data as { changes?: ResourcePatch } | undefined)?.changes ?? {};
      if (changes.usesBusinessHours !== undefined) {
        const schedule = await this.es.load(scheduleStream(ctx.tenant, view.scheduleId), scheduleDecider);
        const current = schedule.state.status === 'none' ? [] : schedule.state.view.linkedSchedules;
        const business = businessScheduleIdOf(ctx.tenant);
        const linkedSchedules = [...current.filter((l) => l.scheduleId !== business), ...(view.usesBusinessHours ? businessLink(ctx.tenant) : [])];
        if (view.usesBusinessHours) pending.unshift(...(await ensureBusinessSchedule(this.es, ctx.tenant, now)));
        pending.push({
          streamId: scheduleStream(ctx.tenant, view.scheduleId),
          expected: schedule.expected,
          events: scheduleDecider.decide({ type: 'UpdateSchedule', patch: { linkedSchedules } }, schedule.state, { now }),
        });
      }
      return this.es.commit(ctx, pending, now, view);
    });
  }
}

@CommandHandler(DeleteResource)
export class DeleteResourceHandler implements ICommandHandler<DeleteResource> {
  constructor(private readonly es: EventSourcing, private readonly commitments: FutureCommitments) {}

  async execute({ ctx, id, expectedRevision }: DeleteResource): Promise<Positioned<ResourceView>> {
    return this.es.retrying(async () => {
      const now = this.es.now();
      const resource = await this.es.load(resourceStream(ctx.tenant, id), resourceDecider);
      const hasFutureCommitments = await this.commitments.ofResource(ctx.tenant, id, now);
      const events = resourceDecider.decide({ type: 'DeleteResource', expectedRevision }, resource.state, { now, hasFutureCommitments });
      return this.es.commit(ctx, [{ streamId: resourceStream(ctx.tenant, id), expected: resource.expected, events }], now, viewOf(fold(resourceDecider, events, resource.state)));
    });
  }
}

export const RESOURCE_HANDLERS = [CreateResourceHandler, UpdateResourceHandler, DeleteResourceHandler];
