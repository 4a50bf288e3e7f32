import { Module } from '@nestjs/common';
import { CALENDAR_FEED_COMMAND_HANDLERS } from './calendar-feeds.commands';
import { CALENDAR_FEED_CONTROLLERS } from './calendar-feeds.controller';
import { CALENDAR_FEED_QUERY_HANDLERS } from './calendar-feeds.queries';

/** Calendars out: ICS feeds of resources and contacts, and the secret URLs that serve them. */
@Module({
  controllers: CALENDAR_FEED_CONTROLLERS,
  providers: [...CALENDAR_FEED_COMMAND_HANDLERS, ...CALENDAR_FEED_QUERY_HANDLERS],
})
export class CalendarFeedsModule {}
