import { DocumentWrite, ProjectionDefinition, advance, eventTypesOf, putDoc, updatedFields, viewDocuments } from '@kairos/core';
import { ScheduleEvent } from './schedule/schedule';
import { schedulesTouchedBy, sessionInstances } from './session/instances';
import { toInstant } from './time';
import { SessionEvent, SessionState, SessionView, sessionDecider } from './session/session';
import { sessionEvents } from './session/session.events';

export const SCHEDULES = 'schedules';
/** One document per session series (or single session), with the fields queries filter on. */
export const SESSIONS = 'sessions';
/** Instance id → its series, so an instance can be addressed by the id callers were given. */
export const SESSION_INSTANCES = 'session_instances';

/** How far ahead instance ids are indexed; further instances are addressed through their series. */
export const INSTANCE_INDEX_DAYS = 400;
const DAY = 24 * 60 * 60 * 1000;
/** Sorts after every real instant: the last end of a series that never ends. */
export const OPEN_END = '9999-12-31T23:59:59.999Z';

export interface SessionDoc extends SessionView {
  _affects: string[];
  _firstStart: string;
  _lastEnd: string;
}

/**
 * The span a series can occupy, for range queries: from its first occurrence (or an earlier moved
 * instance) to its last end, or OPEN_END for a series that never ends.
 */
const boundsOf = (view: SessionView): { first: string; last: string } => {
  const moved = Object.values(view.overrides).flatMap((o) => [o.localStart, o.localEnd].filter((t): t is string => t !== undefined));
  const movedInstants = moved.map((local) => toInstant(local, view.timeZone).toISOString());
  const first = [toInstant(view.localStart, view.timeZone).toISOString(), ...movedInstants].sort()[0];
  const endless = view.recurrence !== null && view.canceledFrom === null && !/(COUNT|UNTIL)=/.test(view.recurrence);
  if (endless) return { first, last: OPEN_END };
  const until = view.canceledFrom ?? OPEN_END;
  const ends = sessionInstances(view, { from: new Date(first), to: new Date(until) }).map((i) => i.end);
  const last = [...ends, ...movedInstants].sort().pop() ?? first;
  return { first, last };
};

const instanceIndex = (tenant: string, view: SessionView, at: string): DocumentWrite[] => {
  if (view.recurrence === null) return [];
  const horizon = new Date(Math.max(Date.parse(at), Date.parse(view.createdAt)) + INSTANCE_INDEX_DAYS * DAY);
  return sessionInstances(view, { from: new Date(0), to: horizon }).map((instance) =>
    putDoc(SESSION_INSTANCES, tenant, { id: instance.id, seriesId: view.id, originalStart: instance.originalStart }),
  );
};

const scheduleDocs = viewDocuments<ScheduleEvent>(SCHEDULES, {
  'schedule.created': 'creates',
  'schedule.updated': updatedFields,
  'schedule.canceled': (doc, { canceledAt }) => advance(doc, canceledAt, { status: 'CANCELED' }),
});

/** Every session event type, for the projections that fold sessions. */
export const SESSION_EVENT_TYPES = eventTypesOf(sessionEvents);

export const schedulingProjection: ProjectionDefinition<ScheduleEvent | SessionEvent> = {
  name: 'scheduling',
  collections: [SCHEDULES, SESSIONS, SESSION_INSTANCES],
  canHandle: [...scheduleDocs.canHandle, ...SESSION_EVENT_TYPES],
  evolve(event, documents) {
    if (scheduleDocs.handles(event)) return scheduleDocs.writes(event, documents);
    const tenant = event.metadata.tenant;
    const current = event.type === 'session.created' ? null : documents.get<SessionDoc>(SESSIONS, tenant, event.data.id);
    const state: SessionState = current ? { status: current.status, view: stripIndexFields(current) } : { status: 'none' };
    const next = sessionDecider.evolve(state, event);
    if (next.status === 'none') return [];
    const { first, last } = boundsOf(next.view);
    return [
      // Object.assign: a literal adding keys after a spread costs V8 a runtime call per key.
      putDoc(SESSIONS, tenant, Object.assign({}, next.view, { _affects: schedulesTouchedBy(next.view), _firstStart: first, _lastEnd: last })),
      ...(event.type === 'session.created' ? instanceIndex(tenant, next.view, event.metadata.occurredAt) : []),
    ];
  },
};

const stripIndexFields = ({ _affects: _a, _firstStart: _f, _lastEnd: _l, ...view }: SessionDoc): SessionView => view;
