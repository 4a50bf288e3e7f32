import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { existing, fold, newId } from '@kairos/core';
import { resourceStream, locationStream } from '@kairos/resources';
import { ScheduleTag, scheduleDecider, scheduleIdOf, scheduleStream } from '@kairos/scheduling';
import {
  ResourceGroup,
  ServiceFields,
  ServicePatch,
  ServiceState,
  ServiceType,
  ServiceView,
  bookingPolicyStream,
  serviceDecider,
  serviceStream,
} from '@kairos/services';
import { plainData } from '../http/common.dto';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { FutureCommitments, Reference, References } from '../infrastructure/references';
import { CreateServiceDto, UpdateServiceDto } from './services.dto';

export class CreateService {
  constructor(readonly ctx: RequestContext, readonly dto: CreateServiceDto) {}
}
export class UpdateService {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly dto: UpdateServiceDto, readonly expectedRevision?: number) {}
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

const toFields = (dto: CreateServiceDto): ServiceFields => ({
  name: dto.name,
  type: dto.type,
  category: dto.category ?? null,
  hidden: dto.hidden ?? false,
  defaultCapacity: dto.defaultCapacity ?? 1,
  sessionDurations: dto.sessionDurations ?? [],
  bufferBeforeMinutes: dto.bufferBeforeMinutes ?? 0,
  bufferAfterMinutes: dto.bufferAfterMinutes ?? 0,
  slotSplitIntervalMinutes: dto.slotSplitIntervalMinutes ?? null,
  resourceGroups: (dto.resourceGroups ?? []).map((g) => ({ resourceIds: g.resourceIds, requiredCount: g.requiredCount, selectable: g.selectable })),
  locations: (dto.locations ?? []).map((l) => ({ id: l.id ?? null, type: l.type })),
  onlineBooking: dto.onlineBooking
    ? { enabled: dto.onlineBooking.enabled, requireManualApproval: dto.onlineBooking.requireManualApproval, allowMultipleRequests: dto.onlineBooking.allowMultipleRequests }
    : { enabled: true, requireManualApproval: false, allowMultipleRequests: false },
  payment: dto.payment
    ? { rateType: dto.payment.rateType, price: dto.payment.price ?? null, deposit: dto.payment.deposit ?? null, planIds: dto.payment.planIds ?? [] }
    : { rateType: 'NO_FEE', price: null, deposit: null, planIds: [] },
  bookingPolicyId: dto.bookingPolicyId ?? null,
});

const toPatch = (dto: UpdateServiceDto): ServicePatch => {
  const { revision: _revision, ...changes } = plainData<ServicePatch & { revision?: number }>(dto);
  return changes;
};

const viewOf = (state: ServiceState): ServiceView => existing(state, 'service');

@CommandHandler(CreateService)
export class CreateServiceHandler implements ICommandHandler<CreateService, Positioned<ServiceView>> {
  constructor(private readonly es: EventSourcing, private readonly references: References) {}

  async execute({ ctx, dto }: CreateService) {
    const id = dto.id ?? newId();
    const fields = toFields(dto);
    const scheduleId = scheduleIdOf(id);
    const timeZone = dto.timeZone ?? 'UTC';
    return this.es.retrying(async () => {
      const now = this.es.now();
      const service = await this.es.load(serviceStream(ctx.tenant, id), serviceDecider);
      const events = serviceDecider.decide({ type: 'CreateService', id, scheduleId, timeZone, fields }, service.state, { now });
      await this.references.requireAll(referencesOf(ctx.tenant, fields));
      const schedule = await this.es.load(scheduleStream(ctx.tenant, scheduleId), scheduleDecider);
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
        schedule.state,
        { now },
      );
      return this.es.commit(
        ctx,
        [
          { streamId: serviceStream(ctx.tenant, id), expected: service.expected, events },
          { streamId: scheduleStream(ctx.tenant, scheduleId), expected: schedule.expected, events: scheduleEvents },
        ],
        now,
        viewOf(fold(serviceDecider, events, service.state)),
        `/v1/services/${id}`,
      );
    });
  }
}

@CommandHandler(UpdateService)
export class UpdateServiceHandler implements ICommandHandler<UpdateService, Positioned<ServiceView>> {
  constructor(private readonly es: EventSourcing, private readonly references: References) {}

  async execute({ ctx, id, dto, expectedRevision }: UpdateService) {
    const patch = toPatch(dto);
    return this.es.retrying(async () => {
      const now = this.es.now();
      const service = await this.es.load(serviceStream(ctx.tenant, id), serviceDecider);
      const events = serviceDecider.decide({ type: 'UpdateService', patch, expectedRevision }, service.state, { now });
      const view = viewOf(fold(serviceDecider, events, service.state));
      const changed = events.length > 0 ? (events[0].data as { changes: ServicePatch }).changes : {};
      await this.references.requireAll(referencesOf(ctx.tenant, changed));
      const schedule = await this.es.load(scheduleStream(ctx.tenant, view.scheduleId), scheduleDecider);
      const scheduleEvents =
        changed.resourceGroups || changed.defaultCapacity
          ? scheduleDecider.decide(
              { type: 'UpdateSchedule', patch: { linkedSchedules: linkedResourceSchedules(view.resourceGroups), capacity: view.defaultCapacity } },
              schedule.state,
              { now },
            )
          : [];
      return this.es.commit(
        ctx,
        [
          { streamId: serviceStream(ctx.tenant, id), expected: service.expected, events },
          { streamId: scheduleStream(ctx.tenant, view.scheduleId), expected: schedule.expected, events: scheduleEvents },
        ],
        now,
        view,
      );
    });
  }
}

@CommandHandler(DeleteService)
export class DeleteServiceHandler implements ICommandHandler<DeleteService, Positioned<ServiceView>> {
  constructor(private readonly es: EventSourcing, private readonly commitments: FutureCommitments) {}

  async execute({ ctx, id, expectedRevision }: DeleteService) {
    return this.es.retrying(async () => {
      const now = this.es.now();
      const service = await this.es.load(serviceStream(ctx.tenant, id), serviceDecider);
      const hasFutureBookings = await this.commitments.ofService(ctx.tenant, id, now);
      const events = serviceDecider.decide({ type: 'DeleteService', expectedRevision }, service.state, { now, hasFutureBookings });
      return this.es.commit(ctx, [{ streamId: serviceStream(ctx.tenant, id), expected: service.expected, events }], now, viewOf(fold(serviceDecider, events, service.state)));
    });
  }
}

export const SERVICE_COMMAND_HANDLERS = [CreateServiceHandler, UpdateServiceHandler, DeleteServiceHandler];
