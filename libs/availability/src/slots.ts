import { BookingPolicyFields } from '@kairos/services';
import { Span, formatInstant, intersectSpans, mergeSpans, subtractSpans, toLocal } from '@kairos/scheduling';
import { BusyBlock, Calendar, sortUnlessSorted } from './calendar';

const MINUTE = 60_000;

export interface PolicyViolations {
  tooEarly: boolean;
  tooLate: boolean;
  onlineBookingDisabled: boolean;
}

export interface Slot {
  start: string;
  end: string;
  localStart: string;
  localEnd: string;
  timeZone: string;
  serviceId: string;
  scheduleId: string;
  sessionId: string | null;
  /** Per resource group, the resources free for the whole slot (for "any staff", pick one of them). */
  resources: { groupIndex: number; resourceIds: string[] }[];
  locationId: string | null;
  totalSpots: number;
  openSpots: number;
  waitingList: { totalSpots: number; openSpots: number } | null;
  bookable: boolean;
  policyViolations: PolicyViolations;
  locked: boolean;
}

export interface ServiceInfo {
  id: string;
  type: 'APPOINTMENT' | 'CLASS' | 'COURSE';
  scheduleId: string;
  defaultCapacity: number;
  sessionDurations: number[];
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  slotSplitIntervalMinutes: number | null;
  resourceGroups: { resourceIds: string[]; requiredCount: number }[];
  onlineBookingEnabled: boolean;
  locationId: string | null;
}

export interface SlotQuery {
  now: number;
  from: number;
  to: number;
  /** Zone of the local times in the answer. */
  timeZone: string;
  partySize: number;
  durationMinutes?: number;
  /** Only these resources may serve (a customer's pick). */
  resourceIds?: string[];
  locationId?: string;
  includeUnbookable: boolean;
  slotsPerDay?: number;
  /** The caller, who sees seats offered to them from the waitlist as open. */
  contactId?: string;
  /** Sessions whose hold on resources does not count: a booking being moved does not block itself. */
  ignoring?: string[];
  /** Where grids of working spans cut off by the calendars' left edge are anchored (a walk through the span in chunks). */
  grid?: GridAnchors;
}

/**
 * Calendars begin at an edge (calendarWindow), so a working span that began before it looks as if it
 * began there. A query anchors such a span at the edge; a chunk of a longer walk must anchor it where
 * the whole walk would have: at `anchors[id]` (the span's real start, seen by an earlier chunk), or else
 * at `origin`, where the calendars of the first chunk began.
 */
export interface GridAnchors {
  edge: number;
  origin: number;
  /** By grid resource id (the service schedule's id for a service without resource groups). */
  anchors: Record<string, number>;
}

/** Where the grid of resource `id`'s working span beginning at `spanStart` is anchored. */
export const anchorOf = (grid: GridAnchors | undefined, id: string, spanStart: number): number =>
  grid && spanStart <= grid.edge ? (grid.anchors[id] ?? grid.origin) : spanStart;

/** A class session or a course, with how many seats its bookings already take. */
export interface SessionOffer {
  sessionId: string | null;
  scheduleId: string;
  start: number;
  end: number;
  capacity: number;
  booked: number;
  /** Seats under waitlist offers to other contacts: not open to this caller. */
  lockedForOthers: number;
  waitlistWaiting: number;
  locationId: string | null;
  resourceIds: string[];
  /** Whether a resource it needs is held elsewhere at that time. */
  resourceBusy: boolean;
}

export const violationsOf = (policy: BookingPolicyFields, service: Pick<ServiceInfo, 'onlineBookingEnabled'>, start: number, end: number, now: number): PolicyViolations => {
  const started = start < now;
  const lateLimit = policy.latestBookingMinutes === null ? now : now + policy.latestBookingMinutes * MINUTE;
  return {
    tooEarly: policy.earliestBookingMinutes !== null && start > now + policy.earliestBookingMinutes * MINUTE,
    tooLate: started ? !(policy.bookAfterStart && end > now) : start < lateLimit,
    onlineBookingDisabled: !service.onlineBookingEnabled,
  };
};

