import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReadQueryDto, expectedRevision, minPositionOf } from '../http/common.dto';
import { Ctx, RequestContext } from '../http/request-context';
import { BookingChange } from '@kairos/bookings';
import {
  AttendanceDto,
  CancelBookingDto,
  CreateBookingDto,
  DeclineBookingDto,
  ListBookingsDto,
  ParticipantsDto,
  PaymentDto,
  RescheduleBookingDto,
  RevisionDto,
  bookingRequestOf,
  cancellationOf,
  rescheduleOf,
} from './bookings.dto';
import { GetBooking, ListBookings } from './bookings.queries';
import { ChangeBooking } from './change-booking';
import { CreateBooking } from './create-booking';

@ApiTags('bookings')
@Controller('v1/bookings')
export class BookingsController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Post()
  @ApiOperation({ summary: 'Book a slot (APPOINTMENT), a session (CLASS) or a schedule (COURSE); never double-books' })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateBookingDto) {
    return this.commands.execute(new CreateBooking(ctx, bookingRequestOf(dto)));
  }

  @Get(':id')
  get(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetBooking(ctx, id, minPositionOf(query, min)));
  }

  @Get()
  list(@Ctx() ctx: RequestContext, @Query() query: ListBookingsDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new ListBookings(ctx, query, minPositionOf(query, min)));
  }

  /** The If-Match header wins over a revision in the body. */
  private change(ctx: RequestContext, id: string, change: BookingChange, ifMatch?: string, revision?: number) {
    return this.commands.execute(new ChangeBooking(ctx, id, change, expectedRevision(ifMatch, revision)));
  }

  @Post(':id/confirm')
  @HttpCode(200)
  confirm(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: RevisionDto, @Headers('if-match') ifMatch?: string) {
    return this.change(ctx, id, { kind: 'confirm' }, ifMatch, dto.revision);
  }

  @Post(':id/decline')
  @HttpCode(200)
  decline(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: DeclineBookingDto, @Headers('if-match') ifMatch?: string) {
    return this.change(ctx, id, { kind: 'decline', reason: dto.reason ?? null }, ifMatch, dto.revision);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: CancelBookingDto, @Headers('if-match') ifMatch?: string) {
    return this.change(ctx, id, cancellationOf(dto), ifMatch, dto.revision);
  }

  @Post(':id/reschedule')
  @HttpCode(200)
  reschedule(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: RescheduleBookingDto, @Headers('if-match') ifMatch?: string) {
    return this.change(ctx, id, rescheduleOf(dto), ifMatch, dto.revision);
  }

  @Post(':id/participants')
  @HttpCode(200)
  participants(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: ParticipantsDto, @Headers('if-match') ifMatch?: string) {
    return this.change(ctx, id, { kind: 'participants', partySize: dto.partySize }, ifMatch, dto.revision);
  }

  @Post(':id/attendance')
  @HttpCode(200)
  attendance(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: AttendanceDto) {
    return this.change(ctx, id, { kind: 'attendance', status: dto.status, attendeeCount: dto.attendeeCount });
  }

  @Post(':id/payment')
  @HttpCode(200)
  payment(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: PaymentDto) {
    return this.change(ctx, id, { kind: 'payment', paymentStatus: dto.paymentStatus, amountPaid: dto.amountPaid ?? null });
  }
}
