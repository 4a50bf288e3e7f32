import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { newId } from '@kairos/core';
import { COUPONS, COUPON_USES } from '@kairos/memberships';
import { QueryByPost } from '../http/admission';
import { ListQueryDto, ReadQueryDto, expectedRevision, minPositionOf } from '../http/common.dto';
import { Documented, REFUSALS } from '../http/openapi/contract';
import { Ctx, RequestContext } from '../http/request-context';
import { GetDocument, ListDocuments, ReadModelRef } from '../queries/read-models';
import { DecideCoupon } from './coupons.commands';
import { CreateCouponDto, UpdateCouponDto, couponFieldsOf, couponPatchOf } from './coupons.dto';
import { ValidateCouponDto, pricedOfferOf } from './prices.dto';
import { ValidateCoupon } from './prices.queries';

const COUPON_MODEL: ReadModelRef = { projection: 'coupons', collection: COUPONS, noun: 'coupon' };
const USE_MODEL: ReadModelRef = { projection: 'coupons', collection: COUPON_USES, noun: 'coupon use' };

const INVALID_COUPON = 'the code names no coupon, or the coupon is archived, not yet valid, expired, used up (overall or by this contact), not for this service or the service has no price (`errors[0].reason` says which)';

@ApiTags('coupons')
@Controller('v1/coupons')
export class CouponsController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Post()
  @Documented({ summary: 'Create a coupon; its code is unique per tenant whatever its case', answers: 'Coupon', refuses: { 'already-exists': 'the id or the code (in any case) is taken' } })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateCouponDto) {
    const id = dto.id ?? newId();
    return this.commands.execute(new DecideCoupon(ctx, id, { type: 'CreateCoupon', id, fields: couponFieldsOf(dto) }));
  }

  @Post('validate')
  @QueryByPost()
  @HttpCode(200)
  @Documented({
    summary: 'The discount a coupon gives on a service for a party (a query; uses nothing)',
    answers: 'CouponValidation',
    refuses: { 'coupon-invalid': INVALID_COUPON, 'not-found': 'the service does not exist' },
    unpositioned: true,
  })
  validate(@Ctx() ctx: RequestContext, @Body() dto: ValidateCouponDto) {
    return this.queries.execute(new ValidateCoupon(ctx, { ...pricedOfferOf(dto, dto.code), couponCode: dto.code }));
  }

  @Get(':id')
  @Documented({ summary: 'A coupon, with its active uses', answers: 'Coupon' })
  get(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetDocument(ctx, COUPON_MODEL, id, minPositionOf(query, min)));
  }

  @Get()
  @Documented({ summary: 'Coupons, archived or not', answers: { pageOf: 'Coupon' } })
  list(@Ctx() ctx: RequestContext, @Query() query: ListQueryDto, @Headers('kairos-min-position') min?: string) {
    // Coupons are archived, never deleted: includeDeleted has nothing to hide.
    return this.queries.execute(new ListDocuments(ctx, COUPON_MODEL, {}, { ...query, includeDeleted: true }, minPositionOf(query, min)));
  }

  @Get(':id/usage')
  @Documented({ summary: "A coupon's uses, each with its booking or plan order and contact, active or released", answers: { pageOf: 'CouponUse' } })
  usage(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ListQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new ListDocuments(ctx, USE_MODEL, { couponId: id }, { ...query, includeDeleted: true }, minPositionOf(query, min)));
  }

  @Patch(':id')
  @Documented({ summary: "Change a coupon's terms (not its code); uses already made keep their discount", answers: 'Coupon', refuses: REFUSALS.notLive })
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: UpdateCouponDto, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new DecideCoupon(ctx, id, { type: 'UpdateCoupon', patch: couponPatchOf(dto), expectedRevision: expectedRevision(ifMatch, dto.revision) }));
  }

  @Post(':id/archive')
  @HttpCode(200)
  @Documented({ summary: 'Archive a coupon: no new uses; uses already made stand and can still be released', answers: 'Coupon', refuses: REFUSALS.notLive })
  archive(@Ctx() ctx: RequestContext, @Param('id') id: string, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new DecideCoupon(ctx, id, { type: 'ArchiveCoupon', expectedRevision: expectedRevision(ifMatch, undefined) }));
  }
}
