import { Module } from '@nestjs/common';
import { BookingFacts } from './booking-facts';
import { BOOKING_QUERY_HANDLERS } from './bookings.queries';
import { BookingsController } from './bookings.controller';
import { ChangeBookingHandler } from './change-booking';
import { CreateBookingHandler } from './create-booking';
import { CreditRedemption } from '../memberships/credit-redemption';
import { EndSlotHoldHandler, HoldSlotHandler } from './slot-holds';
import { SlotHoldsController } from './slot-holds.controller';
import { AcceptWaitlistOfferHandler, EndWaitlistEntryHandler, JoinWaitlistHandler, Waitlists } from './waitlists';
import { WaitlistController } from './waitlists.controller';

@Module({
  controllers: [BookingsController, SlotHoldsController, WaitlistController],
  providers: [BookingFacts, CreditRedemption, CreateBookingHandler, ChangeBookingHandler, HoldSlotHandler, EndSlotHoldHandler, Waitlists, JoinWaitlistHandler, EndWaitlistEntryHandler, AcceptWaitlistOfferHandler, ...BOOKING_QUERY_HANDLERS],
})
export class BookingsModule {}
