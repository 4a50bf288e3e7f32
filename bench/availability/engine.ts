import {
  AVAILABILITY_PROJECTION,
  AvailabilityData,
  Slot,
  SlotQuery,
  WindowsSnapshot,
  availability,
  calendarWindow,
  effectiveCalendar,
  windowCalendars,
} from '@kairos/availability';
import { ReadStore } from '@kairos/read-store';
import { workingIntervals } from '@kairos/scheduling';
import { BOOKING_POLICIES, BookingPolicyFields, DEFAULT_BOOKING_POLICY, SERVICES, ServiceView } from '@kairos/services';
import { gatherSchedules, serviceInfoOf } from '../../apps/kairos/src/availability/availability-inputs';
import { readWindows } from '../../apps/kairos/src/availability/windows-reader';
import { percentile } from '../kit/stats';
import { HTTP_LIMIT, MONTH_FROM, MONTH_TO, NOW, TENANT, ZONE } from './scenario';

/**
 * The availability engine as the query handler runs it, without HTTP: the reads it does before the
 * windows, the engine on windows already read, and where a full-month query's time goes.
 */

export type EngineBase = Omit<AvailabilityData, 'ownCalendar'>;

/** What the query handler reads before the windows, with the app's own helpers and in its order. */
export const gather = async (readStore: ReadStore, tenant: string, serviceId: string): Promise<EngineBase> => {
  for (const projection of ['services', 'resources', 'scheduling', AVAILABILITY_PROJECTION, 'bookings']) await readStore.checkpoint(projection);
  const service = (await readStore.get<ServiceView>(SERVICES, tenant, serviceId))!;
  const { schedules, resourceSchedules } = await gatherSchedules(readStore, tenant, service);
  const defaults = await readStore.find<BookingPolicyFields & { id: string }>(BOOKING_POLICIES, tenant, { where: { isDefault: true, deletedAt: null }, limit: 1 });
  return {
    service: serviceInfoOf(service),
    policy: defaults.items[0] ?? DEFAULT_BOOKING_POLICY,
    schedules,
    resourceSchedules,
    // An appointment service has no class sessions, so no seats, offers or waitlists to read.
    serviceSessions: [],
    booked: new Map(),
    offers: new Map(),
    waitlists: new Map(),
  };
};

export const slotQuery = (from: number, to: number): SlotQuery => ({ now: NOW.getTime(), from, to, timeZone: ZONE, partySize: 1, includeUnbookable: false });

/** The engine's cost: own calendars from the windows, links, slots. Nothing async, nothing read. */
export const runEngine = (base: EngineBase, snapshot: WindowsSnapshot, from: number, to: number): Slot[] => {
  const window = calendarWindow({ from, to });
  return availability({ ...base, ownCalendar: windowCalendars(base.schedules, snapshot, window) }, slotQuery(from, to));
};

/**
 * Where a full-month query's time goes, phase by phase (medians, ms): the handler's read-store round
 * trips, the windows read, working-hours expansion, own calendars, links, the slot search, the page's JSON.
 */
export const breakDown = async (readStore: ReadStore, base: EngineBase, serviceId: string, snapshot: WindowsSnapshot, n: number) => {
  const from = MONTH_FROM;
  const to = MONTH_TO;
  const window = calendarWindow({ from, to });
  const scheduleIds = [...base.schedules.keys()];
  const phases: Record<string, number[]> = {
    readsBeforeWindows: [],
    readWindows: [],
    workingHoursExpansion: [],
    ownCalendars: [],
    effectiveCalendars: [],
    linksAndSlots: [],
    pageJson: [],
  };
  const time = async <T>(phase: string, fn: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const value = await fn();
    phases[phase].push(performance.now() - t0);
    return value;
  };
  for (let i = 0; i < n; i++) {
    await time('readsBeforeWindows', () => gather(readStore, TENANT, serviceId));
    await time('readWindows', () => readWindows(readStore, TENANT, scheduleIds, window));
    await time('workingHoursExpansion', () => {
      for (const s of base.schedules.values()) workingIntervals(s.workingHours, s.timeZone, { from: new Date(window.from), to: new Date(window.to) });
    });
    const own = windowCalendars(base.schedules, snapshot, window);
    await time('ownCalendars', () => {
      for (const id of scheduleIds) own(id);
    });
    await time('effectiveCalendars', () => {
      for (const scheduleId of base.resourceSchedules.values()) effectiveCalendar(base.schedules.get(scheduleId)!, own);
    });
    // The rest of the engine on own calendars already built: links again, the slot search, slot objects.
    const slots = await time('linksAndSlots', () => availability({ ...base, ownCalendar: own }, slotQuery(from, to)));
    await time('pageJson', () => JSON.stringify({ items: slots.slice(0, HTTP_LIMIT), nextCursor: 'x' }));
  }
  return Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, percentile(v, 50)]));
};
