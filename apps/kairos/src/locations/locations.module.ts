import { Module } from '@nestjs/common';
import { LOCATION_HANDLERS } from './locations.commands';
import { LocationsController } from './locations.controller';

@Module({ controllers: [LocationsController], providers: [...LOCATION_HANDLERS] })
export class LocationsModule {}
