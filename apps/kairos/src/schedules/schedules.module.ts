import { Module } from '@nestjs/common';
import { SCHEDULE_HANDLERS } from './schedules.commands';
import { SchedulesController } from './schedules.controller';

@Module({ controllers: [SchedulesController], providers: [...SCHEDULE_HANDLERS] })
export class SchedulesModule {}
