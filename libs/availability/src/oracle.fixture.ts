/**
 * A brute-force oracle for APPOINTMENT availability, for tests only. It reads the same inputs as the
 * engine (a World: ScheduleInfo + SessionInstance) but shares none of its machinery: no span algebra
 * (mergeSpans, subtractSpans, …), no workingIntervals, no local-time module. Instead:
 *
 * - zone offsets come from luxon, one per 30-minute block of UTC (checked at both ends of the block:
 *   every zone the tests use changes offset on such a boundary);
 * - a local reading becomes an instant by trying every offset in force within ±30 h and keeping the
 *   earliest instant that shows it; a reading no instant shows (a spring-forward gap) is read with the
 *   offset in force before the jump (so it moves forward by the gap);
 * - working time is a bitmap of minutes over the calendar range, painted rule by rule, day by day;
 * - a candidate slot is checked minute by minute against the working bitmaps and block by block
 *   against every busy block, with the buffered span written out literally.
 *
 * The semantics it encodes are the brief's (see oracle.spec.ts); the points where they had to be
 * made precise are marked "Reading:".
 */
import { IANAZone } from 'luxon';
import { SessionInstance, WorkingHoursRule, scheduleIdOf } from '@kairos/scheduling';
import { BookingPolicyFields } from '@kairos/services';
import { ScheduleInfo } from './calendar';
import { PolicyViolations, SlotQuery } from './slots';
import { OPEN_POLICY, World } from './world.fixture';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const BLOCK = 30 * MIN;

// ---- Zones -------------------------------------------------------------------------------------

const offsets = new Map<string, Map<number, number>>();

const luxonOffset = (zone: string, instant: number): number => Math.round(IANAZone.create(zone).offset(instant) * MIN);

/** Offset (local − UTC, ms) in force at an instant. */
export const offsetAt = (zone: string, instant: number): number => {
  let table = offsets.get(zone);
  if (!table) offsets.set(zone, (table = new Map()));
  const block = Math.floor(instant / BLOCK);
  let offset = table.get(block);
  if (offset === undefined) {
    offset = luxonOffset(zone, block * BLOCK);
    if (luxonOffset(zone, block * BLOCK + BLOCK - 1) !== offset) {
      throw new Error(`oracle: ${zone} changes offset inside the half hour at ${new Date(block * BLOCK).toISOString()}`);
    }
    table.set(block, offset);
  }
  return offset;
};

/** The wall-clock reading of an instant, as ms of a naive UTC clock. */
const readingOf = (zone: string, instant: number): number => instant + offsetAt(zone, instant);

/** 'YYYY-MM-DDTHH:mm:ss' in the zone. */
export const localString = (zone: string, instant: number): string => new Date(readingOf(zone, instant)).toISOString().slice(0, 19);

/** The instant showing a naive reading: the earliest if several do; in a gap, read with the offset before the jump. */
export const instantOf = (zone: string, naive: number): number => {
  const candidates = new Set<number>();
  for (let t = naive - 30 * HOUR; t <= naive + 30 * HOUR; t += BLOCK) candidates.add(offsetAt(zone, t));
  const showing = [...candidates].map((o) => naive - o).filter((t) => readingOf(zone, t) === naive);
  if (showing.length > 0) return Math.min(...showing);
  return naive - offsetAt(zone, naive - 30 * HOUR);
};

// ---- Calendars as minute bitmaps ------------------------------------------------------------------

interface Range {
  from: number;
  minutes: number;
}

interface OwnCalendar {
  working: Uint8Array;
  busy: [number, number][];
  hasHours: boolean;
}

const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const dayString = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
const dayNumber = (ymd: string) => Date.parse(`${ymd}T00:00:00Z`) / DAY;
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const paint = (bits: Uint8Array, range: Range, start: number, end: number) => {
  if (start % MIN !== 0 || end % MIN !== 0) throw new Error('oracle: instants must be whole minutes');
  const a = Math.max(0, (start - range.from) / MIN);
  const b = Math.min(range.minutes, (end - range.from) / MIN);
  for (let i = a; i < b; i++) bits[i] = 1;
};

/** Whether a rule puts an interval on a local day (weekday, validity, every n-th week from its anchor week). */
const ruleApplies = (rule: WorkingHoursRule, day: number): boolean => {
  if (!rule.daysOfWeek.includes(WEEKDAYS[new Date(day * DAY).getUTCDay()] as WorkingHoursRule['daysOfWeek'][number])) return false;
  const ymd = dayString(day);
  if (rule.validFrom !== null && ymd < rule.validFrom) return false;
  if (rule.validUntil !== null && ymd > rule.validUntil) return false;
  const anchor = rule.validFrom === null ? dayNumber('1970-01-05') : dayNumber(rule.validFrom);
  const anchorMonday = anchor - ((new Date(anchor * DAY).getUTCDay() + 6) % 7);
  const weeks = Math.floor((day - anchorMonday) / 7);
  return ((weeks % rule.everyWeeks) + rule.everyWeeks) % rule.everyWeeks === 0;
};

