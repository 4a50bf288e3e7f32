import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { WAITLISTS, WAITLIST_ENTRIES } from '@kairos/bookings';
import { ReadQueryDto, minPositionOf } from '../http/common.dto';
import { Ctx, RequestContext } from '../http/request-context';
import { GetDocument } from '../queries/read-models';
import { JoinWaitlistDto } from './bookings.dto';
import { AcceptWaitlistOffer, EndWaitlistEntry, JoinWaitlist } from './waitlists';
import { Documented, REFUSALS } from '../http/openapi/contract';

@ApiTags('waitlist')
@Controller('v1')
export class WaitlistController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Post('sessions/:sessionId/waitlist')
  @Documented({
    summary: "Join a full class session's waitlist",
    answers: 'WaitlistEntry',
    refuses: { 'not-found': 'the contact names nothing of this tenant', 'waitlist-unavailable': 'the policy has no waitlist, it is full, or the session has open spots' },
  })
  join(@Ctx() ctx: RequestContext, @Param('sessionId') sessionId: string, @Body() dto: JoinWaitlistDto) {
    return this.commands.execute(new JoinWaitlist(ctx, sessionId, dto.contactId, dto.partySize ?? 1));
  }

  @Get('sessions/:sessionId/waitlist')
  @Documented({ summary: "A session's waitlist, in join order", answers: 'Waitlist' })
  list(@Ctx() ctx: RequestContext, @Param('sessionId') sessionId: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetDocument(ctx, { projection: 'bookings', collection: WAITLISTS, noun: 'waitlist' }, sessionId, minPositionOf(query, min)));
  }

  /** Where a join's Location points: one entry, as it stands. */
  @Get('waitlist/:entryId')
  @Documented({ summary: 'One waitlist entry, as it stands', answers: 'WaitlistEntry' })
  entry(@Ctx() ctx: RequestContext, @Param('entryId') entryId: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetDocument(ctx, { projection: 'bookings', collection: WAITLIST_ENTRIES, noun: 'waitlist entry' }, entryId, minPositionOf(query, min)));
  }

  @Post('waitlist/:entryId/accept')
  @HttpCode(201)
  @Documented({
    summary: 'Accept a waitlist offer: books the seats offered',
    answers: 'Booking',
    refuses: { forbidden: 'the offer is for another contact', 'offer-expired': 'after offerExpiresAt', ...REFUSALS.notLive },
  })
  accept(@Ctx() ctx: RequestContext, @Param('entryId') entryId: string) {
    return this.commands.execute(new AcceptWaitlistOffer(ctx, entryId));
  }

  @Delete('waitlist/:entryId')
  @HttpCode(200)
  @Documented({ summary: 'Leave a waitlist; a seat offered to the entry goes to the next in line', answers: 'WaitlistEntry', refuses: REFUSALS.notLive })
  leave(@Ctx() ctx: RequestContext, @Param('entryId') entryId: string) {
    return this.commands.execute(new EndWaitlistEntry(ctx, entryId, 'leave'));
  }
}
