import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, FieldError, KAIROS_NAMESPACE, existing, fold, newId, uuidV5 } from '@kairos/core';
import { ReadStore } from '@kairos/read-store';
import {
  ALL_TIME,
  InstanceOverride,
  SESSION_INSTANCES,
  SessionDetails,
  SessionFields,
  SessionState,
  SessionView,
  expandSeries,
  formatRecurrence,
  parseRecurrence,
  scheduleDecider,
  scheduleStream,
  sessionDecider,
  sessionInstances,
  sessionStream,
  toInstant,
  toLocal,
} from '@kairos/scheduling';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { Reference, References, resourceReferences } from '../infrastructure/references';
import { READ_STORE } from '../infrastructure/tokens';
import { SessionClaims } from './session-claims';
import { CancelSessionDto, CreateSessionDto, SessionDetailsDto, UpdateSessionDto } from './sessions.dto';

const DAY = 24 * 60 * 60 * 1000;
/**
 * A busy session claims every hour it holds of each of its resources in one append: a month of
 * staff leave is 744 claims, while an end in the year 9999 would be tens of millions and exhaust
 * the process. Longer absences are several sessions, or a series.
 */
export const MAX_SESSION_DAYS = 31;

export class CreateSession {
  constructor(readonly ctx: RequestContext, readonly scheduleId: string, readonly dto: CreateSessionDto) {}
}
export class UpdateSession {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly dto: UpdateSessionDto, readonly expectedRevision?: number) {}
}
export class CancelSession {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly dto: CancelSessionDto) {}
}

/** Validation of times that needs the zone database, handed to the pure decider. */
export const checkTiming = (f: Pick<SessionFields, 'localStart' | 'localEnd' | 'timeZone' | 'recurrence' | 'exdates'>): FieldError[] => {
  const errors: FieldError[] = [];
  const attempt = (run: () => void) => {
    try {
      run();
    } catch (error) {
      if (error instanceof DomainError) errors.push(...error.errors);
      else throw error;
    }
  };
  let start: Date | undefined;
  let end: Date | undefined;
  attempt(() => (start = toInstant(f.localStart, f.timeZone, 'localStart')));
  attempt(() => (end = toInstant(f.localEnd, f.timeZone, 'localEnd')));
  if (start && end && end <= start) errors.push({ field: 'localEnd', reason: 'must be after localStart' });
  if (start && end && end.getTime() - start.getTime() > MAX_SESSION_DAYS * DAY) errors.push({ field: 'localEnd', reason: `a session lasts at most ${MAX_SESSION_DAYS} days` });
  if (f.recurrence !== null) attempt(() => parseRecurrence(f.recurrence!, 'recurrence'));
  return errors;
};

/** The rule in canonical form when it parses; as given otherwise, so the decider reports it with every other problem. */
const canonicalRecurrence = (value: string) => {
  try {
    return formatRecurrence(parseRecurrence(value));
  } catch {
    return value;
  }
};

const isOccurrenceOf = (view: SessionView) => (originalStart: string) => {
  const at = new Date(originalStart);
  if (Number.isNaN(at.getTime())) return false;
  const rule = view.recurrence === null ? null : parseRecurrence(view.recurrence);
  return expandSeries(
    { localStart: view.localStart, localEnd: view.localEnd, timeZone: view.timeZone, rule, exdates: view.exdates },
    { from: at, to: new Date(at.getTime() + 1) },
  ).some((o) => o.originalStart.getTime() === at.getTime());
};

