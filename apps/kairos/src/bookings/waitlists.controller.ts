import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { WAITLISTS, WAITLIST_ENTRIES } from '@kairos/bookings';
import { ReadQueryDto, minPositionOf } from '../http/common.dto';
import { Ctx, RequestContext } from '../http/request-context';
import { GetDocument } from '../queries/read-models';
import { JoinWaitlistDto } from './bookings.dto';
import { AcceptWaitlistOffer, EndWaitlistEntry, JoinWaitlist } from './waitlists';

@ApiTags('waitlist')
@Controller('v1')
export class WaitlistController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Post('sessions/:sessionId/waitlist')
  join(@Ctx() ctx: RequestContext, @Param('sessionId') sessionId: string, @Body() dto: JoinWaitlistDto) {
    return this.commands.execute(new JoinWaitlist(ctx, sessionId, dto.contactId, dto.partySize ?? 1));
  }

  @Get('sessions/:sessionId/waitlist')
  list(@Ctx() ctx: RequestContext, @Param('sessionId') sessionId: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetDocument(ctx, { projection: 'bookings', collection: WAITLISTS, noun: 'waitlist' }, sessionId, minPositionOf(query, min)));
  }

  /** Where a join's Location points: one entry, as it stands. */
  @Get('waitlist/:entryId')
  entry(@Ctx() ctx: RequestContext, @Param('entryId') entryId: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetDocument(ctx, { projection: 'bookings', collection: WAITLIST_ENTRIES, noun: 'waitlist entry' }, entryId, minPositionOf(query, min)));
  }

  @Post('waitlist/:entryId/accept')
  @HttpCode(201)
  accept(@Ctx() ctx: RequestContext, @Param('entryId') entryId: string) {
    return this.commands.execute(new AcceptWaitlistOffer(ctx, entryId));
  }

  @Delete('waitlist/:entryId')
  @HttpCode(200)
  leave(@Ctx() ctx: RequestContext, @Param('entryId') entryId: string) {
    return this.commands.execute(new EndWaitlistEntry(ctx, entryId, 'leave'));
  }
}