const anyViolation = (v: PolicyViolations) => v.tooEarly || v.tooLate || v.onlineBookingDisabled;

/** Whether one of the spans (sorted, merged) holds all of [s, e). */
const covering = (spans: Span[], s: number, e: number): boolean => {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const span = spans[mid];
    if (span[1] <= s) lo = mid + 1;
    else if (span[0] > s) hi = mid - 1;
    else return e <= span[1];
  }
  return false;
};

export const overlapsBusy = (busy: BusyBlock[], s: number, e: number, except?: string): boolean => {
  for (const b of busy) {
    if (b.start >= e) break;
    if (b.end > s && b.source !== except) return true;
  }
  return false;
};

/**
 * When a resource can start a new appointment of this service: its working time minus every block
 * that holds it, where a block [b0, b1) (already widened by its own buffers) keeps the new slot's
 * buffered span [s − before, e + after) away: so s may not fall in [b0 − after − d, b1 + before).
 * Working hours bound the slot itself, not its buffers (api.md invariant 1 is about overlaps).
 */
const freeTime = (calendar: Calendar, bufferBeforeMs: number, bufferAfterMs: number, serviceHours: Span[] | null, reach: Span): Span[] => {
  // Free time is only asked inside `reach`; what lies beyond it cannot change the answer there.
  const [from, to] = reach;
  const blocked: Span[] = [];
  for (const b of calendar.busy) {
    if (b.start - bufferAfterMs >= to) break;
    if (b.end + bufferBeforeMs > from) blocked.push([b.start - bufferAfterMs, b.end + bufferBeforeMs]);
  }
  const free = subtractSpans(
    calendar.working.filter(([ws, we]) => we > from && ws < to),
    mergeSpans(blocked),
  );
  return serviceHours ? intersectSpans(free, serviceHours) : free;
};

export interface AppointmentInput {
  service: ServiceInfo;
  policy: BookingPolicyFields;
  /** Effective calendars of the resources, by resource id. */
  resources: Map<string, Calendar>;
  /** The service schedule's effective calendar: its hours restrict every slot when it has any; with no resource groups it is the only calendar. */
  serviceCalendar: Calendar;
  /** Whether the service schedule has weekly hours of its own (then they bound every slot). */
  serviceHasHours: boolean;
  serviceTimeZone: string;
}

/**
 * Appointment slots: start times on each resource's grid (every split interval, or every duration,
 * from the start of each of its working spans), kept where every resource group has enough free
 * resources for the whole slot. One slot per start and duration, listing the free resources.
 */