/** Sessions that hold a schedule: ACTIVE EVENTs on it, or naming it BUSY (by default: their resources' schedules). */
const holds = (i: SessionInstance, scheduleId: string): boolean => {
  if (i.type !== 'EVENT' || i.status !== 'ACTIVE') return false;
  if (i.scheduleId === scheduleId) return true;
  const affected = i.affectedSchedules ?? i.resourceIds.map((id) => ({ scheduleId: scheduleIdOf(id), transparency: 'BUSY' }));
  return affected.some((a) => a.scheduleId === scheduleId && a.transparency === 'BUSY');
};

const ownCalendarOf = (schedule: ScheduleInfo, instances: SessionInstance[], range: Range): OwnCalendar => {
  const working = new Uint8Array(range.minutes);
  if (schedule.status === 'CANCELED') return { working, busy: [], hasHours: false };
  const end = range.from + range.minutes * MIN;
  const firstDay = Math.floor(readingOf(schedule.timeZone, range.from) / DAY) - 2;
  const lastDay = Math.floor(readingOf(schedule.timeZone, end) / DAY) + 1;
  for (const rule of schedule.workingHours) {
    const startMinute = minutesOf(rule.startTime);
    let endMinute = minutesOf(rule.endTime);
    if (endMinute <= startMinute) endMinute += 24 * 60;
    for (let day = firstDay; day <= lastDay; day++) {
      if (!ruleApplies(rule, day)) continue;
      const s = instantOf(schedule.timeZone, day * DAY + startMinute * MIN);
      const e = instantOf(schedule.timeZone, day * DAY + endMinute * MIN);
      if (e > s) paint(working, range, s, e);
    }
  }
  for (const i of instances) {
    if (i.scheduleId === schedule.id && i.status === 'ACTIVE' && (i.type === 'WORKING_HOURS' || i.type === 'AVAILABILITY')) {
      paint(working, range, Date.parse(i.start), Date.parse(i.end));
    }
  }
  const busy = instances
    .filter((i) => holds(i, schedule.id))
    .map((i): [number, number] => [Date.parse(i.start) - i.bufferBeforeMinutes * MIN, Date.parse(i.end) + i.bufferAfterMinutes * MIN]);
  return { working, busy, hasHours: working.some((b) => b === 1) };
};

interface Effective {
  working: Uint8Array;
  busy: [number, number][];
  hasHours: boolean;
}

/**
 * Links, one level: FREE links lend their working time (intersected together), BUSY links lend busy
 * blocks. A schedule with weekly rules works where its own time and the lent time meet; one without
 * works the lent time plus its own working sessions. "Has hours" (a service schedule bounding its
 * slots) means "has weekly rules", whatever the window.
 */
const effectiveOf = (schedule: ScheduleInfo, own: (id: string) => OwnCalendar | undefined): Effective => {
  const mine = own(schedule.id)!;
  const hasHours = schedule.status === 'ACTIVE' && schedule.workingHours.length > 0;
  if (schedule.status === 'CANCELED') return { working: new Uint8Array(mine.working.length), busy: [], hasHours };
  const busy = [...mine.busy];
  let lent: Uint8Array | null = null;
  for (const link of schedule.linkedSchedules) {
    const linked = own(link.scheduleId);
    if (!linked) continue;
    if (link.transparency === 'FREE') lent = lent ? lent.map((b, i) => b & linked.working[i]) : linked.working;
    else busy.push(...linked.busy);
  }
  const working = lent === null ? mine.working : mine.working.map((b, i) => (hasHours ? b & lent![i] : b | lent![i]));
  return { working, busy, hasHours };
};

// ---- Slots --------------------------------------------------------------------------------------

export interface OracleSlot {
  start: string;
  end: string;
  localStart: string;
  localEnd: string;
  resources: { groupIndex: number; resourceIds: string[] }[];
  bookable: boolean;
  policyViolations: PolicyViolations;
}


export const violations = (policy: BookingPolicyFields, online: boolean, start: number, end: number, now: number): PolicyViolations => ({
  tooEarly: policy.earliestBookingMinutes !== null && start > now + policy.earliestBookingMinutes * MIN,
  tooLate: (policy.latestBookingMinutes !== null && start < now + policy.latestBookingMinutes * MIN) || (start < now && !(policy.bookAfterStart && end > now)),
  onlineBookingDisabled: !online,
});

