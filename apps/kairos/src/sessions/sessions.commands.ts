import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, existing, fold } from '@kairos/core';
import { ReadStore } from '@kairos/read-store';
import {
  InstanceOverride,
  SESSION_INSTANCES,
  SessionContext,
  SessionDetails,
  SessionInput,
  SessionState,
  SessionView,
  checkTiming,
  continuationOf,
  directlyChangeable,
  isOccurrenceOf,
  scheduleDecider,
  scheduleStream,
  sessionDecider,
  sessionFieldsOf,
  sessionInstances,
  sessionStream,
  toInstant,
} from '@kairos/scheduling';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { CommandPlan, StreamOf, StreamReader, handleCommand, streamOf } from '../infrastructure/command-handling';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { Reference, References, resourceReferences } from '../infrastructure/references';
import { READ_STORE } from '../infrastructure/tokens';
import { BookingCascade } from './booking-cascade';
import { CLAIM_HORIZON_DAYS, SeriesChange, SessionClaims } from './session-claims';

const DAY = 24 * 60 * 60 * 1000;

/** A change to a series (its details) or to one instance (details, times, and whether the rest follow). */
export interface SessionChange {
  details: Partial<SessionDetails>;
  localStart?: string;
  localEnd?: string;
  scope?: 'THIS' | 'FOLLOWING';
}

export class CreateSession {
  constructor(readonly ctx: RequestContext, readonly scheduleId: string, readonly id: string, readonly input: SessionInput) {}
}
export class UpdateSession {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly change: SessionChange, readonly expectedRevision?: number) {}
}
export class CancelSession {
  /** `from`: a series is canceled from this instant on (default now). */
  constructor(readonly ctx: RequestContext, readonly id: string, readonly from?: string) {}
}

const viewOf = (state: SessionState): SessionView => existing(state, 'session');
const viewOrNull = (state: SessionState): SessionView | null => (state.status === 'none' ? null : state.view);

/** Ids a session's details name, as the request gave them: each must exist (404 with its field). */
const referencesOf = (tenant: string, changes: Partial<SessionDetails>): Reference[] => [
  ...resourceReferences(tenant, changes),
  ...(changes.affectedSchedules ?? []).map((a, i) => ({ field: `affectedSchedules[${i}].scheduleId`, streamId: scheduleStream(tenant, a.scheduleId), noun: 'schedule' })),
];

export interface ResolvedSession {
  series: StreamOf<SessionState>;
  state: SessionState;
  instance: { id: string; originalStart: string } | null;
}

/** An id is a series (its own stream) or an instance (indexed by the projection up to a horizon). */
export const resolveSession = async (reader: StreamReader, readStore: ReadStore, tenant: string, id: string): Promise<ResolvedSession> => {
  const own = streamOf(sessionStream(tenant, id), sessionDecider);
  const state = await reader.read(own);
  if (state.status !== 'none') return { series: own, state, instance: null };
  const indexed = await readStore.get<{ id: string; seriesId: string; originalStart: string }>(SESSION_INSTANCES, tenant, id);
  if (!indexed) throw new DomainError('not-found', `session ${id} does not exist`);
  const series = streamOf(sessionStream(tenant, indexed.seriesId), sessionDecider);
  return { series, state: await reader.read(series), instance: { id, originalStart: indexed.originalStart } };
};

/** A plan that appends the given session events with the claim changes they bring. */
const withClaims = async <Answer>(
  claims: SessionClaims,
  reader: StreamReader,
  tenant: string,
  sessions: { stream: StreamOf<SessionState>; events: ReturnType<typeof sessionDecider.decide> }[],
  changes: SeriesChange[],
  now: Date,
  answer: Answer,
  location?: string,
): Promise<CommandPlan<Answer>> => {
  const claimed = await claims.change(reader, tenant, changes, now);
  return {
    streams: [...sessions.map((s) => s.stream), ...claimed.streams],
    decide: (states) => ({
      appends: [...sessions.map((s) => ({ streamId: s.stream.streamId, events: s.events })), ...claimed.decide(states, now)],
      answer,
      location,
    }),
  };
};

