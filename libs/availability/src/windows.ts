import { DocumentLookup, DocumentWrite, ProjectedEvent, ProjectionDefinition, deleteDoc, putDoc } from '@kairos/core';
import { ConnectionEvent } from '@kairos/calendars';
import { ALL_TIME, SESSION_EVENT_TYPES, SessionEvent, SessionInstance, SessionState, SessionView, schedulesTouchedBy, sessionDecider, sessionInstances } from '@kairos/scheduling';
import { BusyBlock, Calendar, ScheduleInfo, StoredBlocks, Window, busyBlockOf, holds, ownCalendar, workingBlockOf, works } from './calendar';

/**
 * Availability windows: per schedule and UTC month, the blocks of every single (non-recurring)
 * session that holds the schedule or adds working time to it, kept up to date event by event;
 * per schedule, the recurring series that touch it, expanded when asked (they are few, and a
 * series has no end to precompute to). Together with the schedule's weekly hours they give the
 * same calendar as expanding every raw session, for any range, with no horizon to run out.
 */
export const AVAILABILITY_MONTHS = 'availability_months';
export const AVAILABILITY_SERIES = 'availability_series';
/** The projection's own copy of each session, so it folds events without reading another projection. */
export const AVAILABILITY_SESSIONS = 'availability_sessions';

export interface MonthDoc {
  id: string;
  scheduleId: string;
  month: string;
  working: BusyBlock[];
  busy: BusyBlock[];
}

export interface SeriesDoc {
  id: string;
  series: SessionView[];
}

const monthKey = (ms: number) => new Date(ms).toISOString().slice(0, 7);

/** The UTC months a block overlaps. */
export const monthsOf = (start: number, end: number): string[] => {
  const months: string[] = [];
  const d = new Date(Date.UTC(new Date(start).getUTCFullYear(), new Date(start).getUTCMonth(), 1));
  while (d.getTime() < end) {
    months.push(monthKey(d.getTime()));
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return months.length > 0 ? months : [monthKey(start)];
};

const monthDocId = (scheduleId: string, month: string) => `${scheduleId}|${month}`;

interface Placement {
  scheduleId: string;
  kind: 'working' | 'busy';
  block: BusyBlock;
}

/** Where a single session's instance lands: each schedule it touches, and whether as working time or a hold. */
const placements = (instance: SessionInstance | undefined, touched: string[]): Placement[] => {
  if (!instance) return [];
  return touched.flatMap((scheduleId) => [
    ...(holds(instance, scheduleId) ? [{ scheduleId, kind: 'busy' as const, block: busyBlockOf(instance) }] : []),
    ...(works(instance, scheduleId) ? [{ scheduleId, kind: 'working' as const, block: workingBlockOf(instance) }] : []),
  ]);
};

const byStart = (a: BusyBlock, b: BusyBlock) => a.start - b.start || a.end - b.end || (a.source < b.source ? -1 : 1);

const monthWrites = (documents: DocumentLookup, tenant: string, source: string, before: Placement[], after: Placement[]): DocumentWrite[] => {
  const docs = new Map<string, MonthDoc>();
  const monthDoc = (scheduleId: string, month: string) => {
    const id = monthDocId(scheduleId, month);
    return docs.get(id) ?? documents.get<MonthDoc>(AVAILABILITY_MONTHS, tenant, id) ?? { id, scheduleId, month, working: [], busy: [] };
  };
  for (const { scheduleId, kind, block } of before) {
    for (const month of monthsOf(block.start, block.end)) {
      const doc = monthDoc(scheduleId, month);
      docs.set(doc.id, { ...doc, [kind]: doc[kind].filter((b) => b.source !== source) });
    }
  }
  for (const { scheduleId, kind, block } of after) {
    for (const month of monthsOf(block.start, block.end)) {
      const doc = monthDoc(scheduleId, month);
      docs.set(doc.id, { ...doc, [kind]: [...doc[kind].filter((b) => b.source !== source), block].sort(byStart) });
    }
  }
  return [...docs.values()].map((doc) =>
    doc.working.length === 0 && doc.busy.length === 0 ? deleteDoc(AVAILABILITY_MONTHS, tenant, doc.id) : putDoc(AVAILABILITY_MONTHS, tenant, { ...doc }),
  );
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

const instanceOf = (view: SessionView) => sessionInstances(view, ALL_TIME)[0];

type ExternalBusySynced = Extract<ConnectionEvent, { type: 'external-busy.synced' }>;

/**
 * Busy time from a resource's own calendar holds the resource's schedule exactly as a busy session
 * on it would: each block sits in the month documents it overlaps, under its block id.
 */
const externalBusyWrites = (documents: DocumentLookup, tenant: string, { scheduleId, added, removed }: ExternalBusySynced['data']): DocumentWrite[] => {
  const docs = new Map<string, MonthDoc>();
  const monthDoc = (month: string) => {
    const id = monthDocId(scheduleId, month);
    return docs.get(id) ?? documents.get<MonthDoc>(AVAILABILITY_MONTHS, tenant, id) ?? { id, scheduleId, month, working: [], busy: [] };
  };
  const gone = new Map<string, Set<string>>();
  for (const block of removed) {
    for (const month of monthsOf(Date.parse(block.start), Date.parse(block.end))) gone.set(month, (gone.get(month) ?? new Set()).add(block.id));
  }
  for (const [month, ids] of gone) {
    const doc = monthDoc(month);
    docs.set(doc.id, { ...doc, busy: doc.busy.filter((b) => !ids.has(b.source)) });
  }
  const fresh = new Map<string, BusyBlock[]>();
  for (const block of added) {
    const busy: BusyBlock = { start: Date.parse(block.start), end: Date.parse(block.end), source: block.id };
    for (const month of monthsOf(busy.start, busy.end)) fresh.set(month, [...(fresh.get(month) ?? []), busy]);
  }
  for (const [month, blocks] of fresh) {
    const doc = monthDoc(month);
    const ids = new Set(blocks.map((b) => b.source));
    docs.set(doc.id, { ...doc, busy: [...doc.busy.filter((b) => !ids.has(b.source)), ...blocks].sort(byStart) });
  }
  return [...docs.values()].map((doc) =>
    doc.working.length === 0 && doc.busy.length === 0 ? deleteDoc(AVAILABILITY_MONTHS, tenant, doc.id) : putDoc(AVAILABILITY_MONTHS, tenant, { ...doc }),
  );
};

const isExternalBusy = (event: ProjectedEvent<SessionEvent | ExternalBusySynced>): event is ProjectedEvent<ExternalBusySynced> => event.type === 'external-busy.synced';

export const availabilityWindowsProjection: ProjectionDefinition<SessionEvent | ExternalBusySynced> = {
  name: 'availability',
  collections: [AVAILABILITY_MONTHS, AVAILABILITY_SERIES, AVAILABILITY_SESSIONS],
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
        : monthWrites(
            documents,
            tenant,
            id,
            before ? placements(instanceOf(before), schedulesTouchedBy(before)) : [],
            placements(instanceOf(after), schedulesTouchedBy(after)),
          )),
    ];
  },
};

