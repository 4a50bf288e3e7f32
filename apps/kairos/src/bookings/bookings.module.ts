import { Module } from '@nestjs/common';
import { CreateBookingHandler } from './bookings.commands';
import { BookingsController } from './bookings.controller';
import { BOOKING_QUERY_HANDLERS } from './bookings.queries';
import { Holds } from './holds';
import { ChangeBookingHandler } from './lifecycle.commands';

@Module({ controllers: [BookingsController], providers: [Holds, CreateBookingHandler, ChangeBookingHandler, ...BOOKING_QUERY_HANDLERS] })
export class BookingsModule {}