export const appointmentSlots = (input: AppointmentInput, query: SlotQuery): Slot[] => {
  const { service, policy } = input;
  const durations = query.durationMinutes ? [query.durationMinutes] : service.sessionDurations;
  const before = service.bufferBeforeMinutes * MINUTE;
  const after = service.bufferAfterMinutes * MINUTE;
  const serviceHours = service.resourceGroups.length > 0 && input.serviceHasHours ? input.serviceCalendar.working : null;
  const groups = resourceGroupsOf(service, (id) => input.resources.has(id), query);
  const calendars = new Map<string, { working: Span[]; free: Span[] }>();
  const reach: Span = [query.from, query.to + Math.max(...durations) * MINUTE];
  const calendarOf = (id: string) => {
    let c = calendars.get(id);
    if (!c) {
      const source = service.resourceGroups.length > 0 ? input.resources.get(id)! : input.serviceCalendar;
      const own = query.ignoring ? { ...source, busy: source.busy.filter((b) => !query.ignoring!.includes(b.source)) } : source;
      c = { working: source.working, free: freeTime(own, before, after, serviceHours, reach) };
      calendars.set(id, c);
    }
    return c;
  };

  const slots: Slot[] = [];
  const needed = groups.filter((g) => g.requiredCount > 0);
  for (const duration of durations) {
    const d = duration * MINUTE;
    const step = (service.slotSplitIntervalMinutes ?? duration) * MINUTE;
    const members = groups.map((group) => group.resourceIds.map((id) => ({ id, free: calendarOf(id).free })));
    // Only grid points where every group has some member free for the whole slot can be slots, and
    // on a busy calendar they are few: walk the grid there instead of everywhere, then check each exactly.
    const candidates = needed.reduce<Span[] | null>((acc, group) => {
      const startable = startableSpans(group.resourceIds.map((id) => calendarOf(id).free), d);
      return acc === null ? startable : intersectSpans(acc, startable);
    }, null) ?? [[query.from, query.to]];
    const starts: number[] = [];
    for (const id of groups[0].resourceIds) {
      let c = 0;
      for (const [ws, we] of calendarOf(id).working) {
        if (we <= query.from) continue;
        if (ws >= query.to) break;
        while (c < candidates.length && candidates[c][1] <= ws) c++;
        const anchor = anchorOf(query.grid, id, ws);
        for (let k = c; k < candidates.length && candidates[k][0] < we; k++) {
          const [cs, ce] = candidates[k];
          const lowest = Math.max(cs, ws, query.from);
          for (let s = anchor + Math.ceil((lowest - anchor) / step) * step; s < ce && s + d <= we && s < query.to; s += step) starts.push(s);
        }
      }
    }
    // Typed arrays sort numbers natively, without a comparator call per comparison.
    const sorted = new Float64Array(starts).sort();
    for (let i = 0; i < sorted.length; i++) {
      const s = sorted[i];
      if (i > 0 && sorted[i - 1] === s) continue;
      const e = s + d;
      const resources: Slot['resources'] = [];
      let complete = true;
      for (let groupIndex = 0; groupIndex < groups.length && complete; groupIndex++) {
        const free: string[] = [];
        for (const m of members[groupIndex]) if (covering(m.free, s, e)) free.push(m.id);
        complete = free.length >= groups[groupIndex].requiredCount;
        if (service.resourceGroups.length > 0) resources.push({ groupIndex, resourceIds: free });
      }
      if (!complete) continue;
      const policyViolations = violationsOf(policy, service, s, e, query.now);
      const bookable = query.partySize <= policy.maxParticipantsPerBooking && !anyViolation(policyViolations);
      slots.push(slotOf(service, query, input.serviceTimeZone, { start: s, end: e, sessionId: null, resources, locationId: service.locationId, totalSpots: 1, openSpots: 1, waitingList: null, bookable, policyViolations }));
    }
  }
  return finish(slots, query);
};

/** Where a slot of length `d` may start with at least one of these free lists covering all of it: [fs, fe − d] of each long-enough span, merged. */
const startableSpans = (frees: Span[][], d: number): Span[] =>
  mergeSpans(frees.flatMap((free) => free.filter(([fs, fe]) => fe - fs >= d).map(([fs, fe]): Span => [fs, fe - d + 1])));

/** A customer who picked resources of a group narrows that group; groups they picked nothing from stay whole. */
const groupPickedFrom = (groupIds: string[], allowed: Set<string>) => groupIds.some((id) => allowed.has(id));

/**
 * The resource groups a query draws on: each group's resources that have a calendar and that the
 * customer may pick; a service without groups is served by its own schedule. The first group's
 * resources lay the start grid.
 */
export const resourceGroupsOf = (service: ServiceInfo, hasCalendar: (resourceId: string) => boolean, query: Pick<SlotQuery, 'resourceIds'>) => {
  const allowed = query.resourceIds ? new Set(query.resourceIds) : null;
  return service.resourceGroups.length > 0
    ? service.resourceGroups.map((g) => ({ ...g, resourceIds: g.resourceIds.filter((id) => hasCalendar(id) && (!allowed || allowed.has(id) || !groupPickedFrom(g.resourceIds, allowed))) }))
    : [{ resourceIds: [service.scheduleId], requiredCount: 1 }];
};

