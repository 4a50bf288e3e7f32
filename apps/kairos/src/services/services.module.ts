import { Module } from '@nestjs/common';
import { SERVICE_COMMAND_HANDLERS } from './services.commands';
import { ServicesController } from './services.controller';

@Module({ controllers: [ServicesController], providers: [...SERVICE_COMMAND_HANDLERS] })
export class ServicesModule {}
