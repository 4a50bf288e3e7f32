import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../http/request-context';
import { CLOCK, Clock } from '../infrastructure/tokens';
import { AvailabilityQueryDto } from './availability.dto';
import { QueryAvailability } from './availability.query';

@ApiTags('availability')
@Controller('v1/availability')
export class AvailabilityController {
  constructor(private readonly queries: QueryBus, @Inject(CLOCK) private readonly now: Clock) {}

  @Post('query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Slots of a service in [from, to), by start (a query: changes nothing)' })
  query(@Ctx() ctx: RequestContext, @Body() dto: AvailabilityQueryDto) {
    return this.queries.execute(new QueryAvailability(ctx, dto, this.now()));
  }
}
