/** The weekly series the session specs start from. */
import { SessionFields } from './session';

export const weekly: SessionFields = {
  scheduleId: 'sch1',
  type: 'EVENT',
  timeZone: 'Europe/Lisbon',
  localStart: '2026-03-02T09:00',
  localEnd: '2026-03-02T10:00',
  recurrence: 'FREQ=WEEKLY',
  exdates: [],
  title: 'Yoga',
  capacity: 10,
  resourceIds: ['r1'],
  affectedSchedules: null,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  locationId: null,
};
