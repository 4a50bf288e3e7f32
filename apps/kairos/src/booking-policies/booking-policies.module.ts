import { Module } from '@nestjs/common';
import { BOOKING_POLICY_HANDLERS } from './booking-policies.commands';
import { BookingPoliciesController } from './booking-policies.controller';

@Module({ controllers: [BookingPoliciesController], providers: [...BOOKING_POLICY_HANDLERS] })
export class BookingPoliciesModule {}
