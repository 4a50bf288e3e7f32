import { Capability } from '@kairos/core';
import { calendarsEvents } from './calendars.events';
import { calendarEntriesProjection } from './calendar-entries.projection';
import { calendarsProjection } from './calendars.projection';

/** A connection's secret (a CalDAV password, an OAuth token) is sealed with the connection's own key, destroyed when the connection is deleted. */
export const calendarsCapability: Capability = {
  name: 'calendars',
  projections: [calendarsProjection, calendarEntriesProjection],
  events: calendarsEvents,
  personalData: [{ eventType: 'calendar-connection.secret-set', subjectOf: (data) => (typeof data.id === 'string' ? data.id : null), fields: ['secret'] }],
  erasures: [{ eventType: 'calendar-connection.deleted', subjectOf: (data) => (typeof data.id === 'string' ? data.id : null) }],
};