export interface SessionSlotsInput {
  service: ServiceInfo;
  policy: BookingPolicyFields;
  offers: SessionOffer[];
  serviceTimeZone: string;
}

/** Class sessions (one slot each) and courses (one slot for the whole schedule). */
export const sessionSlots = (input: SessionSlotsInput, query: SlotQuery): Slot[] => {
  const { service, policy } = input;
  const slots: Slot[] = [];
  for (const offer of input.offers) {
    if (offer.end <= query.from || offer.start >= query.to) continue;
    if (query.locationId && offer.locationId !== query.locationId) continue;
    if (query.resourceIds && !offer.resourceIds.some((id) => query.resourceIds!.includes(id))) continue;
    const openSpots = Math.max(0, offer.capacity - offer.booked - offer.lockedForOthers);
    const waitlistCapacity = policy.waitlist?.capacity ?? 0;
    const policyViolations = violationsOf(policy, service, offer.start, offer.end, query.now);
    const bookable =
      openSpots >= query.partySize && query.partySize <= policy.maxParticipantsPerBooking && !offer.resourceBusy && !anyViolation(policyViolations);
    slots.push(
      slotOf(service, query, input.serviceTimeZone, {
        start: offer.start,
        end: offer.end,
        sessionId: offer.sessionId,
        resources: offer.resourceIds.length > 0 ? [{ groupIndex: 0, resourceIds: offer.resourceIds }] : [],
        locationId: offer.locationId,
        totalSpots: offer.capacity,
        openSpots,
        waitingList: policy.waitlist ? { totalSpots: waitlistCapacity, openSpots: Math.max(0, waitlistCapacity - offer.waitlistWaiting) } : null,
        bookable,
        policyViolations,
        locked: offer.lockedForOthers > 0,
      }),
    );
  }
  return finish(slots, query);
};

type SlotCore = Pick<Slot, 'sessionId' | 'resources' | 'locationId' | 'totalSpots' | 'openSpots' | 'waitingList' | 'bookable' | 'policyViolations'> & {
  locked?: boolean;
  start: number;
  end: number;
};

const slotOf = (service: ServiceInfo, query: SlotQuery, serviceTimeZone: string, core: SlotCore): Slot => {
  const zone = query.timeZone || serviceTimeZone;
  return {
    start: formatInstant(core.start),
    end: formatInstant(core.end),
    localStart: toLocal(new Date(core.start), zone),
    localEnd: toLocal(new Date(core.end), zone),
    timeZone: zone,
    serviceId: service.id,
    scheduleId: service.scheduleId,
    sessionId: core.sessionId,
    resources: core.resources,
    locationId: core.locationId,
    totalSpots: core.totalSpots,
    openSpots: core.openSpots,
    waitingList: core.waitingList,
    bookable: core.bookable,
    policyViolations: core.policyViolations,
    locked: core.locked ?? false,
  };
};

const slotOrder = (a: Slot, b: Slot): number =>
  a.start < b.start ? -1 : a.start > b.start ? 1 : a.end < b.end ? -1 : a.end > b.end ? 1 : (a.sessionId ?? '') < (b.sessionId ?? '') ? -1 : 1;

/** Drops unbookable slots unless asked, sorts by start, caps slots per local day. */
const finish = (slots: Slot[], query: SlotQuery): Slot[] => {
  const kept = query.includeUnbookable ? slots : slots.filter((s) => s.bookable);
  // Slots of one duration are made in order already; only a mix of durations needs the sort.
  sortUnlessSorted(kept, slotOrder);
  if (!query.slotsPerDay) return kept;
  const perDay = new Map<string, number>();
  return kept.filter((slot) => {
    const day = slot.localStart.slice(0, 10);
    const n = perDay.get(day) ?? 0;
    perDay.set(day, n + 1);
    return n < query.slotsPerDay!;
  });
};

