import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { existing, fold } from '@kairos/core';
import { resourceStream, locationStream } from '@kairos/resources';
import { ScheduleTag, scheduleDecider, scheduleIdOf, scheduleStream } from '@kairos/scheduling';
import { ResourceGroup, ServiceFields, ServicePatch, ServiceState, ServiceType, ServiceView, bookingPolicyStream, serviceDecider, serviceStream } from '@kairos/services';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { handleCommand, streamOf } from '../infrastructure/command-handling';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { FutureCommitments, Reference, References } from '../infrastructure/references';

export class CreateService {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly fields: ServiceFields, readonly timeZone: string) {}
}
export class UpdateService {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly patch: ServicePatch, readonly expectedRevision?: number) {}
}
export class DeleteService {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly expectedRevision?: number) {}
}

const TAGS: Record<ServiceType, ScheduleTag> = { APPOINTMENT: 'INDIVIDUAL', CLASS: 'GROUP', COURSE: 'COURSE' };

/** A service's schedule links each resource its groups may use, BUSY: their bookings block it. */
const linkedResourceSchedules = (groups: ResourceGroup[]) =>
  [...new Set(groups.flatMap((g) => g.resourceIds))].map((id) => ({ scheduleId: scheduleIdOf(id), transparency: 'BUSY' as const }));

const referencesOf = (tenant: string, fields: Partial<ServiceFields>): Reference[] => [
  ...(fields.resourceGroups ?? []).flatMap((group, g) =>
    group.resourceIds.map((id, i) => ({ field: `resourceGroups[${g}].resourceIds[${i}]`, streamId: resourceStream(tenant, id), noun: 'resource' })),
  ),
  ...(fields.locations ?? []).flatMap((location, i) =>
    location.id ? [{ field: `locations[${i}].id`, streamId: locationStream(tenant, location.id), noun: 'location' }] : [],
  ),
  ...(fields.bookingPolicyId ? [{ field: 'bookingPolicyId', streamId: bookingPolicyStream(tenant, fields.bookingPolicyId), noun: 'booking policy' }] : []),
];

const viewOf = (state: ServiceState): ServiceView => existing(state, 'service');

@CommandHandler(CreateService)
export class CreateServiceHandler implements ICommandHandler<CreateService, Positioned<ServiceView>> {
  constructor(private readonly es: EventSourcing, private readonly references: References) {}

  execute({ ctx, id, fields, timeZone }: CreateService) {
    const scheduleId = scheduleIdOf(id);
    const service = streamOf(serviceStream(ctx.tenant, id), serviceDecider);
    const schedule = streamOf(scheduleStream(ctx.tenant, scheduleId), scheduleDecider);
    return handleCommand(this.es, ctx, async ({ now, read }) => {
      // The service's own rules answer before its references are looked up.
      const before = await read(service);
      const events = serviceDecider.decide({ type: 'CreateService', id, scheduleId, timeZone, fields }, before, { now });
      await this.references.requireAll(referencesOf(ctx.tenant, fields));
      return {
        streams: [service, schedule],
        decide: (states) => {
          const scheduleEvents = scheduleDecider.decide(
            {
              type: 'CreateSchedule',
              id: scheduleId,
              fields: {
                ownerType: 'SERVICE',
                ownerId: id,
                timeZone,
                tags: [TAGS[fields.type]],
                capacity: fields.defaultCapacity,
                linkedSchedules: linkedResourceSchedules(fields.resourceGroups),
                workingHours: [],
                locationId: fields.locations.find((l) => l.id)?.id ?? null,
              },
            },
            states.of(schedule),
            { now },
          );
          return {
            appends: [
              { streamId: service.streamId, events },
              { streamId: schedule.streamId, events: scheduleEvents },
            ],
            answer: viewOf(fold(serviceDecider, events, before)),
            location: `/v1/services/${id}`,
          };
        },
      };
    });
  }
}

@CommandHandler(UpdateService)
export class UpdateServiceHandler implements ICommandHandler<UpdateService, Positioned<ServiceView>> {
  constructor(private readonly es: EventSourcing, private readonly references: References) {}

  execute({ ctx, id, patch, expectedRevision }: UpdateService) {
    const service = streamOf(serviceStream(ctx.tenant, id), serviceDecider);
    return handleCommand(this.es, ctx, async ({ now, read }) => {
      const before = await read(service);
      const events = serviceDecider.decide({ type: 'UpdateService', patch, expectedRevision }, before, { now });
      const view = viewOf(fold(serviceDecider, events, before));
      const changed = events.length > 0 ? (events[0].data as { changes: ServicePatch }).changes : {};
      await this.references.requireAll(referencesOf(ctx.tenant, changed));
      const schedule = streamOf(scheduleStream(ctx.tenant, view.scheduleId), scheduleDecider);
      return {
        streams: [service, schedule],
        decide: (states) => ({
          appends: [
            { streamId: service.streamId, events },
            {
              streamId: schedule.streamId,
              events:
                changed.resourceGroups || changed.defaultCapacity
                  ? scheduleDecider.decide(
                      { type: 'UpdateSchedule', patch: { linkedSchedules: linkedResourceSchedules(view.resourceGroups), capacity: view.defaultCapacity } },
                      states.of(schedule),
                      { now },
                    )
                  : [],
            },
          ],
          answer: view,
        }),
      };
    });
  }
}

@CommandHandler(DeleteService)
export class DeleteServiceHandler implements ICommandHandler<DeleteService, Positioned<ServiceView>> {
  constructor(private readonly es: EventSourcing, private readonly commitments: FutureCommitments) {}

  execute({ ctx, id, expectedRevision }: DeleteService) {
    const service = streamOf(serviceStream(ctx.tenant, id), serviceDecider);
    return handleCommand(this.es, ctx, async ({ now }) => {
      const hasFutureBookings = await this.commitments.ofService(ctx.tenant, id, now);
      return {
        streams: [service],
        decide: (states) => {
          const events = serviceDecider.decide({ type: 'DeleteService', expectedRevision }, states.of(service), { now, hasFutureBookings });
          return { appends: [{ streamId: service.streamId, events }], answer: viewOf(fold(serviceDecider, events, states.of(service))) };
        },
      };
    });
  }
}

export const SERVICE_COMMAND_HANDLERS = [CreateServiceHandler, UpdateServiceHandler, DeleteServiceHandler];