const details = (dto: SessionDetailsDto): Partial<SessionDetails> => {
  const out: Partial<SessionDetails> = {};
  if (dto.title !== undefined) out.title = dto.title;
  if (dto.capacity !== undefined) out.capacity = dto.capacity;
  if (dto.resourceIds !== undefined) out.resourceIds = dto.resourceIds;
  if (dto.affectedSchedules !== undefined) {
    out.affectedSchedules = dto.affectedSchedules?.map((a) => ({ scheduleId: a.scheduleId, transparency: a.transparency ?? 'BUSY' })) ?? null;
  }
  if (dto.bufferBeforeMinutes !== undefined) out.bufferBeforeMinutes = dto.bufferBeforeMinutes;
  if (dto.bufferAfterMinutes !== undefined) out.bufferAfterMinutes = dto.bufferAfterMinutes;
  if (dto.locationId !== undefined) out.locationId = dto.locationId;
  return out;
};

const viewOf = (state: SessionState): SessionView => existing(state, 'session');

/** Ids a session's details name, as the request gave them: each must exist (404 with its field). */
const referencesOf = (tenant: string, changes: Partial<SessionDetails>): Reference[] => [
  ...resourceReferences(tenant, changes),
  ...(changes.affectedSchedules ?? []).map((a, i) => ({ field: `affectedSchedules[${i}].scheduleId`, streamId: scheduleStream(tenant, a.scheduleId), noun: 'schedule' })),
];

/** An appointment's session is its booking's to change: the booking holds the resources and answers for the time. */
const directlyChangeable = (view: SessionView): SessionView => {
  if (view.bookingId) {
    throw new DomainError('invalid-transition', `session ${view.id} belongs to booking ${view.bookingId}; reschedule or cancel the booking`, [
      { field: 'id', reason: 'an appointment session changes through its booking' },
    ]);
  }
  return view;
};
const viewOrNull = (state: SessionState): SessionView | null => (state.status === 'none' ? null : state.view);

/** An id is a series (its own stream) or an instance (indexed by the projection up to a horizon). */
export const resolveSession = async (es: EventSourcing, readStore: ReadStore, tenant: string, id: string) => {
  const series = await es.load(sessionStream(tenant, id), sessionDecider);
  if (series.state.status !== 'none') return { seriesId: id, series, instance: null };
  const indexed = await readStore.get<{ id: string; seriesId: string; originalStart: string }>(SESSION_INSTANCES, tenant, id);
  if (!indexed) throw new DomainError('not-found', `session ${id} does not exist`);
  return {
    seriesId: indexed.seriesId,
    series: await es.load(sessionStream(tenant, indexed.seriesId), sessionDecider),
    instance: { id, originalStart: indexed.originalStart },
  };
};

@CommandHandler(CreateSession)
export class CreateSessionHandler implements ICommandHandler<CreateSession> {
  constructor(private readonly es: EventSourcing, private readonly references: References, private readonly claims: SessionClaims) {}

