import { AVAILABILITY_DAYS, AVAILABILITY_SERIES, DayDoc, SeriesDoc, Window, WindowsSnapshot, windowDocIds, windowsSnapshot } from '@kairos/availability';
import { ReadStore } from '@kairos/read-store';

/**
 * What the availability windows hold for some schedules over a window, in two reads of the store:
 * one for every schedule's day documents (a month for 50 staff asks some 2,000 ids at once; the
 * days nothing holds have no document), one for their series.
 */
export const readWindows = async (readStore: ReadStore, tenant: string, scheduleIds: string[], window: Window): Promise<WindowsSnapshot> => {
  const ids = windowDocIds(scheduleIds, window);
  const [days, series] = await Promise.all([
    readStore.getMany<DayDoc>(AVAILABILITY_DAYS, tenant, ids.days),
    readStore.getMany<SeriesDoc>(AVAILABILITY_SERIES, tenant, ids.series),
  ]);
  return windowsSnapshot(window, days, series);
};
