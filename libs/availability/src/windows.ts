import { DocumentLookup, DocumentWrite, ProjectedEvent, ProjectionDefinition, deleteDoc, putDoc } from '@kairos/core';
import { ConnectionEvent } from '@kairos/calendars';
import { ALL_TIME, SESSION_EVENT_TYPES, SessionEvent, SessionState, SessionView, schedulesTouchedBy, sessionDecider } from '@kairos/scheduling';
import { BusyBlock, Calendar, HeldInstance, ScheduleInfo, StoredBlocks, Window, busyBlockOf, heldInstances, holds, ownCalendar, workingBlockOf, works } from './calendar';

/**
 * Availability windows: per schedule and UTC day, the blocks of every single (non-recurring)
 * session that holds the schedule or adds working time to it, kept up to date event by event;
 * per schedule, the recurring series that touch it, expanded when asked (they are few, and a
 * series has no end to precompute to). Together with the schedule's weekly hours they give the
 * same calendar as expanding every raw session, for any range, with no horizon to run out.
 *
 * A day, not a month: an event rewrites the documents of the days its blocks overlap, and a day
 * holds what one schedule fits in a day, so the cost of a booking does not grow with the bookings
 * already in its month. A query reads one document per schedule and day it asks for, in one read.
 *
 * The projection and its collections are named for the layout of their documents: when it changes,
 * so do the names, and every deployment then replays the new projection from the start of the log
 * on its own (a checkpoint is kept per projection name) into collections no earlier layout wrote
 * (the MongoDB store guards each document with the position that last wrote it, so a replay into
 * documents left by another projection would be refused). The windows were kept per month before,
 * as the `availability` projection in `availability_months`, `availability_series` and
 * `availability_sessions`: that checkpoint and those tables (or collections) are for the operator
 * to drop.
 */
export const AVAILABILITY_PROJECTION = 'availability-windows';
export const AVAILABILITY_DAYS = 'windows_days';
export const AVAILABILITY_SERIES = 'windows_series';
/** The projection's own copy of each session, so it folds events without reading another projection. */
export const AVAILABILITY_SESSIONS = 'windows_sessions';

export interface DayDoc {
  id: string;
  scheduleId: string;
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  working: BusyBlock[];
  busy: BusyBlock[];
}

