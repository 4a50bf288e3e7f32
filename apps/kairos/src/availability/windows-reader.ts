import { AVAILABILITY_MONTHS, AVAILABILITY_SERIES, MonthDoc, SeriesDoc, Window, WindowsSnapshot, windowDocIds, windowsSnapshot } from '@kairos/availability';
import { ReadStore } from '@kairos/read-store';

/** What the availability windows hold for some schedules over a window, in two reads of the store. */
export const readWindows = async (readStore: ReadStore, tenant: string, scheduleIds: string[], window: Window): Promise<WindowsSnapshot> => {
  const ids = windowDocIds(scheduleIds, window);
  const [months, series] = await Promise.all([
    readStore.getMany<MonthDoc>(AVAILABILITY_MONTHS, tenant, ids.months),
    readStore.getMany<SeriesDoc>(AVAILABILITY_SERIES, tenant, ids.series),
  ]);
  return windowsSnapshot(window, months, series);
};
