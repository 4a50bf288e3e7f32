/**
 * Random worlds for property tests of the engine: 1–3 resources in 1–2 groups (sometimes none: the
 * service schedule alone), random weekly hours in random zones, FREE links to business hours, BUSY
 * links to a shared machine, random sessions (EVENTs with their own buffers, some canceled, some
 * WORKING_HOURS/AVAILABILITY, some naming schedules explicitly), random service buffers, durations,
 * split intervals, policies and windows that often straddle a DST change.
 */
import fc from 'fast-check';
import { AffectedSchedule, DayOfWeek, SessionInstance, WorkingHoursRule, scheduleIdOf } from '@kairos/scheduling';
import { BookingPolicyFields } from '@kairos/services';
import { ScheduleInfo } from './calendar';
import { instantOf } from './oracle.fixture';
import { ALL_DAYS, OPEN_POLICY, QueryInput, World, instance, rule, scheduleInfo, serviceInfo } from './world.fixture';

export const MIN = 60_000;
export const DAY = 24 * 60 * MIN;
export const ZONES = ['Europe/London', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe'];
/** DST changes of 2026 in those zones. */
export const TRANSITIONS = ['2026-03-08', '2026-03-29', '2026-04-05', '2026-10-04', '2026-10-25', '2026-11-01'];
export const SERVICE_SCHEDULE = 'service-schedule';
const BUSINESS = 'business';
const MACHINE = 'machine';

export type G = fc.GeneratorValue;

export const pick = <T>(g: G, values: readonly T[]): T => g(fc.constantFrom, ...values);
export const int = (g: G, min: number, max: number): number => g(fc.integer, { min, max });
/** Unbiased: fast-check's integers lean to their bounds, which would make rare branches common. */
export const chance = (g: G, percent: number): boolean => g(fc.noBias, fc.integer({ min: 1, max: 100 })) <= percent;
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const ymd = (t: number) => new Date(t).toISOString().slice(0, 10);

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const timeOfDay = (g: G): number => int(g, 0, 23) * 60 + pick(g, [0, 0, 15, 30, 45, 5, 50]);

/** Rules of 2–12 hours (some overnight), sometimes every other week or valid for a few days only. */
const hoursOf = (g: G, count: number, around: number): WorkingHoursRule[] =>
  Array.from({ length: count }, () => {
    const start = timeOfDay(g);
    return {
      daysOfWeek: chance(g, 35) ? ALL_DAYS : chance(g, 30) ? ALL_DAYS.slice(0, 5) : (g(fc.subarray, ALL_DAYS, { minLength: 1 }) as DayOfWeek[]),
      startTime: hhmm(start),
      endTime: hhmm((start + pick(g, [120, 180, 240, 360, 480, 720]) + pick(g, [0, 0, 15, 30])) % 1440),
      everyWeeks: chance(g, 10) ? 2 : 1,
      validFrom: chance(g, 10) ? ymd(around + int(g, -3, 3) * DAY) : null,
      validUntil: chance(g, 10) ? ymd(around + int(g, 3, 6) * DAY) : null,
    };
  });

/** Every day 00:00–00:00, from and until random days: a working span longer than the calendars' margins. */
export const aroundTheClock = (g: G, from: number): WorkingHoursRule => {
  const first = int(g, -10, 8);
  return rule(ALL_DAYS, '00:00', '00:00', {
    validFrom: chance(g, 60) ? ymd(from + first * DAY) : null,
    validUntil: chance(g, 30) ? ymd(from + (first + int(g, 0, 12)) * DAY) : null,
  });
};

/** Often the shared hours, starting a little earlier or later (so grids differ); else hours of its own. */
const hoursLike = (g: G, shared: WorkingHoursRule[], around: number): WorkingHoursRule[] =>
  chance(g, 75)
    ? shared.map((r) => ({ ...r, startTime: hhmm((minutesOf(r.startTime) + pick(g, [0, 0, 10, 15, 30, 45, 1410, 1395]) + 1440) % 1440) }))
    : hoursOf(g, int(g, 1, 2), around);

const policyOf = (g: G): BookingPolicyFields => {
  if (chance(g, 50)) return { ...OPEN_POLICY, maxParticipantsPerBooking: int(g, 1, 3) };
  const earliest = chance(g, 70) ? int(g, 0, 6000) : null;
  const latest = chance(g, 60) ? int(g, 0, Math.min(earliest ?? 3000, 3000)) : null;
  return { ...OPEN_POLICY, earliestBookingMinutes: earliest, latestBookingMinutes: latest, bookAfterStart: latest === null && chance(g, 50), maxParticipantsPerBooking: int(g, 1, 3) };
};

export interface Scenario {
  world: World;
  query: QueryInput;
}

export const scenarioOf = (g: G, maxDays = 4): Scenario => {
  // The window: 1–maxDays days, from any minute of a day near a DST change or of any day of 2026.
  const day = chance(g, 60) ? Date.parse(`${pick(g, TRANSITIONS)}T00:00:00Z`) - int(g, 0, 3) * DAY : Date.parse('2026-01-05T00:00:00Z') + int(g, 0, 350) * DAY;
  const from = day + (chance(g, 50) ? 0 : int(g, 0, 1439)) * MIN;
  const to = from + int(g, 1440, maxDays * 1440) * MIN;

  // Resources in groups (or none: the service schedule is the calendar).
  const count = int(g, 1, 3);
  const resourceIds = ['r0', 'r1', 'r2'].slice(0, count);
  const split = count >= 2 && chance(g, 50) ? int(g, 1, count - 1) : count;
  const groupIds = split === count ? [resourceIds] : [resourceIds.slice(0, split), resourceIds.slice(split)];
  const resourceGroups = chance(g, 15) ? [] : groupIds.map((ids) => ({ resourceIds: ids, requiredCount: chance(g, 70) ? 1 : int(g, 1, ids.length) }));

  // Mostly one zone, and hours that overlap, so that resources compete; sometimes anything.
  const homeZone = pick(g, ZONES);
  const zone = () => (chance(g, 75) ? homeZone : pick(g, ZONES));
  const shared = hoursOf(g, int(g, 1, 2), from);
  const schedules: ScheduleInfo[] = [];
  const hasBusiness = chance(g, 50);
  const hasMachine = chance(g, 40);
  if (hasBusiness) schedules.push(scheduleInfo(BUSINESS, zone(), hoursLike(g, shared, from)));
  if (hasMachine) schedules.push(scheduleInfo(MACHINE, zone()));
  const serviceLinks = hasBusiness && chance(g, 30) ? [{ scheduleId: BUSINESS, transparency: 'FREE' as const }] : [];
  schedules.push(
    scheduleInfo(SERVICE_SCHEDULE, zone(), resourceGroups.length === 0 || chance(g, 20) ? hoursLike(g, shared, from) : [], {
      linkedSchedules: serviceLinks,
      status: chance(g, 3) ? 'CANCELED' : 'ACTIVE',
    }),
  );
  for (const id of resourceIds) {
    const links = [
      ...(hasBusiness && chance(g, 50) ? [{ scheduleId: BUSINESS, transparency: 'FREE' as const }] : []),
      ...(hasMachine && chance(g, 50) ? [{ scheduleId: MACHINE, transparency: 'BUSY' as const }] : []),
    ];
    schedules.push(
      scheduleInfo(scheduleIdOf(id), zone(), links.length > 0 && chance(g, 30) ? [] : hoursLike(g, shared, from), {
        linkedSchedules: links,
        status: chance(g, 4) ? 'CANCELED' : 'ACTIVE',
      }),
    );
  }

  // Sessions: half of them inside the shared hours of some day of the window, the rest anywhere from a day
  // before the window to a day after it.
  const scheduleIds = schedules.map((s) => s.id);
  const days = Math.ceil((to - from) / DAY);
  const instances: SessionInstance[] = Array.from({ length: int(g, 0, 8) }, (_, n) => {
    const start = chance(g, 50)
      ? instantOf(homeZone, Math.floor(from / DAY) * DAY + int(g, 0, days) * DAY + (minutesOf(pick(g, shared).startTime) + int(g, -60, 600)) * MIN)
      : from + int(g, -1440, (to - from) / MIN + 1440) * MIN;
    const affectedSchedules: AffectedSchedule[] | null = chance(g, 25)
      ? (g(fc.subarray, scheduleIds) as string[]).map((scheduleId) => ({ scheduleId, transparency: chance(g, 70) ? 'BUSY' : 'FREE' }))
      : null;
    const roll = int(g, 1, 100);
    return instance({
      id: `s${n}`,
      scheduleId: chance(g, 60) ? scheduleIdOf(pick(g, resourceIds)) : pick(g, scheduleIds),
      start: new Date(start).toISOString(),
      end: new Date(start + (pick(g, [15, 30, 45, 60, 90, 120, 240]) + int(g, 0, 20)) * MIN).toISOString(),
      type: roll <= 85 ? 'EVENT' : roll <= 95 ? 'WORKING_HOURS' : 'AVAILABILITY',
      status: chance(g, 10) ? 'CANCELED' : 'ACTIVE',
      resourceIds: g(fc.subarray, resourceIds) as string[],
      affectedSchedules,
      bufferBeforeMinutes: pick(g, [0, 0, 5, 15, 30]),
      bufferAfterMinutes: pick(g, [0, 0, 5, 15, 30]),
    });
  });

  const durations = g(fc.subarray, [15, 30, 45, 60], { minLength: 1, maxLength: 2 }) as number[];
  const world: World = {
    service: serviceInfo({
      scheduleId: SERVICE_SCHEDULE,
      sessionDurations: durations,
      bufferBeforeMinutes: int(g, 0, 30),
      bufferAfterMinutes: int(g, 0, 30),
      slotSplitIntervalMinutes: pick(g, [null, 10, 15, 30]),
      resourceGroups,
      onlineBookingEnabled: chance(g, 90),
    }),
    policy: policyOf(g),
    schedules,
    resourceIds,
    instances,
  };
  const query: QueryInput = {
    from,
    to,
    now: from + int(g, -3000, 6000) * MIN,
    timeZone: pick(g, ['', ...ZONES]),
    partySize: chance(g, 80) ? 1 : int(g, 2, 3),
    durationMinutes: chance(g, 20) ? pick(g, [15, 30, 45, 60]) : undefined,
    resourceIds: chance(g, 20) ? (g(fc.subarray, resourceIds, { minLength: 1 }) as string[]) : undefined,
    includeUnbookable: chance(g, 70),
    slotsPerDay: chance(g, 15) ? int(g, 1, 4) : undefined,
  };
  return { world, query };
};