  async execute({ ctx, scheduleId, dto }: CreateSession): Promise<Positioned<SessionView>> {
    const id = dto.id ?? newId();
    return this.es.retrying(async () => {
      const now = this.es.now();
      const schedule = await this.es.load(scheduleStream(ctx.tenant, scheduleId), scheduleDecider);
      if (schedule.state.status === 'none') throw new DomainError('not-found', `schedule ${scheduleId} does not exist`);
      if (schedule.state.status === 'CANCELED') throw new DomainError('invalid-transition', 'the schedule is canceled');
      const timeZone = dto.timeZone ?? schedule.state.view.timeZone;
      const fields: SessionFields = {
        scheduleId,
        type: dto.type,
        timeZone,
        localStart: dto.localStart ?? (dto.start ? toLocal(new Date(dto.start), timeZone) : ''),
        localEnd: dto.localEnd ?? (dto.end ? toLocal(new Date(dto.end), timeZone) : ''),
        recurrence: dto.recurrence ? canonicalRecurrence(dto.recurrence) : null,
        exdates: dto.exdates ?? [],
        title: null,
        capacity: null,
        resourceIds: [],
        affectedSchedules: null,
        bufferBeforeMinutes: 0,
        bufferAfterMinutes: 0,
        locationId: schedule.state.view.locationId,
        ...details(dto),
      };
      const missing: FieldError[] = [];
      if (!fields.localStart) missing.push({ field: 'localStart', reason: 'give start or localStart' });
      if (!fields.localEnd) missing.push({ field: 'localEnd', reason: 'give end or localEnd' });
      if (missing.length > 0) throw new DomainError('validation', 'the session needs a start and an end', missing);
      await this.references.requireAll(referencesOf(ctx.tenant, details(dto)));
      const session = await this.es.load(sessionStream(ctx.tenant, id), sessionDecider);
      const events = sessionDecider.decide({ type: 'CreateSession', id, fields }, session.state, { now, checkTiming });
      const created = viewOf(fold(sessionDecider, events, session.state));
      const claims = await this.claims.change(ctx, [{ before: viewOrNull(session.state), after: created }], now);
      return this.es.commit(ctx, [{ streamId: sessionStream(ctx.tenant, id), expected: session.expected, events }, ...claims], now, created, `/v1/sessions/${id}`);
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

  async execute({ ctx, id, dto, expectedRevision }: UpdateSession): Promise<Positioned<unknown>> {
    const changes = details(dto);
    return this.es.retrying(async () => {
      const now = this.es.now();
      const { seriesId, series, instance } = await resolveSession(this.es, this.readStore, ctx.tenant, id);
      const view = directlyChangeable(viewOf(series.state));
      await this.references.requireAll(referencesOf(ctx.tenant, changes));
      const context = { now, checkTiming, isOccurrence: isOccurrenceOf(view) };
      if (!instance) {
        if (dto.localStart || dto.localEnd || dto.scope) {
          throw new DomainError('validation', 'times and scope change per instance; address an instance id (scope FOLLOWING for the rest of the series)', [
            { field: dto.scope ? 'scope' : 'localStart', reason: 'instance only' },
          ]);
        }
        const events = sessionDecider.decide({ type: 'UpdateSeries', changes, expectedRevision }, series.state, context);
        const updated = viewOf(fold(sessionDecider, events, series.state));
        const claims = await this.claims.change(ctx, [{ before: view, after: updated }], now);
        return this.es.commit(ctx, [{ streamId: sessionStream(ctx.tenant, seriesId), expected: series.expected, events }, ...claims], now, updated);
      }
      const override: InstanceOverride = { ...changes };
      if (dto.localStart) override.localStart = dto.localStart;
      if (dto.localEnd) override.localEnd = dto.localEnd;
      if (dto.scope === 'FOLLOWING') return this.splitFrom(ctx, view, series.expected, instance.originalStart, override, context);
      const events = sessionDecider.decide(
        { type: 'UpdateInstance', instanceId: instance.id, originalStart: instance.originalStart, changes: override, expectedRevision },
        series.state,
        context,
      );
      const changed = viewOf(fold(sessionDecider, events, series.state));
      const claims = await this.claims.change(ctx, [{ before: view, after: changed }], now);
      const at = Date.parse(instance.originalStart);
      const movedTo = override.localStart ? toInstant(override.localStart, view.timeZone).getTime() : at;
      const updated = sessionInstances(changed, {
        from: new Date(Math.min(at, movedTo) - DAY),
        to: new Date(Math.max(at, movedTo) + DAY),
      }).find((i) => i.id === instance.id);
      return this.es.commit(ctx, [{ streamId: sessionStream(ctx.tenant, seriesId), expected: series.expected, events }, ...claims], now, updated);
    });
  }

  /**
   * "This and following": the series ends before the instance, and a new series continues from it
   * with the changes, in one append. A COUNT is split between the two so the total stays the same.
   */
  private async splitFrom(
    ctx: RequestContext,
    view: SessionView,
    expected: Awaited<ReturnType<EventSourcing['load']>>['expected'],
    originalStart: string,
    override: InstanceOverride,
    context: Parameters<typeof sessionDecider.decide>[2],
  ) {
    const now = context.now;
    const instance = sessionInstances(view, { from: new Date(originalStart), to: new Date(Date.parse(originalStart) + 1) })[0];
    if (!instance || instance.originalStart !== originalStart) throw new DomainError('not-found', 'no such instance of the series');
    const rule = parseRecurrence(view.recurrence!);
    const remaining = rule.count === undefined ? undefined : expandSeries(
      { localStart: view.localStart, localEnd: view.localEnd, timeZone: view.timeZone, rule, exdates: [] },
      { from: new Date(originalStart), to: ALL_TIME.to },
    ).length;
    const continuedBy = uuidV5(KAIROS_NAMESPACE, `${view.id}:from:${originalStart}`);
    const { localStart: newLocalStart, localEnd: newLocalEnd, status: _status, ...changed } = override;
    const fields: SessionFields = {
      scheduleId: view.scheduleId,
      type: view.type,
      timeZone: view.timeZone,
      localStart: newLocalStart ?? instance.localStart,
      localEnd: newLocalEnd ?? instance.localEnd,
      recurrence: formatRecurrence(remaining === undefined ? rule : { ...rule, count: remaining }),
      exdates: view.exdates.filter((d) => d >= instance.localStart.slice(0, 16)),
      title: instance.title,
      capacity: instance.capacity,
      resourceIds: instance.resourceIds,
      affectedSchedules: instance.affectedSchedules,
      bufferBeforeMinutes: instance.bufferBeforeMinutes,
      bufferAfterMinutes: instance.bufferAfterMinutes,
      locationId: instance.locationId,
      ...changed,
    };
    const ended = sessionDecider.decide({ type: 'CancelSeries', from: originalStart, continuedBy }, { status: 'ACTIVE', view }, context);
    const next = await this.es.load(sessionStream(ctx.tenant, continuedBy), sessionDecider);
    const created = sessionDecider.decide({ type: 'CreateSession', id: continuedBy, fields }, next.state, context);
    const continued = viewOf(fold(sessionDecider, created, next.state));
    const claims = await this.claims.change(
      ctx,
      [
        { before: view, after: viewOf(fold(sessionDecider, ended, { status: 'ACTIVE', view })) },
        { before: viewOrNull(next.state), after: continued },
      ],
      now,
    );
    return this.es.commit(
      ctx,
      [
        { streamId: sessionStream(ctx.tenant, view.id), expected, events: ended },
        { streamId: sessionStream(ctx.tenant, continuedBy), expected: next.expected, events: created },
        ...claims,
      ],
      now,
      continued,
      `/v1/sessions/${continuedBy}`,
    );
  }
}

@CommandHandler(CancelSession)
export class CancelSessionHandler implements ICommandHandler<CancelSession> {
  constructor(private readonly es: EventSourcing, @Inject(READ_STORE) private readonly readStore: ReadStore, private readonly claims: SessionClaims) {}

  async execute({ ctx, id, dto }: CancelSession): Promise<Positioned<SessionView>> {
    return this.es.retrying(async () => {
      const now = this.es.now();
      const { seriesId, series, instance } = await resolveSession(this.es, this.readStore, ctx.tenant, id);
      const view = directlyChangeable(viewOf(series.state));
      const events = instance
        ? sessionDecider.decide({ type: 'CancelInstance', instanceId: instance.id, originalStart: instance.originalStart }, series.state, { now, isOccurrence: isOccurrenceOf(view) })
        : sessionDecider.decide({ type: 'CancelSeries', from: dto.from ? new Date(dto.from).toISOString() : now.toISOString() }, series.state, { now });
      const canceled = viewOf(fold(sessionDecider, events, series.state));
      const claims = await this.claims.change(ctx, [{ before: view, after: canceled }], now);
      return this.es.commit(ctx, [{ streamId: sessionStream(ctx.tenant, seriesId), expected: series.expected, events }, ...claims], now, canceled);
    });
  }
}

export const SESSION_HANDLERS = [CreateSessionHandler, UpdateSessionHandler, CancelSessionHandler];