export const oracleSlots = (world: World, query: SlotQuery): OracleSlot[] => {
  const { service } = world;
  const policy = world.policy ?? OPEN_POLICY;
  if (service.type !== 'APPOINTMENT') throw new Error('oracle: appointments only');
  const schedules = new Map(world.schedules.map((s) => [s.id, s]));
  const serviceSchedule = schedules.get(service.scheduleId);
  if (serviceSchedule?.status === 'CANCELED') return [];
  // Calendars reach 7 days back and 2 ahead, like the engine's calendarWindow: a working span that began
  // further back is anchored at that edge.
  const range: Range = { from: query.from - 7 * DAY, minutes: (query.to - query.from + 9 * DAY) / MIN };
  const instances = world.instances ?? [];

  const owns = new Map<string, OwnCalendar>();
  const own = (id: string) => {
    const schedule = schedules.get(id);
    if (!schedule) return undefined;
    if (!owns.has(id)) owns.set(id, ownCalendarOf(schedule, instances, range));
    return owns.get(id);
  };
  const effective = (id: string) => (schedules.has(id) ? effectiveOf(schedules.get(id)!, own) : undefined);

  const index = (t: number) => (t - range.from) / MIN;
  /** Every minute of [s, e) set. */
  const allSet = (bits: Uint8Array, s: number, e: number) => {
    for (let i = index(s); i < index(e); i++) if (!bits[i]) return false;
    return true;
  };
  const before = service.bufferBeforeMinutes * MIN;
  const after = service.bufferAfterMinutes * MIN;

  const hasGroups = service.resourceGroups.length > 0;
  const serviceCalendar = effective(service.scheduleId) ?? { working: new Uint8Array(range.minutes), busy: [], hasHours: false };
  const serviceHours = hasGroups && serviceCalendar.hasHours ? serviceCalendar.working : null;
  const calendars = new Map<string, Effective>();
  const calendarOf = (resourceId: string): Effective => {
    if (!calendars.has(resourceId)) calendars.set(resourceId, hasGroups ? effective(scheduleIdOf(resourceId))! : serviceCalendar);
    return calendars.get(resourceId)!;
  };
  const present = (id: string) => schedules.has(scheduleIdOf(id)) && (world.resourceIds ?? []).includes(id);
  const picked = query.resourceIds ? new Set(query.resourceIds) : null;
  const groups = hasGroups
    ? service.resourceGroups.map((g) => {
        const narrowed = picked !== null && g.resourceIds.some((id) => picked.has(id));
        return { requiredCount: g.requiredCount, resourceIds: g.resourceIds.filter((id) => present(id) && (!narrowed || picked!.has(id))) };
      })
    : [{ requiredCount: 1, resourceIds: [service.scheduleId] }];

  /** The resource works the whole slot (inside the service's hours, if any) and no busy block meets the buffered slot. */
  const isFree = (resourceId: string, s: number, e: number): boolean => {
    const calendar = calendarOf(resourceId);
    if (!allSet(calendar.working, s, e)) return false;
    if (serviceHours && !allSet(serviceHours, s, e)) return false;
    for (const [b0, b1] of calendar.busy) if (b0 < b1 && s - before < b1 && b0 < e + after) return false;
    return true;
  };

  const zone = query.timeZone || serviceSchedule?.timeZone || 'UTC';
  const durations = query.durationMinutes ? [query.durationMinutes] : service.sessionDurations;
  const slots: (OracleSlot & { s: number; e: number })[] = [];
  for (const duration of durations) {
    const d = duration * MIN;
    const step = (service.slotSplitIntervalMinutes ?? duration) * MIN;
    const candidates = new Set<number>();
    for (const id of groups[0].resourceIds) {
      const bits = calendarOf(id).working;
      // Walk the minutes: a span starts where a working minute follows a non-working one (or the range's edge).
      for (let i = 0; i < bits.length; i++) {
        if (!bits[i] || (i > 0 && bits[i - 1])) continue;
        let j = i;
        while (j < bits.length && bits[j]) j++;
        const spanStart = range.from + i * MIN;
        const spanEnd = range.from + j * MIN;
        for (let s = spanStart; s + d <= spanEnd; s += step) {
          if (s < query.from || s >= query.to) continue;
          candidates.add(s);
        }
      }
    }
    for (const s of [...candidates].sort((a, b) => a - b)) {
      const e = s + d;
      const resources: OracleSlot['resources'] = [];
      const complete = groups.every((group, groupIndex) => {
        const freeIds = group.resourceIds.filter((id) => isFree(id, s, e));
        resources.push({ groupIndex, resourceIds: freeIds });
        return freeIds.length >= group.requiredCount;
      });
      if (!complete) continue;
      const policyViolations = violations(policy, service.onlineBookingEnabled, s, e, query.now);
      const bookable = !policyViolations.tooEarly && !policyViolations.tooLate && !policyViolations.onlineBookingDisabled && query.partySize <= policy.maxParticipantsPerBooking;
      slots.push({
        s,
        e,
        start: new Date(s).toISOString(),
        end: new Date(e).toISOString(),
        localStart: localString(zone, s),
        localEnd: localString(zone, e),
        resources: hasGroups ? resources : [],
        bookable,
        policyViolations,
      });
    }
  }
  const kept = slots.filter((slot) => query.includeUnbookable || slot.bookable).sort((a, b) => a.s - b.s || a.e - b.e);
  const perDay = new Map<string, number>();
  return kept
    .filter((slot) => {
      if (!query.slotsPerDay) return true;
      const day = slot.localStart.slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
      return perDay.get(day)! <= query.slotsPerDay;
    })
    .map(({ s: _s, e: _e, ...slot }) => slot);
};
