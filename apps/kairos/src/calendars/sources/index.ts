import { SourceKind } from '@kairos/calendars';
import { CalDavSource } from './caldav';
import { GoogleCalendarSource } from './google';
import { IcsUrlSource } from './ics-url';
import { CalendarSource, SourceOptions } from './source';

/** One source per kind of connection, all bound by the same limits. */
export const calendarSources = (options: SourceOptions): Record<SourceKind, CalendarSource> => ({
  ICS: new IcsUrlSource(options),
  CALDAV: new CalDavSource(options),
  GOOGLE: new GoogleCalendarSource(options),
});
