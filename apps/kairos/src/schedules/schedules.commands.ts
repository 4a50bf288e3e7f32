import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, existing, fold } from '@kairos/core';
import { ReadStore, findAll } from '@kairos/read-store';
import { SESSIONS, ScheduleState, ScheduleView, SchedulePatch, scheduleDecider, scheduleStream, sessionDecider, sessionStream } from '@kairos/scheduling';
import { serviceDecider, serviceStream } from '@kairos/services';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { StreamEvents, StreamReader, handleCommand, streamOf } from '../infrastructure/command-handling';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { References, resourceReferences } from '../infrastructure/references';
import { READ_STORE } from '../infrastructure/tokens';
import { BookingCascade } from '../sessions/booking-cascade';
import { SeriesChange, SessionClaims } from '../sessions/session-claims';
import { instancesFrom } from '../sessions/sessions.commands';

export class UpdateSchedule {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly patch: SchedulePatch, readonly expectedRevision?: number) {}
}
export class CancelSchedule {
  constructor(readonly ctx: RequestContext, readonly id: string) {}
}

const viewOf = (state: ScheduleState): ScheduleView => existing(state, 'schedule');

/** Links form a graph that availability walks; a cycle would make "whose hours, whose busy time" endless. */
const refuseCycles = async (reader: StreamReader, tenant: string, id: string, linked: string[]) => {
  const seen = new Set<string>();
  const pending = linked.map((scheduleId, index) => ({ scheduleId, index }));
  while (pending.length > 0) {
    const { scheduleId, index } = pending.pop()!;
    if (scheduleId === id) {
      throw new DomainError('validation', 'the links would form a cycle', [{ field: `linkedSchedules[${index}].scheduleId`, reason: 'links back to this schedule' }]);
    }
    if (seen.has(scheduleId)) continue;
    seen.add(scheduleId);
    const state = await reader.read(streamOf(scheduleStream(tenant, scheduleId), scheduleDecider));
    if (state.status === 'none') {
      throw new DomainError('not-found', `schedule ${scheduleId} does not exist`, [{ field: `linkedSchedules[${index}].scheduleId`, reason: 'no such schedule' }]);
    }
    for (const next of state.view.linkedSchedules) pending.push({ scheduleId: next.scheduleId, index });
  }
};

@CommandHandler(UpdateSchedule)
export class UpdateScheduleHandler implements ICommandHandler<UpdateSchedule> {
  constructor(private readonly es: EventSourcing, private readonly references: References) {}

  execute({ ctx, id, patch, expectedRevision }: UpdateSchedule): Promise<Positioned<ScheduleView>> {
    const schedule = streamOf(scheduleStream(ctx.tenant, id), scheduleDecider);
    return handleCommand(this.es, ctx, async (attempt) => {
      const before = await attempt.read(schedule);
      // The schedule's own rules answer before the ids it names are looked up.
      const events = scheduleDecider.decide({ type: 'UpdateSchedule', patch, expectedRevision }, before, { now: attempt.now });
      await this.references.requireAll(resourceReferences(ctx.tenant, { locationId: patch.locationId }));
      if (patch.linkedSchedules) await refuseCycles(attempt, ctx.tenant, id, patch.linkedSchedules.map((l) => l.scheduleId));
      return {
        streams: [schedule],
        decide: () => ({ appends: [{ streamId: schedule.streamId, events }], answer: viewOf(fold(scheduleDecider, events, before)) }),
      };
    });
  }
}

@CommandHandler(CancelSchedule)
export class CancelScheduleHandler implements ICommandHandler<CancelSchedule> {
  constructor(
    private readonly es: EventSourcing,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly claims: SessionClaims,
    private readonly cascade: BookingCascade,
  ) {}

  /**
   * Cancels the schedule and, in the same append, every session series on it from now on (past
   * sessions stay as history), and the bookings and waitlist entries on them and on its course
   * (BookingCascade). Series are found through the read model, so one created in the last moments
   * before may escape; cancel it on its own if so.
   */
  execute({ ctx, id }: CancelSchedule): Promise<Positioned<ScheduleView>> {
    const schedule = streamOf(scheduleStream(ctx.tenant, id), scheduleDecider);
    return handleCommand(this.es, ctx, async ({ now, read }) => {
      const before = await read(schedule);
      // The schedule's own rules answer first; the event is decided again once its bookings are known.
      let events = scheduleDecider.decide({ type: 'CancelSchedule', actor: ctx.actor.type }, before, { now });
      const ended: StreamEvents[] = [];
      const canceledSeries: SeriesChange[] = [];
      let cascaded: StreamEvents[] = [];
      if (events.length > 0) {
        const seriesIds = (await findAll(this.readStore, SESSIONS, ctx.tenant, { scheduleId: id, status: 'ACTIVE' })).map((doc) => doc.id);
        const series = seriesIds.map((seriesId) => streamOf(sessionStream(ctx.tenant, seriesId), sessionDecider));
        // Asked for together, the streams are read with one statement (SqlEventStore.readStream).
        const states = await Promise.all(series.map((s) => read(s)));
        // An appointment's session stays with its booking, which holds its resources until it is canceled.
        const live = states.flatMap((state, index) => (state.status === 'ACTIVE' && !state.view.bookingId ? [{ stream: series[index], state, view: state.view }] : []));
        const from = now.toISOString();
        const instances = live.map(({ view }) => (view.type === 'EVENT' ? instancesFrom(view, from) : []));
        const owner = before.status !== 'none' && before.view.ownerType === 'SERVICE' ? await read(streamOf(serviceStream(ctx.tenant, before.view.ownerId), serviceDecider)) : null;
        const service = owner !== null && owner.status !== 'none' ? owner.view : null;
        const cascade = await this.cascade.cancel(
          { read },
          ctx.tenant,
          { sessionIds: [], seriesInstanceIds: service ? instances.flat() : [], courseId: service?.type === 'COURSE' ? id : undefined },
          { now, actor: ctx.actor.type, reason: 'the schedule was canceled' },
        );
        cascaded = cascade.appends;
        events = scheduleDecider.decide({ type: 'CancelSchedule', actor: ctx.actor.type, canceledBookingIds: cascade.canceledBookingIds }, before, { now });
        for (const [index, { stream, state, view }] of live.entries()) {
          const canceled = sessionDecider.decide({ type: 'CancelSeries', from, actor: ctx.actor.type, canceledBookingIds: cascade.canceledOn(instances[index]) }, state, { now });
          ended.push({ streamId: stream.streamId, events: canceled });
          canceledSeries.push({ before: view, after: existing(fold(sessionDecider, canceled, state), 'session') });
        }
      }
      const claims = await this.claims.change({ read }, ctx.tenant, canceledSeries, now);
      return {
        streams: [schedule, ...claims.streams],
        decide: (states) => ({
          appends: [{ streamId: schedule.streamId, events }, ...ended, ...claims.decide(states, now), ...cascaded],
          answer: viewOf(fold(scheduleDecider, events, before)),
        }),
      };
    });
  }
}

export const SCHEDULE_HANDLERS = [UpdateScheduleHandler, CancelScheduleHandler];