@CommandHandler(CreateSession)
export class CreateSessionHandler implements ICommandHandler<CreateSession> {
  constructor(private readonly es: EventSourcing, private readonly references: References, private readonly claims: SessionClaims) {}

  execute({ ctx, scheduleId, id, input }: CreateSession): Promise<Positioned<SessionView>> {
    const session = streamOf(sessionStream(ctx.tenant, id), sessionDecider);
    return handleCommand(this.es, ctx, async (attempt) => {
      const { now } = attempt;
      const schedule = await attempt.read(streamOf(scheduleStream(ctx.tenant, scheduleId), scheduleDecider));
      const fields = sessionFieldsOf(input, scheduleId, schedule.status === 'none' ? null : schedule.view);
      await this.references.requireAll(referencesOf(ctx.tenant, input.details));
      const before = await attempt.read(session);
      const events = sessionDecider.decide({ type: 'CreateSession', id, fields }, before, { now, checkTiming });
      const created = viewOf(fold(sessionDecider, events, before));
      return withClaims(this.claims, attempt, ctx.tenant, [{ stream: session, events }], [{ before: viewOrNull(before), after: created }], now, created, `/v1/sessions/${id}`);
    });
  }
}

@CommandHandler(UpdateSession)
export class UpdateSessionHandler implements ICommandHandler<UpdateSession> {
  constructor(
    private readonly es: EventSourcing,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly references: References,
    private readonly claims: SessionClaims,
  ) {}

  execute({ ctx, id, change, expectedRevision }: UpdateSession): Promise<Positioned<unknown>> {
    const changes = change.details;
    return handleCommand<unknown>(this.es, ctx, async (attempt) => {
      const { now } = attempt;
      const { series, state, instance } = await resolveSession(attempt, this.readStore, ctx.tenant, id);
      const view = directlyChangeable(viewOf(state));
      await this.references.requireAll(referencesOf(ctx.tenant, changes));
      const context: SessionContext = { now, checkTiming, isOccurrence: isOccurrenceOf(view) };
      if (!instance) {
        if (change.localStart || change.localEnd || change.scope) {
          throw new DomainError('validation', 'times and scope change per instance; address an instance id (scope FOLLOWING for the rest of the series)', [
            { field: change.scope ? 'scope' : 'localStart', reason: 'instance only' },
          ]);
        }
        const events = sessionDecider.decide({ type: 'UpdateSeries', changes, expectedRevision }, state, context);
        const updated = viewOf(fold(sessionDecider, events, state));
        return withClaims(this.claims, attempt, ctx.tenant, [{ stream: series, events }], [{ before: view, after: updated }], now, updated);
      }
      const override: InstanceOverride = { ...changes };
      if (change.localStart) override.localStart = change.localStart;
      if (change.localEnd) override.localEnd = change.localEnd;
      if (change.scope === 'FOLLOWING') return this.splitFrom(attempt, ctx, series, view, instance.originalStart, override, context);
      const events = sessionDecider.decide(
        { type: 'UpdateInstance', instanceId: instance.id, originalStart: instance.originalStart, changes: override, expectedRevision },
        state,
        context,
      );
      const changed = viewOf(fold(sessionDecider, events, state));
      const at = Date.parse(instance.originalStart);
      const movedTo = override.localStart ? toInstant(override.localStart, view.timeZone).getTime() : at;
      const updated = sessionInstances(changed, {
        from: new Date(Math.min(at, movedTo) - DAY),
        to: new Date(Math.max(at, movedTo) + DAY),
      }).find((i) => i.id === instance.id);
      return withClaims(this.claims, attempt, ctx.tenant, [{ stream: series, events }], [{ before: view, after: changed }], now, updated);
    });
  }

