import { LinkedSchedule, SessionInstance, SessionView, Span, WorkingHoursRule, Window as InstantWindow, mergeSpans, intersectSpans, resolvedAffected, sessionInstances, workingSpans } from '@kairos/scheduling';

/** What availability needs of a schedule. */
export interface ScheduleInfo {
  id: string;
  timeZone: string;
  workingHours: WorkingHoursRule[];
  linkedSchedules: LinkedSchedule[];
  status: 'ACTIVE' | 'CANCELED';
  capacity: number;
}

/** Time a session holds, widened by its own buffers; `source` is the instance id, so a class can ignore itself. */
export interface BusyBlock {
  start: number;
  end: number;
  source: string;
}

/** A schedule's time in one window: when it works (merged spans) and what holds it (sorted by start). */
export interface Calendar {
  working: Span[];
  busy: BusyBlock[];
}

export interface Window {
  from: number;
  to: number;
}

/** Sorts in place, after a linear look that usually finds the list in order already. */
export const sortUnlessSorted = <T>(list: T[], compare: (a: T, b: T) => number): void => {
  for (let i = 1; i < list.length; i++) {
    if (compare(list[i - 1], list[i]) > 0) {
      list.sort(compare);
      return;
    }
  }
};

const byStart = (a: BusyBlock, b: BusyBlock) => a.start - b.start || a.end - b.end || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0);

/** An instance as availability reads it: with the appointment booking that put its session on the calendar, if one did. */
export type HeldInstance = SessionInstance & Pick<SessionView, 'bookingId'>;

/** A session's instances overlapping the window, each knowing the booking behind its session. */
export const heldInstances = (view: SessionView, window: InstantWindow): HeldInstance[] => {
  const instances = sessionInstances(view, window);
  // The instances are fresh, ours to extend; a literal adding the key after a spread costs V8 a runtime call.
  return view.bookingId === undefined ? instances : instances.map((i) => Object.assign(i, { bookingId: view.bookingId }));
};

/**
 * Whether an instance holds the schedule: an EVENT that names it BUSY among its affected schedules,
 * or an EVENT on it, except an appointment's session that names its resources. That session sits on
 * the service's schedule only to be listed there; its resources are what the appointment takes, and
 * they alone hold it. Availability never reads a service schedule's busy time when the service has
 * resource groups (the resources' calendars answer), so holding it too only made the service's
 * schedule collect every appointment of every resource: a hot, ever-growing window on each booking.
 * An appointment without resources (a service without resource groups) names none and keeps
 * holding the service's schedule: there it is the one thing booked. The price: a schedule that
 * links a service's schedule BUSY no longer sees that service's appointments (it sees them by
 * linking the resources, which hold them).
 */
export const holds = (instance: HeldInstance, scheduleId: string): boolean => {
  if (instance.type !== 'EVENT' || instance.status !== 'ACTIVE') return false;
  const named = resolvedAffected(instance).filter((a) => a.transparency === 'BUSY');
  if (named.some((a) => a.scheduleId === scheduleId)) return true;
  return instance.scheduleId === scheduleId && (instance.bookingId === undefined || named.length === 0);
};

export const busyBlockOf = (instance: HeldInstance): BusyBlock => ({
  start: Date.parse(instance.start) - instance.bufferBeforeMinutes * 60_000,
  end: Date.parse(instance.end) + instance.bufferAfterMinutes * 60_000,
  source: instance.id,
});

/** Blocks kept ready in the read model for one schedule: single sessions' holds and working time. */
export interface StoredBlocks {
  working: BusyBlock[];
  busy: BusyBlock[];
}

/**
 * A schedule's own calendar, before links: its weekly hours plus its WORKING_HOURS and
 * AVAILABILITY sessions, and the EVENT sessions that hold it. `instances` may include sessions
 * that do not touch this schedule; they are ignored. `stored` adds blocks the availability
 * windows already hold for sessions not among `instances`.
 */
