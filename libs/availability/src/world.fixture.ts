/**
 * Test-only builders for the availability engine: schedules, session instances, services and a
 * "world" that is turned into AvailabilityData the way the query handler does it (rawCalendars over
 * calendarWindow), so that tests go through the public path and cover calendar building too.
 *
 * Resources own a schedule whose id is scheduleIdOf(resourceId), as in production, so that a
 * session's default affectedSchedules (its resources, BUSY) reaches them.
 */
import { AffectedSchedule, DayOfWeek, LinkedSchedule, SessionInstance, WorkingHoursRule, scheduleIdOf, toLocal } from '@kairos/scheduling';
import { BookingPolicyFields, DEFAULT_BOOKING_POLICY } from '@kairos/services';
import { AvailabilityData, availability, calendarWindow, rawCalendars } from './availability';
import { HeldInstance, ScheduleInfo } from './calendar';
import { ServiceInfo, Slot, SlotQuery } from './slots';

export const ALL_DAYS: DayOfWeek[] = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];

/** No booking window, parties up to 10: only the geometry decides. */
export const OPEN_POLICY: BookingPolicyFields = {
  ...DEFAULT_BOOKING_POLICY,
  name: 'Open',
  earliestBookingMinutes: null,
  latestBookingMinutes: null,
  maxParticipantsPerBooking: 10,
  waitlist: null,
};

export const rule = (daysOfWeek: DayOfWeek[], startTime: string, endTime: string, more: Partial<WorkingHoursRule> = {}): WorkingHoursRule => ({
  daysOfWeek,
  startTime,
  endTime,
  everyWeeks: 1,
  validFrom: null,
  validUntil: null,
  ...more,
});

export const scheduleInfo = (id: string, timeZone: string, workingHours: WorkingHoursRule[] = [], more: Partial<ScheduleInfo> = {}): ScheduleInfo => ({
  id,
  timeZone,
  workingHours,
  linkedSchedules: [],
  status: 'ACTIVE',
  capacity: 1,
  ...more,
});

/** The schedule of a resource: id scheduleIdOf(resourceId). */
export const resourceSchedule = (resourceId: string, timeZone: string, workingHours: WorkingHoursRule[] = [], more: Partial<ScheduleInfo> = {}) =>
  scheduleInfo(scheduleIdOf(resourceId), timeZone, workingHours, more);

export const free = (scheduleId: string): LinkedSchedule => ({ scheduleId, transparency: 'FREE' });
export const busy = (scheduleId: string): LinkedSchedule => ({ scheduleId, transparency: 'BUSY' });

export interface SessionSpec {
  id: string;
  scheduleId: string;
  /** ISO instants. */
  start: string;
  end: string;
  type?: SessionInstance['type'];
  status?: SessionInstance['status'];
  resourceIds?: string[];
  affectedSchedules?: AffectedSchedule[] | null;
  bufferBeforeMinutes?: number;
  bufferAfterMinutes?: number;
  capacity?: number | null;
  locationId?: string | null;
  /** The appointment booking that put the session on the calendar. */
  bookingId?: string;
  /** Only for the cosmetic localStart/localEnd. */
  timeZone?: string;
}

export const instance = (spec: SessionSpec): HeldInstance => {
  const timeZone = spec.timeZone ?? 'UTC';
  return {
    id: spec.id,
    recurringSessionId: null,
    originalStart: spec.start,
    scheduleId: spec.scheduleId,
    type: spec.type ?? 'EVENT',
    start: spec.start,
    end: spec.end,
    localStart: toLocal(new Date(spec.start), timeZone),
    localEnd: toLocal(new Date(spec.end), timeZone),
    timeZone,
    recurrence: null,
    status: spec.status ?? 'ACTIVE',
    title: null,
    capacity: spec.capacity ?? null,
    resourceIds: spec.resourceIds ?? [],
    affectedSchedules: spec.affectedSchedules ?? null,
    bufferBeforeMinutes: spec.bufferBeforeMinutes ?? 0,
    bufferAfterMinutes: spec.bufferAfterMinutes ?? 0,
    locationId: spec.locationId ?? null,
    ...(spec.bookingId === undefined ? {} : { bookingId: spec.bookingId }),
  };
};

export const serviceInfo = (more: Partial<ServiceInfo> & Pick<ServiceInfo, 'scheduleId'>): ServiceInfo => ({
  id: 'service-1',
  type: 'APPOINTMENT',
  defaultCapacity: 1,
  sessionDurations: [60],
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  slotSplitIntervalMinutes: null,
  resourceGroups: [],
  onlineBookingEnabled: true,
  locationId: null,
  ...more,
});

/** Everything a query sees, in plain form. */
export interface World {
  service: ServiceInfo;
  policy?: BookingPolicyFields;
  /** The service schedule, each resource's schedule and every linked schedule. */
  schedules: ScheduleInfo[];
  /** Resources of the service's groups; their schedules are scheduleIdOf(id). */
  resourceIds?: string[];
  instances?: HeldInstance[];
  /** Seats taken per session id (CLASS) or schedule id (COURSE). */
  booked?: Record<string, number>;
  waitlists?: Record<string, number>;
}

export type QueryInput = Partial<Omit<SlotQuery, 'from' | 'to'>> & { from: string | number; to: string | number };

export const slotQuery = (q: QueryInput): SlotQuery => ({
  now: Date.parse('2000-01-01T00:00:00Z'),
  timeZone: '',
  partySize: 1,
  includeUnbookable: false,
  ...q,
  from: typeof q.from === 'string' ? Date.parse(q.from) : q.from,
  to: typeof q.to === 'string' ? Date.parse(q.to) : q.to,
});

/** AvailabilityData as the query handler builds it: raw own calendars over calendarWindow(query). */
export const dataOf = (world: World, query: SlotQuery): AvailabilityData => {
  const schedules = new Map(world.schedules.map((s) => [s.id, s]));
  const instances = world.instances ?? [];
  const resourceSchedules = new Map<string, string>();
  for (const id of world.resourceIds ?? []) if (schedules.has(scheduleIdOf(id))) resourceSchedules.set(id, scheduleIdOf(id));
  return {
    service: world.service,
    policy: world.policy ?? OPEN_POLICY,
    schedules,
    resourceSchedules,
    ownCalendar: rawCalendars(schedules, instances, calendarWindow(query)),
    serviceSessions: instances.filter((i) => i.scheduleId === world.service.scheduleId),
    booked: new Map(Object.entries(world.booked ?? {})),
    offers: new Map(),
    waitlists: new Map(Object.entries(world.waitlists ?? {})),
  };
};

export const slotsOf = (world: World, q: QueryInput): Slot[] => {
  const query = slotQuery(q);
  return availability(dataOf(world, query), query);
};
