import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { QueryByPost } from '../http/admission';
import { Documented } from '../http/openapi/contract';
import { Ctx, RequestContext } from '../http/request-context';
import { PricePreviewDto, pricedOfferOf } from './prices.dto';
import { PreviewPrice } from './prices.queries';

@ApiTags('prices')
@Controller('v1/prices')
export class PricesController {
  constructor(private readonly queries: QueryBus) {}

  @Post('preview')
  @QueryByPost()
  @HttpCode(200)
  @Documented({
    summary: 'What a booking of a service would cost a party, with a coupon taken off (a query; uses nothing)',
    answers: 'PriceSnapshot',
    refuses: {
      'coupon-invalid': 'the coupon may not be used here (`errors[0].reason` says why)',
      'not-found': 'the service does not exist',
      validation: 'the service has no price',
    },
    unpositioned: true,
  })
  preview(@Ctx() ctx: RequestContext, @Body() dto: PricePreviewDto) {
    return this.queries.execute(new PreviewPrice(ctx, pricedOfferOf(dto, dto.couponCode ?? null)));
  }
}
