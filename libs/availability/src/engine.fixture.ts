/** Shorthands the engine specs share (world.fixture.ts builds the worlds). */
import { Slot } from './slots';
import { World, resourceSchedule, rule, scheduleInfo, serviceInfo } from './world.fixture';

export const LISBON = 'Europe/Lisbon';
export const LONDON = 'Europe/London';
export const NEW_YORK = 'America/New_York';
export const SERVICE_SCHEDULE = 'service-schedule';
export const BUSINESS = 'business-schedule';
export const MONDAY = { from: '2026-06-15T00:00:00Z', to: '2026-06-16T00:00:00Z' };

/** [start, end] pairs. */
export const times = (slots: Slot[]) => slots.map((s) => [s.start, s.end]);
export const starts = (slots: Slot[]) => slots.map((s) => s.start);
export const localStarts = (slots: Slot[]) => slots.map((s) => s.localStart);
/** Per slot, the free resources of each group. */
export const who = (slots: Slot[]) => slots.map((s) => [s.start, ...s.resources.map((g) => g.resourceIds)]);
export const z = (hhmm: string, day = '2026-06-15') => `${day}T${hhmm}:00.000Z`;

export const serviceSchedule = (more: Parameters<typeof scheduleInfo>[3] = {}, zone = LISBON, hours: Parameters<typeof scheduleInfo>[2] = []) =>
  scheduleInfo(SERVICE_SCHEDULE, zone, hours, more);

/** One staff member 09:00–12:00 on weekdays, in one group of one. */
export const oneStaff = (more: Partial<World> = {}, service: Partial<Parameters<typeof serviceInfo>[0]> = {}): World => ({
  service: serviceInfo({ scheduleId: SERVICE_SCHEDULE, resourceGroups: [{ resourceIds: ['staff-a'], requiredCount: 1 }], ...service }),
  schedules: [serviceSchedule(), resourceSchedule('staff-a', LISBON, [rule(['MON', 'TUE', 'WED', 'THU', 'FRI'], '09:00', '12:00')])],
  resourceIds: ['staff-a'],
  ...more,
});
