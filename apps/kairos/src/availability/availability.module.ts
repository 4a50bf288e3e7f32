import { Module } from '@nestjs/common';
import { AvailabilityController } from './availability.controller';
import { QueryAvailabilityHandler } from './availability.query';

@Module({ controllers: [AvailabilityController], providers: [QueryAvailabilityHandler] })
export class AvailabilityModule {}
