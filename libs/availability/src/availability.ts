import { BookingPolicyFields } from '@kairos/services';
import { SessionInstance, Span, resolvedAffected } from '@kairos/scheduling';
import { Calendar, HeldInstance, ScheduleInfo, Window, effectiveCalendar, effectiveWorking, ownCalendar } from './calendar';
import { ServiceInfo, SessionOffer, Slot, SlotQuery, appointmentSlots, overlapsBusy, resourceGroupsOf, sessionSlots } from './slots';

const DAY = 24 * 60 * 60 * 1000;

/**
 * Everything a query needs, gathered by the caller (from read models, or test data). Own calendars
 * come from a source so that precomputed windows and raw sessions feed the same engine.
 */
export interface AvailabilityData {
  service: ServiceInfo;
  policy: BookingPolicyFields;
  /** The service's schedule, each resource's, and every schedule those link. */
  schedules: Map<string, ScheduleInfo>;
  /** Resource id → its schedule id, for the resources of the service's groups. */
  resourceSchedules: Map<string, string>;
  /** A schedule's own calendar (hours and holds, before links) over the window. */
  ownCalendar(scheduleId: string): Calendar | undefined;
  /** CLASS: the service schedule's instances in the window; COURSE: all of them. */
  serviceSessions: SessionInstance[];
  /** Seats taken per session id (CLASS) or schedule id (COURSE). */
  booked: Map<string, number>;
  /** Seats under waitlist offers, per session id: to whom, how many, until when (epoch ms). */
  offers: Map<string, { contactId: string; partySize: number; until: number }[]>;
  /** Contacts waiting or offered, per session id. */
  waitlists: Map<string, number>;
}

/**
 * How far beyond the query's window calendars must reach: a slot may end after `to`, a buffer may
 * reach back before `from`, and a slot grid is anchored where its working span began, which for
 * shifts merged across days can be several days back (spans longer than the margin are anchored
 * at its edge).
 */
export const calendarWindow = (query: Pick<SlotQuery, 'from' | 'to'>): Window => ({ from: query.from - 7 * DAY, to: query.to + 2 * DAY });

/** Own calendars computed from raw sessions: what the precomputed windows must always equal. */
export const rawCalendars = (schedules: Map<string, ScheduleInfo>, instances: HeldInstance[], window: Window) => {
  const cache = new Map<string, Calendar>();
  return (scheduleId: string): Calendar | undefined => {
    const schedule = schedules.get(scheduleId);
    if (!schedule) return undefined;
    let calendar = cache.get(scheduleId);
    if (!calendar) {
      calendar = ownCalendar(schedule, instances, window);
      cache.set(scheduleId, calendar);
    }
    return calendar;
  };
};

const effective = (data: AvailabilityData, scheduleId: string): Calendar | undefined => {
  const schedule = data.schedules.get(scheduleId);
  return schedule ? effectiveCalendar(schedule, (id) => data.ownCalendar(id)) : undefined;
};

const workingOnly = (data: AvailabilityData, scheduleId: string): Calendar | undefined => {
  const schedule = data.schedules.get(scheduleId);
  return schedule ? { working: effectiveWorking(schedule, (id) => data.ownCalendar(id)), busy: [] } : undefined;
};

/**
 * The working spans an appointment's start grid is laid on, by grid resource (the first resource
 * group's, or the service schedule without groups): what availability anchors its grids on.
 */
export const gridWorking = (data: AvailabilityData, query: Pick<SlotQuery, 'resourceIds'>): Map<string, Span[]> => {
  const { service } = data;
  if (service.type !== 'APPOINTMENT' || data.schedules.get(service.scheduleId)?.status === 'CANCELED') return new Map();
  if (service.resourceGroups.length === 0) return new Map([[service.scheduleId, effective(data, service.scheduleId)?.working ?? []]]);
  const scheduleOf = (resourceId: string) => data.schedules.get(data.resourceSchedules.get(resourceId) ?? '');
  const [first] = resourceGroupsOf(service, (id) => scheduleOf(id) !== undefined, query);
  return new Map(first.resourceIds.map((id) => [id, effectiveWorking(scheduleOf(id)!, (scheduleId) => data.ownCalendar(scheduleId))]));
};

/** The slots of a service in [from, to): the heart of the product, pure and synchronous. */
export const availability = (data: AvailabilityData, query: SlotQuery): Slot[] => {
  const { service } = data;
  const serviceSchedule = data.schedules.get(service.scheduleId);
  const serviceTimeZone = serviceSchedule?.timeZone ?? 'UTC';
  if (serviceSchedule?.status === 'CANCELED') return [];
  if (service.type === 'APPOINTMENT') {
    const resources = new Map<string, Calendar>();
    for (const [resourceId, scheduleId] of data.resourceSchedules) {
      const calendar = effective(data, scheduleId);
      if (calendar) resources.set(resourceId, calendar);
    }
    return appointmentSlots(
      {
        service,
        policy: data.policy,
        resources,
        // With resource groups only the service's hours count; its linked staff's bookings are theirs.
        serviceCalendar: (service.resourceGroups.length > 0 ? workingOnly(data, service.scheduleId) : effective(data, service.scheduleId)) ?? { working: [], busy: [] },
        serviceHasHours: (serviceSchedule?.workingHours.length ?? 0) > 0,
        serviceTimeZone,
      },
      query,
    );
  }
  const scheduleCapacity = serviceSchedule?.capacity ?? service.defaultCapacity;
  const active = data.serviceSessions.filter((i) => i.type === 'EVENT' && i.status === 'ACTIVE');
  const resourceBusy = (i: SessionInstance) =>
    resolvedAffected(i).some((a) => {
      if (a.transparency !== 'BUSY') return false;
      const calendar = effective(data, a.scheduleId);
      const start = Date.parse(i.start) - i.bufferBeforeMinutes * 60_000;
      const end = Date.parse(i.end) + i.bufferAfterMinutes * 60_000;
      return calendar ? overlapsBusy(calendar.busy, start, end, i.id) : false;
    });
  let offers: SessionOffer[];
  if (service.type === 'CLASS') {
    offers = active.map((i) => ({
      sessionId: i.id,
      scheduleId: i.scheduleId,
      start: Date.parse(i.start),
      end: Date.parse(i.end),
      capacity: i.capacity ?? scheduleCapacity,
      booked: data.booked.get(i.id) ?? 0,
      lockedForOthers: (data.offers.get(i.id) ?? []).filter((o) => o.until > query.now && o.contactId !== query.contactId).reduce((sum, o) => sum + o.partySize, 0),
      waitlistWaiting: data.waitlists.get(i.id) ?? 0,
      locationId: i.locationId,
      resourceIds: i.resourceIds,
      resourceBusy: resourceBusy(i),
    }));
  } else {
    if (active.length === 0) return [];
    const start = Math.min(...active.map((i) => Date.parse(i.start)));
    const end = Math.max(...active.map((i) => Date.parse(i.end)));
    offers = [
      {
        sessionId: null,
        scheduleId: service.scheduleId,
        start,
        end,
        capacity: scheduleCapacity,
        booked: data.booked.get(service.scheduleId) ?? 0,
        lockedForOthers: 0,
        waitlistWaiting: data.waitlists.get(service.scheduleId) ?? 0,
        locationId: service.locationId,
        resourceIds: [...new Set(active.flatMap((i) => i.resourceIds))],
        resourceBusy: false,
      },
    ];
  }
  return sessionSlots({ service, policy: data.policy, offers, serviceTimeZone }, query);
};