  /** "This and following": the series ends before the instance, and a new series continues from it with the changes, in one append. */
  private async splitFrom(
    reader: StreamReader,
    { tenant, actor }: RequestContext,
    series: StreamOf<SessionState>,
    view: SessionView,
    originalStart: string,
    override: InstanceOverride,
    context: SessionContext,
  ): Promise<CommandPlan<unknown>> {
    const continuation = continuationOf(view, originalStart, override);
    const ended = sessionDecider.decide({ type: 'CancelSeries', from: originalStart, continuedBy: continuation.id, actor: actor.type }, { status: 'ACTIVE', view }, context);
    const next = streamOf(sessionStream(tenant, continuation.id), sessionDecider);
    const nextState = await reader.read(next);
    const created = sessionDecider.decide({ type: 'CreateSession', id: continuation.id, fields: continuation.fields }, nextState, context);
    const continued = viewOf(fold(sessionDecider, created, nextState));
    return withClaims(
      this.claims,
      reader,
      tenant,
      [
        { stream: series, events: ended },
        { stream: next, events: created },
      ],
      [
        { before: view, after: viewOf(fold(sessionDecider, ended, { status: 'ACTIVE', view })) },
        { before: viewOrNull(nextState), after: continued },
      ],
      context.now,
      continued,
      `/v1/sessions/${continuation.id}`,
    );
  }
}

@CommandHandler(CancelSession)
export class CancelSessionHandler implements ICommandHandler<CancelSession> {
  constructor(
    private readonly es: EventSourcing,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly claims: SessionClaims,
    private readonly cascade: BookingCascade,
  ) {}

  /** The session's bookings and waitlist end with it, in the same append (BookingCascade). */
  execute({ ctx, id, from }: CancelSession): Promise<Positioned<SessionView>> {
    return handleCommand(this.es, ctx, async (attempt) => {
      const { now } = attempt;
      const { series, state, instance } = await resolveSession(attempt, this.readStore, ctx.tenant, id);
      const view = directlyChangeable(viewOf(state));
      const actor = ctx.actor.type;
      const schedule = await attempt.read(streamOf(scheduleStream(ctx.tenant, view.scheduleId), scheduleDecider));
      const classes = view.type === 'EVENT' && schedule.status !== 'none' && schedule.view.ownerType === 'SERVICE';
      const fromAt = instance ? null : view.recurrence === null ? null : from ? new Date(from).toISOString() : now.toISOString();
      const places = !classes
        ? { sessionIds: [] }
        : instance
          ? { sessionIds: [instance.id] }
          : fromAt === null
            ? { sessionIds: [view.id] }
            : // Bookings of instances already past stay as history.
              { sessionIds: [], seriesInstanceIds: instancesFrom(view, new Date(Math.max(Date.parse(fromAt), now.getTime())).toISOString()) };
      const cascade = await this.cascade.cancel(attempt, ctx.tenant, places, { now, actor, reason: 'the session was canceled' });
      const canceledBookingIds = cascade.canceledOn([...places.sessionIds, ...(places.seriesInstanceIds ?? [])]);
      const events = instance
        ? sessionDecider.decide({ type: 'CancelInstance', instanceId: instance.id, originalStart: instance.originalStart, actor, canceledBookingIds }, state, { now, isOccurrence: isOccurrenceOf(view) })
        : sessionDecider.decide({ type: 'CancelSeries', from: fromAt ?? now.toISOString(), actor, canceledBookingIds }, state, { now });
      const canceled = viewOf(fold(sessionDecider, events, state));
      const plan = await withClaims(this.claims, attempt, ctx.tenant, [{ stream: series, events }], [{ before: view, after: canceled }], now, canceled);
      // Nothing cascades when the session was already canceled.
      const cascaded = events.length > 0 ? cascade.appends : [];
      return {
        streams: plan.streams,
        decide: (states, at) => {
          const decided = plan.decide(states, at);
          return { ...decided, appends: [...decided.appends, ...cascaded] };
        },
      };
    });
  }
}

/** The instances a series canceled from `from` ends, as far ahead as they can be booked. */
export const instancesFrom = (view: SessionView, from: string): string[] =>
  sessionInstances(view, { from: new Date(from), to: new Date(Date.parse(from) + CLAIM_HORIZON_DAYS * DAY) })
    .filter((i) => Date.parse(i.originalStart) >= Date.parse(from))
    .map((i) => i.id);

export const SESSION_HANDLERS = [CreateSessionHandler, UpdateSessionHandler, CancelSessionHandler];
