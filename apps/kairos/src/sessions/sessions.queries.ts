import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { BOOKINGS, BookingDoc, SEATS } from '@kairos/bookings';
import { DomainError } from '@kairos/core';
import { publicView } from '@kairos/projections';
import { FieldFilter, ReadStore, decodeCursor, encodeCursor, findAll } from '@kairos/read-store';
import { SCHEDULES, SESSIONS, SESSION_INSTANCES, ScheduleView, SessionDoc, SessionInstance, SessionView, sessionInstances } from '@kairos/scheduling';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { CLOCK, Clock, READ_STORE } from '../infrastructure/tokens';
import { waitUntilProjected } from '../queries/read-models';

export class GetSession {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly minPosition?: number) {}
}

export interface SessionsFilter {
  scheduleIds?: string[];
  affectsScheduleId?: string;
  from: Date;
  to: Date;
  type?: string;
  limit: number;
  cursor?: string | null;
}

export class ListSessions {
  constructor(readonly ctx: RequestContext, readonly filter: SessionsFilter, readonly minPosition?: number) {}
}

const byStartThenId = (a: SessionInstance, b: SessionInstance) => (a.start === b.start ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.start < b.start ? -1 : 1);

/** Every series doc that may have an instance in the window, for the given schedules. */
export const seriesInWindow = (readStore: ReadStore, tenant: string, where: Record<string, FieldFilter>, from: Date, to: Date) =>
  findAll<SessionDoc>(readStore, SESSIONS, tenant, { ...where, _firstStart: { lt: to.toISOString() }, _lastEnd: { gte: from.toISOString() } });

@QueryHandler(ListSessions)
export class ListSessionsHandler implements IQueryHandler<ListSessions> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute({ ctx, filter, minPosition }: ListSessions) {
    const position = await waitUntilProjected(this.readStore, 'scheduling', minPosition);
    const where: Record<string, FieldFilter> = filter.affectsScheduleId
      ? { _affects: { contains: filter.affectsScheduleId } }
      : { scheduleId: { in: filter.scheduleIds ?? [] } };
    const series = await seriesInWindow(this.readStore, ctx.tenant, where, filter.from, filter.to);
    let instances = series
      .flatMap((doc) => sessionInstances(doc, { from: filter.from, to: filter.to }))
      .filter((i) => !filter.type || i.type === filter.type)
      .sort(byStartThenId);
    if (filter.cursor) {
      const [start, id] = decodeCursor(filter.cursor) as [string, string];
      instances = instances.filter((i) => i.start > start || (i.start === start && i.id > id));
    }
    const items = instances.slice(0, filter.limit);
    const last = items[items.length - 1];
    return new Positioned({ items, nextCursor: instances.length > filter.limit && last ? encodeCursor(last.start, last.id) : null }, position);
  }
}

/** Who holds a place in an EVENT session: its class seats, its appointment, or its course. */
export interface Participant {
  bookingId: string;
  contactId: string | null;
  partySize: number;
  status: BookingDoc['status'];
}

@QueryHandler(GetSession)
export class GetSessionHandler implements IQueryHandler<GetSession> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore, @Inject(CLOCK) private readonly now: Clock) {}

  async execute({ ctx, id, minPosition }: GetSession) {
    // The session comes from one projection, its participants from another: both must be at the caller's write.
    const [scheduling, bookings] = await Promise.all([waitUntilProjected(this.readStore, 'scheduling', minPosition), waitUntilProjected(this.readStore, 'bookings', minPosition)]);
    const position = scheduling === null || bookings === null ? null : Math.min(scheduling, bookings);
    const series = await this.readStore.get<SessionDoc>(SESSIONS, ctx.tenant, id);
    if (series) return new Positioned(await this.withParticipants(ctx.tenant, publicView(series), series.recurrence === null ? id : null), position);
    const indexed = await this.readStore.get<{ id: string; seriesId: string; originalStart: string }>(SESSION_INSTANCES, ctx.tenant, id);
    const parent = indexed && (await this.readStore.get<SessionDoc>(SESSIONS, ctx.tenant, indexed.seriesId));
    if (!indexed || !parent) throw new DomainError('not-found', `session ${id} does not exist`);
    const at = Date.parse(indexed.originalStart);
    const instance = sessionInstances(parent, { from: new Date(at - 400 * 86_400_000), to: new Date(at + 400 * 86_400_000) }).find((i) => i.id === id);
    if (!instance) throw new DomainError('not-found', `session ${id} does not exist`);
    return new Positioned(await this.withParticipants(ctx.tenant, instance, id), position);
  }

  /**
   * api.md's `participants` and `openSpots` of a session that can be booked: a single session or
   * one instance (a series as a whole has no one participant list). Participants are the bookings
   * that hold a place; open spots count seats taken and seats locked for a waitlist offer, as
   * availability does.
   */
  private async withParticipants<T extends SessionInstance | SessionView>(tenant: string, session: T, bookableId: string | null) {
    if (bookableId === null || session.type !== 'EVENT') return session;
    // A PENDING booking holds its place unless the service lets several requests wait for one slot.
    const holding = (where: Record<string, FieldFilter>) => findAll<BookingDoc>(this.readStore, BOOKINGS, tenant, { ...where, holdsSlot: true });
    const [schedule, seats, byClass, byAppointment, byCourse] = await Promise.all([
      this.readStore.get<ScheduleView>(SCHEDULES, tenant, session.scheduleId),
      this.readStore.getMany<{ id: string; total: number; locks?: Record<string, { partySize: number; until: number }> }>(SEATS, tenant, [bookableId, session.scheduleId]),
      holding({ sessionId: bookableId }),
      holding({ appointmentSessionId: bookableId }),
      holding({ scheduleId: session.scheduleId, serviceType: 'COURSE' }),
    ]);
    const participants: Participant[] = [...byClass, ...byAppointment, ...byCourse].map((b) => ({ bookingId: b.id, contactId: b.contactId, partySize: b.partySize, status: b.status }));
    const course = byCourse.length > 0 || seats.some((d) => d.id === session.scheduleId);
    // A course is booked whole: its seats and capacity are the schedule's, whatever one session says.
    const capacity = (course ? schedule?.capacity : session.capacity ?? schedule?.capacity) ?? 1;
    const seated = seats.find((d) => d.id === (course ? session.scheduleId : bookableId));
    const now = this.now().getTime();
    const locked = Object.values(seated?.locks ?? {}).filter((l) => l.until > now).reduce((sum, l) => sum + l.partySize, 0);
    const taken = seated ? seated.total : participants.reduce((sum, p) => sum + p.partySize, 0);
    return { ...session, participants, openSpots: Math.max(0, capacity - taken - locked) };
  }
}

export const SESSION_QUERY_HANDLERS = [ListSessionsHandler, GetSessionHandler];
