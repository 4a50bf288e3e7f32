import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReadQueryDto, expectedRevision, minPositionOf } from '../http/common.dto';
import { Ctx, RequestContext } from '../http/request-context';
import { CreateBooking } from './bookings.commands';
import { AttendanceDto, CancelBookingDto, CreateBookingDto, DeclineBookingDto, ListBookingsDto, ParticipantsDto, PaymentDto, RescheduleBookingDto, RevisionDto } from './bookings.dto';
import { GetBooking, ListBookings } from './bookings.queries';
import { ChangeBooking, LifecycleAction } from './lifecycle.commands';

@ApiTags('bookings')
@Controller('v1/bookings')
export class BookingsController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Post()
  @ApiOperation({ summary: 'Book a slot (APPOINTMENT), a session (CLASS) or a schedule (COURSE); never double-books' })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateBookingDto) {
    return this.commands.execute(new CreateBooking(ctx, dto));
  }

  @Get(':id')
  get(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetBooking(ctx, id, minPositionOf(query, min)));
  }

  @Get()
  list(@Ctx() ctx: RequestContext, @Query() query: ListBookingsDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new ListBookings(ctx, query, minPositionOf(query, min)));
  }

  private change(ctx: RequestContext, id: string, action: LifecycleAction, ifMatch?: string) {
    return this.commands.execute(new ChangeBooking(ctx, id, action, expectedRevision(ifMatch, undefined)));
  }

  @Post(':id/confirm')
  @HttpCode(200)
  confirm(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: RevisionDto, @Headers('if-match') ifMatch?: string) {
    return this.change(ctx, id, { kind: 'confirm', revision: dto.revision }, ifMatch);
  }

  @Post(':id/decline')
  @HttpCode(200)
  decline(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: DeclineBookingDto, @Headers('if-match') ifMatch?: string) {
    return this.change(ctx, id, { kind: 'decline', dto }, ifMatch);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: CancelBookingDto, @Headers('if-match') ifMatch?: string) {
    return this.change(ctx, id, { kind: 'cancel', dto }, ifMatch);
  }

  @Post(':id/reschedule')
  @HttpCode(200)
  reschedule(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: RescheduleBookingDto, @Headers('if-match') ifMatch?: string) {
    return this.change(ctx, id, { kind: 'reschedule', dto }, ifMatch);
  }

  @Post(':id/participants')
  @HttpCode(200)
  participants(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: ParticipantsDto, @Headers('if-match') ifMatch?: string) {
    return this.change(ctx, id, { kind: 'participants', dto }, ifMatch);
  }

  @Post(':id/attendance')
  @HttpCode(200)
  attendance(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: AttendanceDto) {
    return this.change(ctx, id, { kind: 'attendance', dto });
  }

  @Post(':id/payment')
  @HttpCode(200)
  payment(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: PaymentDto) {
    return this.change(ctx, id, { kind: 'payment', dto });
  }
}