/** What the windows hold for some schedules over a window: month blocks and recurring series. */
export interface WindowsSnapshot {
  months: Map<string, StoredBlocks>;
  series: Map<string, SessionView[]>;
}

/** The documents that hold some schedules' windows over a window: month documents by id, series documents by schedule id. */
export const windowDocIds = (scheduleIds: string[], window: Window): { months: string[]; series: string[] } => {
  const months = monthsOf(window.from, window.to);
  return { months: scheduleIds.flatMap((s) => months.map((m) => monthDocId(s, m))), series: scheduleIds };
};

/** The snapshot the documents of `windowDocIds` (those that exist, in any order) hold over the window. */
export const windowsSnapshot = (window: Window, monthDocs: readonly MonthDoc[], seriesDocs: readonly SeriesDoc[]): WindowsSnapshot => {
  // A block spanning a month boundary sits in every month it touches: keep it from the first month
  // read, and skip it in later ones (it starts before their month began).
  const stored = new Map<string, StoredBlocks>();
  const firstMonth = monthKey(window.from);
  for (const doc of [...monthDocs].sort((x, y) => (x.month < y.month ? -1 : x.month > y.month ? 1 : 0))) {
    const blocks = stored.get(doc.scheduleId) ?? { working: [], busy: [] };
    const monthStart = Date.parse(`${doc.month}-01T00:00:00Z`);
    const fresh = (b: BusyBlock) => doc.month === firstMonth || b.start >= monthStart;
    for (const b of doc.working) if (fresh(b)) blocks.working.push(b);
    for (const b of doc.busy) if (fresh(b)) blocks.busy.push(b);
    stored.set(doc.scheduleId, blocks);
  }
  return { months: stored, series: new Map(seriesDocs.map((d) => [d.id, d.series])) };
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
      const instances = (snapshot.series.get(scheduleId) ?? []).flatMap((view) => sessionInstances(view, rangeOf(view)));
      calendar = ownCalendar(schedule, instances, window, snapshot.months.get(scheduleId));
      cache.set(scheduleId, calendar);
    }
    return calendar;
  };
};