export interface SeriesDoc {
  id: string;
  series: SessionView[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

const dayKey = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The UTC days a block overlaps. */
export const daysOf = (start: number, end: number): string[] => {
  const days: string[] = [];
  for (let day = Math.floor(start / DAY_MS) * DAY_MS; day < end; day += DAY_MS) days.push(dayKey(day));
  return days.length > 0 ? days : [dayKey(start)];
};

const dayDocId = (scheduleId: string, day: string) => `${scheduleId}|${day}`;

interface Placement {
  scheduleId: string;
  kind: 'working' | 'busy';
  block: BusyBlock;
}

/** Where a single session's instance lands: each schedule it touches, and whether as working time or a hold. */
const placements = (instance: HeldInstance | undefined, touched: string[]): Placement[] => {
  if (!instance) return [];
  return touched.flatMap((scheduleId) => [
    ...(holds(instance, scheduleId) ? [{ scheduleId, kind: 'busy' as const, block: busyBlockOf(instance) }] : []),
    ...(works(instance, scheduleId) ? [{ scheduleId, kind: 'working' as const, block: workingBlockOf(instance) }] : []),
  ]);
};

const byStart = (a: BusyBlock, b: BusyBlock) => a.start - b.start || a.end - b.end || (a.source < b.source ? -1 : 1);

interface DayChange {
  scheduleId: string;
  day: string;
  /** Sources whose blocks leave the day (the ones placed again among them). */
  gone: Set<string>;
  placed: Placement[];
}

/**
 * The day documents after taking the blocks of `gone` out of every day they sat in and putting
 * those of `placed` in every day they overlap; each document touched is read and written once.
 */
const dayWrites = (documents: DocumentLookup, tenant: string, gone: Placement[], placed: Placement[]): DocumentWrite[] => {
  const changes = new Map<string, DayChange>();
  const changeOf = (scheduleId: string, day: string) => {
    const id = dayDocId(scheduleId, day);
    const change = changes.get(id) ?? { scheduleId, day, gone: new Set<string>(), placed: [] };
    changes.set(id, change);
    return change;
  };
  for (const p of gone) for (const day of daysOf(p.block.start, p.block.end)) changeOf(p.scheduleId, day).gone.add(p.block.source);
  for (const p of placed) {
    for (const day of daysOf(p.block.start, p.block.end)) {
      const change = changeOf(p.scheduleId, day);
      change.gone.add(p.block.source);
      change.placed.push(p);
    }
  }
  return [...changes.entries()].map(([id, { scheduleId, day, gone, placed }]) => {
    const doc = documents.get<DayDoc>(AVAILABILITY_DAYS, tenant, id) ?? { id, scheduleId, day, working: [], busy: [] };
    const kept = (kind: Placement['kind']) => {
      const blocks = doc[kind].filter((b) => !gone.has(b.source));
      const added = placed.filter((p) => p.kind === kind).map((p) => p.block);
      return added.length === 0 ? blocks : [...blocks, ...added].sort(byStart);
    };
    const working = kept('working');
    const busy = kept('busy');
    return working.length === 0 && busy.length === 0 ? deleteDoc(AVAILABILITY_DAYS, tenant, id) : putDoc(AVAILABILITY_DAYS, tenant, { id, scheduleId, day, working, busy });
  });
};

const seriesWrites = (documents: DocumentLookup, tenant: string, before: SessionView | null, after: SessionView): DocumentWrite[] => {
  const old = new Set(before ? schedulesTouchedBy(before) : []);
  const now = new Set(schedulesTouchedBy(after));
  return [...new Set([...old, ...now])].map((scheduleId) => {
    const doc = documents.get<SeriesDoc>(AVAILABILITY_SERIES, tenant, scheduleId) ?? { id: scheduleId, series: [] };
    const others = doc.series.filter((s) => s.id !== after.id);
    const series = now.has(scheduleId) ? [...others, after] : others;
    return series.length === 0 ? deleteDoc(AVAILABILITY_SERIES, tenant, scheduleId) : putDoc(AVAILABILITY_SERIES, tenant, { id: scheduleId, series });
  });
};

const instanceOf = (view: SessionView): HeldInstance | undefined => heldInstances(view, ALL_TIME)[0];

type ExternalBusySynced = Extract<ConnectionEvent, { type: 'external-busy.synced' }>;

/**
 * Busy time from a resource's own calendar holds the resource's schedule exactly as a busy session
 * on it would: each block sits in the day documents it overlaps (an all-day block in a zone off UTC
 * in two), under its block id.
 */
const externalBusyWrites = (documents: DocumentLookup, tenant: string, { scheduleId, added, removed }: ExternalBusySynced['data']): DocumentWrite[] => {
  const placement = (block: ExternalBusySynced['data']['added'][number]): Placement => ({
    scheduleId,
    kind: 'busy',
    block: { start: Date.parse(block.start), end: Date.parse(block.end), source: block.id },
  });
  return dayWrites(documents, tenant, removed.map(placement), added.map(placement));
};

const isExternalBusy = (event: ProjectedEvent<SessionEvent | ExternalBusySynced>): event is ProjectedEvent<ExternalBusySynced> => event.type === 'external-busy.synced';

export const availabilityWindowsProjection: ProjectionDefinition<SessionEvent | ExternalBusySynced> = {
  name: AVAILABILITY_PROJECTION,
  collections: [AVAILABILITY_DAYS, AVAILABILITY_SERIES, AVAILABILITY_SESSIONS],
  canHandle: [...SESSION_EVENT_TYPES, 'external-busy.synced'],
  evolve(event, documents) {
    const tenant = event.metadata.tenant;
    if (isExternalBusy(event)) return externalBusyWrites(documents, tenant, event.data);
    const id = event.data.id;
    const before = event.type === 'session.created' ? null : documents.get<SessionView>(AVAILABILITY_SESSIONS, tenant, id);
    const state: SessionState = before ? { status: before.status, view: before } : { status: 'none' };
    const next = sessionDecider.evolve(state, event);
    if (next.status === 'none') return [];
    const after = next.view;
    return [
      putDoc(AVAILABILITY_SESSIONS, tenant, { ...after }),
      ...(after.recurrence !== null
        ? seriesWrites(documents, tenant, before, after)
        : dayWrites(
            documents,
            tenant,
            before ? placements(instanceOf(before), schedulesTouchedBy(before)) : [],
            placements(instanceOf(after), schedulesTouchedBy(after)),
          )),
    ];
  },
};

/** What the windows hold for some schedules over a window: single sessions' blocks and recurring series. */
export interface WindowsSnapshot {
  blocks: Map<string, StoredBlocks>;
  series: Map<string, SessionView[]>;
}

/** The documents that hold some schedules' windows over a window: day documents by id, series documents by schedule id. */
export const windowDocIds = (scheduleIds: string[], window: Window): { days: string[]; series: string[] } => {
  const days = daysOf(window.from, window.to);
  return { days: scheduleIds.flatMap((s) => days.map((d) => dayDocId(s, d))), series: scheduleIds };
};

/** The snapshot the documents of `windowDocIds` (those that exist, in any order) hold over the window. */
export const windowsSnapshot = (window: Window, dayDocs: readonly DayDoc[], seriesDocs: readonly SeriesDoc[]): WindowsSnapshot => {
  // A block spanning midnight sits in every day it touches: keep it from the first day read, and
  // skip it in later ones (it starts before their day began). Days in order keep blocks in order.
  const stored = new Map<string, StoredBlocks>();
  const firstDay = dayKey(window.from);
  for (const doc of [...dayDocs].sort((x, y) => (x.day < y.day ? -1 : x.day > y.day ? 1 : 0))) {
    const blocks = stored.get(doc.scheduleId) ?? { working: [], busy: [] };
    const dayStart = Date.parse(`${doc.day}T00:00:00Z`);
    const fresh = (b: BusyBlock) => doc.day === firstDay || b.start >= dayStart;
    for (const b of doc.working) if (fresh(b)) blocks.working.push(b);
    for (const b of doc.busy) if (fresh(b)) blocks.busy.push(b);
    stored.set(doc.scheduleId, blocks);
  }
  return { blocks: stored, series: new Map(seriesDocs.map((d) => [d.id, d.series])) };
};

/** Own calendars from the windows: the recurring series expanded, the single sessions' blocks as stored. */
export const windowCalendars = (schedules: Map<string, ScheduleInfo>, snapshot: WindowsSnapshot, window: Window) => {
  const cache = new Map<string, Calendar>();
  // An instance just outside the window still holds it through its buffers, as a stored single block does.
  const rangeOf = (view: SessionView) => ({
    from: new Date(window.from - view.bufferAfterMinutes * 60_000),
    to: new Date(window.to + view.bufferBeforeMinutes * 60_000),
  });
  return (scheduleId: string): Calendar | undefined => {
    const schedule = schedules.get(scheduleId);
    if (!schedule) return undefined;
    let calendar = cache.get(scheduleId);
    if (!calendar) {
      const instances = (snapshot.series.get(scheduleId) ?? []).flatMap((view) => heldInstances(view, rangeOf(view)));
      calendar = ownCalendar(schedule, instances, window, snapshot.blocks.get(scheduleId));
      cache.set(scheduleId, calendar);
    }
    return calendar;
  };
};
