import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { ReadQueryDto, expectedRevision, minPositionOf } from '../http/common.dto';
import { Ctx, RequestContext, notifying } from '../http/request-context';
import { BookingChange } from '@kairos/bookings';
import {
  AttendanceDto,
  CancelBookingDto,
  CreateBookingDto,
  DeclineBookingDto,
  ListBookingsDto,
  ParticipantsDto,
  BookingPaymentDto,
  RescheduleBookingDto,
  RevisionDto,
  bookingRequestOf,
  cancellationOf,
  rescheduleOf,
} from './bookings.dto';
import { GetBooking, ListBookings } from './bookings.queries';
import { ChangeBooking } from './change-booking';
import { CreateBooking } from './create-booking';
import { Documented, REFUSALS } from '../http/openapi/contract';

@ApiTags('bookings')
@Controller('v1/bookings')
export class BookingsController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Post()
  @Documented({
    summary: 'Book a slot (APPOINTMENT), a session (CLASS) or a schedule (COURSE); never double-books',
    answers: 'Booking',
    refuses: {
      ...REFUSALS.takenId,
      'not-found': 'the service, session, schedule, contact, location, hold or plan order names nothing of this tenant',
      forbidden: 'a CUSTOMER overriding the policy, or booking a hold of another contact',
      'slot-taken': 'the slot, a resource or the seats are taken or held',
      'slot-locked': 'the seats are offered to someone on the waitlist',
      'capacity-exceeded': 'not enough open spots for the party',
      'policy-violation': 'too early, too late, online booking disabled or a party over the policy (`errors` gives the reason)',
      'invalid-transition': 'the hold is no longer active',
      'no-eligible-plan': 'paid with a plan: no order of the contact can pay for the party (`errors[0].reason` says why)',
    },
  })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateBookingDto) {
    return this.commands.execute(new CreateBooking(notifying(ctx, dto.participantNotification), bookingRequestOf(dto)));
  }

  @Get(':id')
  @Documented({ summary: 'A booking, with the actions the caller may still take', answers: 'Booking' })
  get(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetBooking(ctx, id, minPositionOf(query, min)));
  }

  @Get()
  @Documented({ summary: 'Bookings by start, filtered by contact, service, resource, session, status or time', answers: { pageOf: 'Booking' } })
  list(@Ctx() ctx: RequestContext, @Query() query: ListBookingsDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new ListBookings(ctx, query, minPositionOf(query, min)));
  }

  /** The If-Match header wins over a revision in the body. */
  private change(ctx: RequestContext, id: string, change: BookingChange, ifMatch?: string, revision?: number) {
    return this.commands.execute(new ChangeBooking(ctx, id, change, expectedRevision(ifMatch, revision)));
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @Documented({
    summary: 'Confirm a created or pending booking (re-checks availability when it held nothing)',
    answers: 'Booking',
    refuses: {
      forbidden: 'a CUSTOMER approving a request',
      'slot-taken': 'the re-check found the slot taken',
      'capacity-exceeded': 'not enough open spots left for the party',
      'invalid-transition': 'its status cannot be confirmed',
    },
  })
  confirm(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: RevisionDto, @Headers('if-match') ifMatch?: string) {
    return this.change(notifying(ctx, dto.participantNotification), id, { kind: 'confirm' }, ifMatch, dto.revision);
  }

  @Post(':id/decline')
  @HttpCode(200)
  @Documented({ summary: 'Decline a created or pending booking', answers: 'Booking', refuses: { forbidden: 'a CUSTOMER declining', 'invalid-transition': 'its status cannot be declined' } })
  decline(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: DeclineBookingDto, @Headers('if-match') ifMatch?: string) {
    return this.change(notifying(ctx, dto.participantNotification), id, { kind: 'decline', reason: dto.reason ?? null }, ifMatch, dto.revision);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Documented({
    summary: 'Cancel a booking; the policy window applies unless the business overrides it',
    answers: 'Booking',
    refuses: { forbidden: 'a CUSTOMER overriding the policy', 'policy-violation': 'past the cancel window', 'invalid-transition': 'it is declined or canceled' },
  })
  cancel(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: CancelBookingDto, @Headers('if-match') ifMatch?: string) {
    return this.change(notifying(ctx, dto.participantNotification), id, cancellationOf(dto), ifMatch, dto.revision);
  }

  @Post(':id/reschedule')
  @HttpCode(200)
  @Documented({
    summary: 'Move a booking to another slot or session of the same class; a failure keeps the old one',
    answers: 'Booking',
    refuses: {
      'not-found': 'the session or location names nothing of this tenant',
      forbidden: 'a CUSTOMER overriding the policy',
      'slot-taken': 'the new slot, a resource or the seats are taken or held',
      'slot-locked': 'the seats are offered to someone on the waitlist',
      'capacity-exceeded': 'not enough open spots for the party',
      'policy-violation': 'past the reschedule window, or the new slot outside the booking window',
      'invalid-transition': 'a course, or a status that cannot move',
      'no-eligible-plan': 'paid with a plan: the new slot starts when its order has ended or is canceled',
    },
  })
  reschedule(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: RescheduleBookingDto, @Headers('if-match') ifMatch?: string) {
    return this.change(notifying(ctx, dto.participantNotification), id, rescheduleOf(dto), ifMatch, dto.revision);
  }

  @Post(':id/participants')
  @HttpCode(200)
  @Documented({
    summary: 'Change the party size of a class or course booking',
    answers: 'Booking',
    refuses: {
      'capacity-exceeded': 'not enough open spots for the larger party',
      'policy-violation': 'more participants than the policy allows',
      'invalid-transition': 'an appointment, or a status that cannot change',
      'no-eligible-plan': 'paid with a plan: its order has too few credits left for the larger party',
    },
  })
  participants(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: ParticipantsDto, @Headers('if-match') ifMatch?: string) {
    return this.change(notifying(ctx, dto.participantNotification), id, { kind: 'participants', partySize: dto.partySize }, ifMatch, dto.revision);
  }

  @Post(':id/attendance')
  @HttpCode(200)
  @Documented({ summary: 'Record attendance of a confirmed booking that has started', answers: 'Booking', refuses: { 'invalid-transition': 'not confirmed, or not started' } })
  attendance(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: AttendanceDto) {
    return this.change(ctx, id, { kind: 'attendance', status: dto.status, attendeeCount: dto.attendeeCount });
  }

  @Post(':id/payment')
  @HttpCode(200)
  @Documented({ summary: 'Record the payment status of a booking', answers: 'Booking', refuses: REFUSALS.notLive })
  payment(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: BookingPaymentDto) {
    return this.change(ctx, id, { kind: 'payment', paymentStatus: dto.paymentStatus, amountPaid: dto.amountPaid ?? null });
  }
}
