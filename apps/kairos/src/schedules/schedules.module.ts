import { Module } from '@nestjs/common';
import { SCHEDULE_HANDLERS } from './schedules.commands';
import { SchedulesController } from './schedules.controller';
import { SessionsModule } from '../sessions/sessions.module';

@Module({ imports: [SessionsModule], controllers: [SchedulesController], providers: [...SCHEDULE_HANDLERS] })
export class SchedulesModule {}
