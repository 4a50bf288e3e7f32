import { Module } from '@nestjs/common';
import { CreateBookingHandler } from './bookings.commands';
import { BookingsController } from './bookings.controller';
import { BOOKING_QUERY_HANDLERS } from './bookings.queries';
import { Holds } from './holds';
import { ChangeBookingHandler } from './lifecycle.commands';
import { EndSlotHoldHandler, HoldExpiryTimer, HoldSlotHandler, SlotHoldsController } from './slot-holds';

@Module({
  controllers: [BookingsController, SlotHoldsController],
  providers: [Holds, CreateBookingHandler, ChangeBookingHandler, HoldSlotHandler, EndSlotHoldHandler, HoldExpiryTimer, ...BOOKING_QUERY_HANDLERS],
})
export class BookingsModule {}
