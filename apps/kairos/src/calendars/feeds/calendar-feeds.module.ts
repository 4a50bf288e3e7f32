import { Module } from '@nestjs/common';

/** Calendars out: ICS feeds of resources and contacts, and the secret URLs that serve them. */
@Module({})
export class CalendarFeedsModule {}
