import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError } from '@kairos/core';
import { publicView } from '@kairos/projections';
import { FieldFilter, ReadStore, decodeCursor, encodeCursor } from '@kairos/read-store';
import { SESSIONS, SESSION_INSTANCES, SessionDoc, SessionInstance, sessionInstances } from '@kairos/scheduling';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { READ_STORE } from '../infrastructure/tokens';
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
export const seriesInWindow = async (readStore: ReadStore, tenant: string, where: Record<string, FieldFilter>, from: Date, to: Date) => {
  const docs: SessionDoc[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: SessionDoc[]; nextCursor: string | null } = await readStore.find<SessionDoc>(SESSIONS, tenant, {
      where: { ...where, _firstStart: { lt: to.toISOString() }, _lastEnd: { gte: from.toISOString() } },
      limit: 500,
      cursor,
    });
    docs.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return docs;
};

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

@QueryHandler(GetSession)
export class GetSessionHandler implements IQueryHandler<GetSession> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute({ ctx, id, minPosition }: GetSession) {
    const position = await waitUntilProjected(this.readStore, 'scheduling', minPosition);
    const series = await this.readStore.get<SessionDoc>(SESSIONS, ctx.tenant, id);
    if (series) return new Positioned(publicView(series), position);
    const indexed = await this.readStore.get<{ id: string; seriesId: string; originalStart: string }>(SESSION_INSTANCES, ctx.tenant, id);
    const parent = indexed && (await this.readStore.get<SessionDoc>(SESSIONS, ctx.tenant, indexed.seriesId));
    if (!indexed || !parent) throw new DomainError('not-found', `session ${id} does not exist`);
    const at = Date.parse(indexed.originalStart);
    const instance = sessionInstances(parent, { from: new Date(at - 400 * 86_400_000), to: new Date(at + 400 * 86_400_000) }).find((i) => i.id === id);
    if (!instance) throw new DomainError('not-found', `session ${id} does not exist`);
    return new Positioned(instance, position);
  }
}

export const SESSION_QUERY_HANDLERS = [ListSessionsHandler, GetSessionHandler];
