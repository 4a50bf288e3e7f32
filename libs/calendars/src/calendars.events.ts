import { EventCatalog } from '@kairos/core';
import { connectionEvents } from './connection/connection.events';

/** What the calendars capability publishes: connections, the busy time they bring and their failures. Secrets, cursors and feeds stay internal. */
export const calendarsEvents: EventCatalog = { capability: 'calendars', events: [...connectionEvents] };
