import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { SLOT_HOLDS } from '@kairos/bookings';
import { ReadQueryDto, minPositionOf } from '../http/common.dto';
import { Ctx, RequestContext } from '../http/request-context';
import { GetDocument } from '../queries/read-models';
import { HoldSlotDto, slotHoldRequestOf } from './bookings.dto';
import { EndSlotHold, HoldSlot } from './slot-holds';
import { Documented, REFUSALS } from '../http/openapi/contract';

@ApiTags('slot-holds')
@Controller('v1/slot-holds')
export class SlotHoldsController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Post()
  @Documented({
    summary: 'Hold a slot for a checkout (default 10 minutes); others cannot book it meanwhile',
    answers: 'SlotHold',
    refuses: {
      ...REFUSALS.takenId,
      'not-found': 'the service, session or contact names nothing of this tenant',
      'slot-taken': 'the slot, a resource or the seats are taken or held',
      'slot-locked': 'the seats are offered to someone on the waitlist',
      'capacity-exceeded': 'not enough open spots for the party',
      'policy-violation': 'outside the booking window or over the party size the policy allows',
    },
  })
  hold(@Ctx() ctx: RequestContext, @Body() dto: HoldSlotDto) {
    return this.commands.execute(new HoldSlot(ctx, slotHoldRequestOf(dto)));
  }

  @Get(':id')
  @Documented({ summary: 'A slot hold', answers: 'SlotHold' })
  get(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetDocument(ctx, { projection: 'bookings', collection: SLOT_HOLDS, noun: 'slot hold' }, id, minPositionOf(query, min)));
  }

  @Delete(':id')
  @HttpCode(200)
  @Documented({ summary: 'Release a slot hold before it expires', answers: 'SlotHold', refuses: { 'invalid-transition': 'it was booked, released or has expired' } })
  release(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    return this.commands.execute(new EndSlotHold(ctx, id, 'release'));
  }
}
