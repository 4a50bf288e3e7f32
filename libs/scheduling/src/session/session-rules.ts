import { DomainError, FieldError, KAIROS_NAMESPACE, uuidV5 } from '@kairos/core';
import { ScheduleView } from '../schedule/schedule';
import { ALL_TIME, sessionInstances } from './instances';
import { expandSeries, formatRecurrence, parseRecurrence, toInstant, toLocal } from '../time';
import { InstanceOverride, SessionDetails, SessionFields, SessionType, SessionView } from './session';

const DAY = 24 * 60 * 60 * 1000;
/**
 * A busy session claims every hour it holds of each of its resources in one append: a month of
 * staff leave is 744 claims, while an end in the year 9999 would be tens of millions and exhaust
 * the process. Longer absences are several sessions, or a series.
 */
export const MAX_SESSION_DAYS = 31;

/** Validation of times that needs the zone database, handed to the pure decider (SessionContext.checkTiming). */
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
export const canonicalRecurrence = (value: string): string => {
  try {
    return formatRecurrence(parseRecurrence(value));
  } catch {
    return value;
  }
};

/** Whether `originalStart` is an occurrence of the series (SessionContext.isOccurrence). */
export const isOccurrenceOf =
  (view: SessionView) =>
  (originalStart: string): boolean => {
    const at = new Date(originalStart);
    if (Number.isNaN(at.getTime())) return false;
    const rule = view.recurrence === null ? null : parseRecurrence(view.recurrence);
    return expandSeries(
      { localStart: view.localStart, localEnd: view.localEnd, timeZone: view.timeZone, rule, exdates: view.exdates },
      { from: at, to: new Date(at.getTime() + 1) },
    ).some((o) => o.originalStart.getTime() === at.getTime());
  };

/** A session as a request describes it: instants or local times, and details the schedule fills in. */
export interface SessionInput {
  type: SessionType;
  start?: string;
  end?: string;
  localStart?: string;
  localEnd?: string;
  timeZone?: string;
  recurrence?: string | null;
  exdates?: string[];
  /** Only the details given: the rest come from the schedule or the defaults. */
  details: Partial<SessionDetails>;
}

/** The schedule a new session goes on: it must be open; its zone and location are the defaults. */
export const sessionFieldsOf = (input: SessionInput, scheduleId: string, schedule: ScheduleView | null): SessionFields => {
  if (!schedule) throw new DomainError('not-found', `schedule ${scheduleId} does not exist`);
  if (schedule.status === 'CANCELED') throw new DomainError('invalid-transition', 'the schedule is canceled');
  const timeZone = input.timeZone ?? schedule.timeZone;
  const fields: SessionFields = {
    scheduleId,
    type: input.type,
    timeZone,
    localStart: input.localStart ?? (input.start ? toLocal(new Date(input.start), timeZone) : ''),
    localEnd: input.localEnd ?? (input.end ? toLocal(new Date(input.end), timeZone) : ''),
    recurrence: input.recurrence ? canonicalRecurrence(input.recurrence) : null,
    exdates: input.exdates ?? [],
    title: null,
    capacity: null,
    resourceIds: [],
    affectedSchedules: null,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    locationId: schedule.locationId,
    ...input.details,
  };
  const missing: FieldError[] = [];
  if (!fields.localStart) missing.push({ field: 'localStart', reason: 'give start or localStart' });
  if (!fields.localEnd) missing.push({ field: 'localEnd', reason: 'give end or localEnd' });
  if (missing.length > 0) throw new DomainError('validation', 'the session needs a start and an end', missing);
  return fields;
};

/** An appointment's session is its booking's to change: the booking holds the resources and answers for the time. */
export const directlyChangeable = (view: SessionView): SessionView => {
  if (view.bookingId) {
    throw new DomainError('invalid-transition', `session ${view.id} belongs to booking ${view.bookingId}; reschedule or cancel the booking`, [
      { field: 'id', reason: 'an appointment session changes through its booking' },
    ]);
  }
  return view;
};

/**
 * "This and following": the series that continues from an instance with the changes, its id
 * derived from the instance so a retried split names the same one. A COUNT is split between the
 * two so the total stays the same.
 */
export const continuationOf = (view: SessionView, originalStart: string, override: InstanceOverride): { id: string; fields: SessionFields } => {
  const instance = sessionInstances(view, { from: new Date(originalStart), to: new Date(Date.parse(originalStart) + 1) })[0];
  if (!instance || instance.originalStart !== originalStart) throw new DomainError('not-found', 'no such instance of the series');
  const rule = parseRecurrence(view.recurrence!);
  const remaining =
    rule.count === null
      ? undefined
      : expandSeries({ localStart: view.localStart, localEnd: view.localEnd, timeZone: view.timeZone, rule, exdates: [] }, { from: new Date(originalStart), to: ALL_TIME.to }).length;
  const { localStart: newLocalStart, localEnd: newLocalEnd, status: _status, ...changed } = override;
  return {
    id: uuidV5(KAIROS_NAMESPACE, `${view.id}:from:${originalStart}`),
    fields: {
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
    },
  };
};
