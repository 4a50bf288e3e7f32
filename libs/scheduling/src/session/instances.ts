import { scheduleIdOf } from '../schedule/schedule';
import { expandSeries, formatInstant, instanceIdOf, parseRecurrence, toInstant } from '../time';
import { AffectedSchedule, SessionDetails, SessionType, SessionView } from './session';

/** One occurrence of a session as callers and the availability engine see it. */
export interface SessionInstance extends SessionDetails {
  /** The series id for a single session; UUIDv5(series id, originalStart) for an instance. */
  id: string;
  recurringSessionId: string | null;
  originalStart: string;
  scheduleId: string;
  type: SessionType;
  start: string;
  end: string;
  localStart: string;
  localEnd: string;
  timeZone: string;
  recurrence: string | null;
  status: 'ACTIVE' | 'CANCELED';
}

export interface Window {
  from: Date;
  to: Date;
}

/**
 * All of time, for finite series (courses, single sessions) expanded whole. Four-digit years, so
 * the bounds still compare correctly as ISO strings in the read models.
 */
export const ALL_TIME: Window = { from: new Date('0000-01-01T00:00:00.000Z'), to: new Date('9999-12-31T23:59:59.999Z') };

/** A session blocks the schedules of its resources unless it names others (api.md: "default: its resources, BUSY"). */
export const resolvedAffected = (details: Pick<SessionDetails, 'affectedSchedules' | 'resourceIds'>): AffectedSchedule[] =>
  details.affectedSchedules ?? details.resourceIds.map((id) => ({ scheduleId: scheduleIdOf(id), transparency: 'BUSY' as const }));

const DAY = 24 * 60 * 60 * 1000;

/**
 * The instances of a session overlapping the window, in start order, with series-wide changes and
 * per-instance overrides applied. Canceled instances are included with status CANCELED.
 */
export const sessionInstances = (view: SessionView, window: Window): SessionInstance[] => {
  const rule = view.recurrence === null ? null : parseRecurrence(view.recurrence);
  const moved = Object.entries(view.overrides).filter(([, o]) => o.localStart !== undefined);
  // An override may move an instance into the window from anywhere; expand around those too.
  const reach = moved.length > 0 ? Math.max(...moved.map(([original, o]) => Math.abs(toInstant(o.localStart!, view.timeZone).getTime() - Date.parse(original)))) + DAY : 0;
  const occurrences = expandSeries(
    { localStart: view.localStart, localEnd: view.localEnd, timeZone: view.timeZone, rule, exdates: view.exdates },
    { from: new Date(window.from.getTime() - reach), to: new Date(window.to.getTime() + reach) },
  );
  const canceledFrom = view.canceledFrom === null ? Infinity : Date.parse(view.canceledFrom);
  const seriesDetails = pickDetails(view);
  const instances: SessionInstance[] = [];
  for (const occurrence of occurrences) {
    const originalStart = formatInstant(occurrence.originalStart.getTime());
    if (occurrence.originalStart.getTime() >= canceledFrom) continue;
    const override = view.overrides[originalStart] ?? {};
    const localStart = override.localStart ?? occurrence.localStart;
    const localEnd = override.localEnd ?? occurrence.localEnd;
    const start = override.localStart ? toInstant(localStart, view.timeZone) : occurrence.start;
    const end = override.localEnd ? toInstant(localEnd, view.timeZone) : occurrence.end;
    if (start >= window.to || end <= window.from) continue;
    const { localStart: _ls, localEnd: _le, status, ...overriddenDetails } = override;
    // Object.assign, not a literal of spreads: V8 adds each key that follows a spread in a literal
    // through the runtime, which made this the costliest step of folding a session event.
    instances.push(
      Object.assign({}, seriesDetails, changesFor(view, originalStart), overriddenDetails, {
        id: rule === null ? view.id : instanceIdOf(view.id, occurrence.originalStart),
        recurringSessionId: rule === null ? null : view.id,
        originalStart,
        scheduleId: view.scheduleId,
        type: view.type,
        start: formatInstant(start.getTime()),
        end: formatInstant(end.getTime()),
        localStart,
        localEnd,
        timeZone: view.timeZone,
        recurrence: view.recurrence,
        status: view.status === 'CANCELED' || status === 'CANCELED' ? ('CANCELED' as const) : ('ACTIVE' as const),
      }),
    );
  }
  return instances.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
};

const pickDetails = (view: SessionView): SessionDetails => ({
  title: view.title,
  capacity: view.capacity,
  resourceIds: view.resourceIds,
  affectedSchedules: view.affectedSchedules,
  bufferBeforeMinutes: view.bufferBeforeMinutes,
  bufferAfterMinutes: view.bufferAfterMinutes,
  locationId: view.locationId,
});

/** Series-wide changes made before the instance started apply to it; later ones do not reach back. */
const changesFor = (view: SessionView, originalStart: string): Partial<SessionDetails> =>
  view.versions.filter((v) => v.from <= originalStart).reduce<Partial<SessionDetails>>((acc, v) => Object.assign(acc, v.changes), {});

/** Every schedule a session may affect across its versions and overrides: what the read model indexes it by. */
export const schedulesTouchedBy = (view: SessionView): string[] => {
  const sets = [pickDetails(view), ...view.versions.map((v) => ({ ...pickDetails(view), ...v.changes })), ...Object.values(view.overrides).map((o) => ({ ...pickDetails(view), ...o }))];
  return [...new Set([view.scheduleId, ...sets.flatMap((d) => resolvedAffected(d).map((a) => a.scheduleId))])];
};