export const ownCalendar = (schedule: ScheduleInfo, instances: HeldInstance[], window: Window, stored: StoredBlocks = { working: [], busy: [] }): Calendar => {
  if (schedule.status === 'CANCELED') return { working: [], busy: [] };
  const hours = workingSpans(schedule.workingHours, schedule.timeZone, window.from, window.to);
  const extra: Span[] = [...instances.filter((i) => works(i, schedule.id)).map(workingBlockOf), ...stored.working]
    .map((b): Span => [Math.max(window.from, b.start), Math.min(window.to, b.end)])
    .filter(([s, e]) => s < e);
  const busy = [...instances.filter((i) => holds(i, schedule.id)).map(busyBlockOf), ...stored.busy].filter((b) => b.start < window.to && b.end > window.from);
  // Stored blocks arrive in order; sorting only when series instances were added saves most of the cost.
  sortUnlessSorted(busy, byStart);
  return { working: mergeSpans([...hours, ...extra]), busy };
};

/** Whether an instance adds working time to the schedule: a WORKING_HOURS or AVAILABILITY session on it. */
export const works = (instance: SessionInstance, scheduleId: string): boolean =>
  instance.scheduleId === scheduleId && instance.status === 'ACTIVE' && (instance.type === 'WORKING_HOURS' || instance.type === 'AVAILABILITY');

export const workingBlockOf = (instance: SessionInstance): BusyBlock => ({ start: Date.parse(instance.start), end: Date.parse(instance.end), source: instance.id });

/**
 * A schedule's calendar with its links applied (api.md): FREE links lend their working hours, BUSY
 * links lend their busy time. A schedule with weekly hours of its own works only where those and
 * the lent hours meet; one without works the lent hours (plus any working sessions of its own).
 * Whether it has hours is read from its rules, never from the window, so the answer does not
 * depend on the range asked. Links are followed one level: linking is how a resource takes the
 * business hours, not a chain.
 */
export const effectiveCalendar = (schedule: ScheduleInfo, own: (scheduleId: string) => Calendar | undefined): Calendar => ({
  working: effectiveWorking(schedule, own),
  busy: effectiveBusy(schedule, own),
});

/** When a schedule works, its FREE links applied (see effectiveCalendar). */
export const effectiveWorking = (schedule: ScheduleInfo, own: (scheduleId: string) => Calendar | undefined): Span[] => {
  if (schedule.status === 'CANCELED') return [];
  const mine = own(schedule.id)?.working ?? [];
  const lent = linked(schedule, own, 'FREE').map((c) => c.working);
  if (lent.length === 0) return mine;
  const hours = lent.reduce((a, b) => intersectSpans(a, b));
  return schedule.workingHours.length > 0 ? intersectSpans(mine, hours) : mergeSpans([...hours, ...mine]);
};

/** What holds a schedule, its BUSY links applied (see effectiveCalendar); sorted by start. */
export const effectiveBusy = (schedule: ScheduleInfo, own: (scheduleId: string) => Calendar | undefined): BusyBlock[] => {
  if (schedule.status === 'CANCELED') return [];
  // Every list is sorted already: merge them rather than sort their concatenation.
  return linked(schedule, own, 'BUSY').map((c) => c.busy).reduce(mergeByStart, own(schedule.id)?.busy ?? []);
};

const linked = (schedule: ScheduleInfo, own: (scheduleId: string) => Calendar | undefined, transparency: LinkedSchedule['transparency']): Calendar[] =>
  schedule.linkedSchedules.flatMap((link) => {
    const calendar = link.transparency === transparency ? own(link.scheduleId) : undefined;
    return calendar ? [calendar] : [];
  });

const mergeByStart = (a: BusyBlock[], b: BusyBlock[]): BusyBlock[] => {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: BusyBlock[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(byStart(a[i], b[j]) <= 0 ? a[i++] : b[j++]);
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
};
