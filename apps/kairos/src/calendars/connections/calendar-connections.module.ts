import { Module, OnApplicationShutdown } from '@nestjs/common';
import { icsParsing } from '../sources/ics-parsing';

/** Calendars in: a resource's external calendars, read on a timer and on demand, as busy time. */
@Module({})
export class CalendarConnectionsModule implements OnApplicationShutdown {
  /** The sources' parsing thread ends with the application, a parse it was running failing as the read it belongs to stops. */
  onApplicationShutdown() {
    return icsParsing.stop();
  }
}
