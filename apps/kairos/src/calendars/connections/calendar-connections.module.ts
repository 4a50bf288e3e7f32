import { Module, OnApplicationShutdown } from '@nestjs/common';
import { KairosConfig } from '../../config/config';
import { CONFIG } from '../../infrastructure/tokens';
import { calendarSources } from '../sources';
import { icsParsing } from '../sources/ics-parsing';
import { DecideConnectionHandler } from './calendar-connections.commands';
import { CalendarConnectionsController } from './calendar-connections.controller';
import { CALENDAR_SOURCES, CalendarSync } from './calendar-sync';
import { CalendarEntryWriter } from './entry-writer';
import { SyncConnectionHandler } from './sync-connection';
import { CalendarSyncSweep } from './sync-sweep';

/** Calendars in: a resource's external calendars, read on a timer and on demand, as busy time; and bookings written back to those that ask for it. */
@Module({
  controllers: [CalendarConnectionsController],
  providers: [
    { provide: CALENDAR_SOURCES, useFactory: (config: KairosConfig) => calendarSources(config.calendars), inject: [CONFIG] },
    CalendarSync,
    CalendarEntryWriter,
    CalendarSyncSweep,
    DecideConnectionHandler,
    SyncConnectionHandler,
  ],
})
export class CalendarConnectionsModule implements OnApplicationShutdown {
  /** The sources' parsing thread ends with the application, a parse it was running failing as the read it belongs to stops. */
  onApplicationShutdown() {
    return icsParsing.stop();
  }
}
