import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SLOT_HOLDS } from '@kairos/bookings';
import { ReadQueryDto, minPositionOf } from '../http/common.dto';
import { Ctx, RequestContext } from '../http/request-context';
import { GetDocument } from '../queries/read-models';
import { HoldSlotDto, slotHoldRequestOf } from './bookings.dto';
import { EndSlotHold, HoldSlot } from './slot-holds';

@ApiTags('slot-holds')
@Controller('v1/slot-holds')
export class SlotHoldsController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Post()
  @ApiOperation({ summary: 'Hold a slot for a checkout (default 10 minutes); others cannot book it meanwhile' })
  hold(@Ctx() ctx: RequestContext, @Body() dto: HoldSlotDto) {
    return this.commands.execute(new HoldSlot(ctx, slotHoldRequestOf(dto)));
  }

  @Get(':id')
  get(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetDocument(ctx, { projection: 'bookings', collection: SLOT_HOLDS, noun: 'slot hold' }, id, minPositionOf(query, min)));
  }

  @Delete(':id')
  @HttpCode(200)
  release(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    return this.commands.execute(new EndSlotHold(ctx, id, 'release'));
  }
}
