import { Module } from '@nestjs/common';

/** Calendars in: a resource's external calendars, read on a timer and on demand, as busy time. */
@Module({})
export class CalendarConnectionsModule {}
