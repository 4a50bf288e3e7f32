import { EventCatalog } from '@kairos/core';
import { scheduleEvents } from './schedule/schedule.events';
import { sessionEvents } from './session/session.events';

/** What the scheduling capability publishes: schedules and sessions. */
export const schedulingEvents: EventCatalog = { capability: 'scheduling', events: [...scheduleEvents, ...sessionEvents] };
