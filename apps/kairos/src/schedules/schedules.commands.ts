import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, existing, fold } from '@kairos/core';
import { ReadStore, findAll } from '@kairos/read-store';
import { SESSIONS, ScheduleState, ScheduleView, SchedulePatch, scheduleDecider, scheduleStream, sessionDecider, sessionStream } from '@kairos/scheduling';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { EventSourcing, PendingAppend } from '../infrastructure/event-sourcing';
import { References, resourceReferences } from '../infrastructure/references';
import { READ_STORE } from '../infrastructure/tokens';
import { SeriesChange, SessionClaims } from '../sessions/session-claims';
import { UpdateScheduleDto } from './schedules.dto';

export class UpdateSchedule {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly dto: UpdateScheduleDto, readonly expectedRevision?: number) {}
}
export class CancelSchedule {
  constructor(readonly ctx: RequestContext, readonly id: string) {}
}

const viewOf = (state: ScheduleState): ScheduleView => existing(state, 'schedule');

const toPatch = (dto: UpdateScheduleDto): SchedulePatch => {
  const patch: SchedulePatch = {};
  if (dto.timeZone !== undefined) patch.timeZone = dto.timeZone;
  if (dto.capacity !== undefined) patch.capacity = dto.capacity;
  if (dto.locationId !== undefined) patch.locationId = dto.locationId;
  if (dto.linkedSchedules) patch.linkedSchedules = dto.linkedSchedules.map((l) => ({ scheduleId: l.scheduleId, transparency: l.transparency ?? 'BUSY' }));
  if (dto.workingHours) {
    patch.workingHours = dto.workingHours.map((w) => ({
      daysOfWeek: w.daysOfWeek,
      startTime: w.startTime,
      endTime: w.endTime,
      everyWeeks: w.everyWeeks ?? 1,
      validFrom: w.validFrom ?? null,
      validUntil: w.validUntil ?? null,
    }));
  }
  return patch;
};

@CommandHandler(UpdateSchedule)
export class UpdateScheduleHandler implements ICommandHandler<UpdateSchedule> {
  constructor(private readonly es: EventSourcing, private readonly references: References) {}

  async execute({ ctx, id, dto, expectedRevision }: UpdateSchedule): Promise<Positioned<ScheduleView>> {
    const patch = toPatch(dto);
    return this.es.retrying(async () => {
      const now = this.es.now();
      const schedule = await this.es.load(scheduleStream(ctx.tenant, id), scheduleDecider);
      const events = scheduleDecider.decide({ type: 'UpdateSchedule', patch, expectedRevision }, schedule.state, { now });
      await this.references.requireAll(resourceReferences(ctx.tenant, { locationId: patch.locationId }));
      if (patch.linkedSchedules) await this.refuseCycles(ctx.tenant, id, patch.linkedSchedules.map((l) => l.scheduleId));
      return this.es.commit(ctx, [{ streamId: scheduleStream(ctx.tenant, id), expected: schedule.expected, events }], now, viewOf(fold(scheduleDecider, events, schedule.state)));
    });
  }

  /** Links form a graph that availability walks; a cycle would make "whose hours, whose busy time" endless. */
  private async refuseCycles(tenant: string, id: string, linked: string[]) {
    const seen = new Set<string>();
    const pending = linked.map((scheduleId, index) => ({ scheduleId, index }));
    while (pending.length > 0) {
      const { scheduleId, index } = pending.pop()!;
      if (scheduleId === id) {
        throw new DomainError('validation', 'the links would form a cycle', [{ field: `linkedSchedules[${index}].scheduleId`, reason: 'links back to this schedule' }]);
      }
      if (seen.has(scheduleId)) continue;
      seen.add(scheduleId);
      const { state } = await this.es.load(scheduleStream(tenant, scheduleId), scheduleDecider);
      if (state.status === 'none') {
        throw new DomainError('not-found', `schedule ${scheduleId} does not exist`, [{ field: `linkedSchedules[${index}].scheduleId`, reason: 'no such schedule' }]);
      }
      for (const next of state.view.linkedSchedules) pending.push({ scheduleId: next.scheduleId, index });
    }
  }
}

@CommandHandler(CancelSchedule)
export class CancelScheduleHandler implements ICommandHandler<CancelSchedule> {
  constructor(private readonly es: EventSourcing, @Inject(READ_STORE) private readonly readStore: ReadStore, private readonly claims: SessionClaims) {}

  /**
   * Cancels the schedule and, in the same append, every session series on it from now on: past
   * sessions stay as history. Series are found through the read model, so one created in the last
   * moments before may escape; cancel it on its own if so.
   */
  async execute({ ctx, id }: CancelSchedule): Promise<Positioned<ScheduleView>> {
    return this.es.retrying(async () => {
      const now = this.es.now();
      const schedule = await this.es.load(scheduleStream(ctx.tenant, id), scheduleDecider);
      const events = scheduleDecider.decide({ type: 'CancelSchedule' }, schedule.state, { now });
      const pending: PendingAppend[] = [{ streamId: scheduleStream(ctx.tenant, id), expected: schedule.expected, events }];
      const canceledSeries: SeriesChange[] = [];
      if (events.length > 0) {
        const seriesIds = (await findAll(this.readStore, SESSIONS, ctx.tenant, { scheduleId: id, status: 'ACTIVE' })).map((doc) => doc.id);
        // Asked for together, the streams are read with one statement (SqlEventStore.readStream).
        const loaded = await Promise.all(seriesIds.map((seriesId) => this.es.load(sessionStream(ctx.tenant, seriesId), sessionDecider)));
        for (const [index, series] of loaded.entries()) {
          // An appointment's session stays with its booking, which holds its resources until it is canceled.
          if (series.state.status !== 'ACTIVE' || series.state.view.bookingId) continue;
          const ended = sessionDecider.decide({ type: 'CancelSeries', from: now.toISOString() }, series.state, { now });
          pending.push({ streamId: sessionStream(ctx.tenant, seriesIds[index]), expected: series.expected, events: ended });
          canceledSeries.push({ before: series.state.view, after: existing(fold(sessionDecider, ended, series.state), 'session') });
        }
      }
      pending.push(...(await this.claims.change(ctx, canceledSeries, now)));
      return this.es.commit(ctx, pending, now, viewOf(fold(scheduleDecider, events, schedule.state)));
    });
  }
}

export const SCHEDULE_HANDLERS = [UpdateScheduleHandler, CancelScheduleHandler];
