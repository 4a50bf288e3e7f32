import { RecordedEvent } from '@kairos/core';
import { Projection, applyLifecycle } from '@kairos/projections';
import { ReadModelWriter } from '@kairos/read-store';
import { SessionInstance, schedulesTouchedBy, sessionInstances } from './session/instances';
import { toInstant } from './time';
import { SessionEvent, SessionState, SessionView, sessionDecider } from './session/session';

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

const indexInstances = async (writer: ReadModelWriter, tenant: string, view: SessionView, at: string) => {
  if (view.recurrence === null) return;
  const horizon = new Date(Math.max(Date.parse(at), Date.parse(view.createdAt)) + INSTANCE_INDEX_DAYS * DAY);
  const instances: SessionInstance[] = sessionInstances(view, { from: new Date(0), to: horizon });
  for (const instance of instances) {
    await writer.put(SESSION_INSTANCES, tenant, { id: instance.id, seriesId: view.id, originalStart: instance.originalStart });
  }
};

export const schedulingProjection: Projection = {
  name: 'scheduling',
  collections: [SCHEDULES, SESSIONS, SESSION_INSTANCES],
  async apply(event: RecordedEvent, writer: ReadModelWriter) {
    if (event.type.startsWith('schedule.')) {
      await applyLifecycle(event, writer, SCHEDULES);
      return;
    }
    if (!event.type.startsWith('session.')) return;
    const tenant = event.metadata.tenant;
    const domainEvent = { type: event.type, data: event.data } as SessionEvent;
    const current = event.type === 'session.created' ? null : await writer.get<SessionDoc>(SESSIONS, tenant, (event.data as { id: string }).id);
    const state: SessionState = current ? { status: current.status, view: stripIndexFields(current) } : { status: 'none' };
    const next = sessionDecider.evolve(state, domainEvent);
    if (next.status === 'none') return;
    const { first, last } = boundsOf(next.view);
    await writer.put(SESSIONS, tenant, { ...next.view, _affects: schedulesTouchedBy(next.view), _firstStart: first, _lastEnd: last });
    if (event.type === 'session.created') await indexInstances(writer, tenant, next.view, event.metadata.occurredAt);
  },
};

const stripIndexFields = ({ _affects: _a, _firstStart: _f, _lastEnd: _l, ...view }: SessionDoc): SessionView => view;
