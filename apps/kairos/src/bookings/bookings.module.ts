import { Module } from '@nestjs/common';
import { BookingFacts, CreateBookingHandler } from './bookings.commands';
import { BookingsController } from './bookings.controller';
import { BOOKING_QUERY_HANDLERS } from './bookings.queries';
import { Holds } from './holds';
import { ChangeBookingHandler } from './lifecycle.commands';
import { EndSlotHoldHandler, HoldExpiryTimer, HoldSlotHandler, SlotHoldsController } from './slot-holds';
import { AcceptWaitlistOfferHandler, EndWaitlistEntryHandler, JoinWaitlistHandler, WaitlistController, Waitlists } from './waitlists';

@Module({
  controllers: [BookingsController, SlotHoldsController, WaitlistController],
  providers: [BookingFacts, Holds, CreateBookingHandler, ChangeBookingHandler, HoldSlotHandler, EndSlotHoldHandler, HoldExpiryTimer, Waitlists, JoinWaitlistHandler, EndWaitlistEntryHandler, AcceptWaitlistOfferHandler, ...BOOKING_QUERY_HANDLERS],
})
export class BookingsModule {}
