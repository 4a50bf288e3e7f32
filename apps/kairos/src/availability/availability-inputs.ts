import { ScheduleInfo, ServiceInfo } from '@kairos/availability';
import { ReadStore } from '@kairos/read-store';
import { RESOURCES } from '@kairos/resources';
import { SCHEDULES, ScheduleView, businessScheduleIdOf } from '@kairos/scheduling';
import { ServiceView } from '@kairos/services';

export const serviceInfoOf = (service: ServiceView): ServiceInfo => ({
  id: service.id,
  type: service.type,
  scheduleId: service.scheduleId,
  defaultCapacity: service.defaultCapacity,
  sessionDurations: service.sessionDurations,
  bufferBeforeMinutes: service.bufferBeforeMinutes,
  bufferAfterMinutes: service.bufferAfterMinutes,
  slotSplitIntervalMinutes: service.slotSplitIntervalMinutes,
  resourceGroups: service.resourceGroups,
  onlineBookingEnabled: service.onlineBooking.enabled,
  locationId: service.locations.find((l) => l.id)?.id ?? null,
});

const scheduleInfoOf = (s: ScheduleView): ScheduleInfo => ({
  id: s.id,
  timeZone: s.timeZone,
  workingHours: s.workingHours ?? [],
  linkedSchedules: s.linkedSchedules,
  status: s.status,
  capacity: s.capacity,
});

/**
 * The schedules a service's availability depends on: its own, its live resources', and every
 * schedule those link; two or three batched reads whatever the number of resources.
 */
export const gatherSchedules = async (readStore: ReadStore, tenant: string, service: ServiceView) => {
  const resourceIds = [...new Set(service.resourceGroups.flatMap((g) => g.resourceIds))];
  const resources = (await readStore.getMany<{ id: string; scheduleId: string; deletedAt: string | null }>(RESOURCES, tenant, resourceIds)).filter((r) => !r.deletedAt);
  const schedules = new Map<string, ScheduleInfo>();
  const load = async (ids: string[]) => {
    for (const doc of await readStore.getMany<ScheduleView>(SCHEDULES, tenant, ids.filter((id) => !schedules.has(id)))) schedules.set(doc.id, scheduleInfoOf(doc));
  };
  // The business schedule is the usual link, so it comes in the first read; other links need a second.
  await load([service.scheduleId, businessScheduleIdOf(tenant), ...resources.map((r) => r.scheduleId)]);
  const linked = [...new Set([...schedules.values()].flatMap((s) => s.linkedSchedules.map((l) => l.scheduleId)))].filter((id) => !schedules.has(id));
  if (linked.length > 0) await load(linked);
  const resourceSchedules = new Map(resources.filter((r) => schedules.has(r.scheduleId)).map((r) => [r.id, r.scheduleId]));
  return { schedules, resourceSchedules };
};
