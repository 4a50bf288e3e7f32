import { Body, Controller, Headers, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { QueryByPost } from '../http/admission';
import { ReadQueryDto, minPositionOf } from '../http/common.dto';
import { Ctx, RequestContext } from '../http/request-context';
import { CLOCK, Clock } from '../infrastructure/tokens';
import { AvailabilityQueryDto } from './availability.dto';
import { QueryAvailability } from './availability.query';
import { Documented } from '../http/openapi/contract';

@ApiTags('availability')
@Controller('v1/availability')
export class AvailabilityController {
  constructor(private readonly queries: QueryBus, @Inject(CLOCK) private readonly now: Clock) {}

  @Post('query')
  @QueryByPost()
  @HttpCode(200)
  @Documented({
    summary: 'Slots of a service in [from, to), by start (a query: changes nothing); minPosition in the body, as a parameter or as Kairos-Min-Position',
    answers: { pageOf: 'Slot' },
    refuses: { 'not-found': 'serviceId, a resourceIds entry or locationId names nothing of this tenant' },
  })
  query(@Ctx() ctx: RequestContext, @Body() dto: AvailabilityQueryDto, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new QueryAvailability(ctx, dto, this.now(), dto.minPosition ?? minPositionOf(query, min)));
  }
}
