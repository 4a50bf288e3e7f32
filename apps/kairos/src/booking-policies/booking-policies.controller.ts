import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { newId } from '@kairos/core';
import { BOOKING_POLICIES } from '@kairos/services';
import { QueryByPost } from '../http/admission';
import { ListQueryDto, ReadQueryDto, expectedRevision, minPositionOf } from '../http/common.dto';
import { Ctx, RequestContext } from '../http/request-context';
import { GetDocument, ListDocuments, ReadModelRef } from '../queries/read-models';
import { CreateBookingPolicy, DeleteBookingPolicy, GetStrictestPolicy, SetDefaultBookingPolicy, UpdateBookingPolicy } from './booking-policies.commands';
import { CreateBookingPolicyDto, StrictestPolicyDto, UpdateBookingPolicyDto, bookingPolicyOf, bookingPolicyPatchOf } from './booking-policies.dto';
import { Documented, REFUSALS } from '../http/openapi/contract';

const POLICY_MODEL: ReadModelRef = { projection: 'services', collection: BOOKING_POLICIES, noun: 'booking policy' };

@ApiTags('booking-policies')
@Controller('v1/booking-policies')
export class BookingPoliciesController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Post()
  @Documented({ summary: 'Create a booking policy', answers: 'BookingPolicy', refuses: REFUSALS.takenId })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateBookingPolicyDto) {
    const { id, fields, isDefault } = bookingPolicyOf(dto);
    return this.commands.execute(new CreateBookingPolicy(ctx, id ?? newId(), fields, isDefault));
  }

  @Post('strictest')
  @QueryByPost()
  @HttpCode(200)
  @Documented({
    summary: 'The strictest combination of several policies (a query; changes nothing)',
    answers: 'BookingPolicyFields',
    refuses: { 'not-found': 'a policyIds entry names no live policy' },
    unpositioned: true,
  })
  strictest(@Ctx() ctx: RequestContext, @Body() dto: StrictestPolicyDto) {
    return this.queries.execute(new GetStrictestPolicy(ctx, dto.policyIds));
  }

  @Get(':id')
  @Documented({ summary: 'A booking policy', answers: 'BookingPolicy' })
  get(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetDocument(ctx, POLICY_MODEL, id, minPositionOf(query, min)));
  }

  @Get()
  @Documented({ summary: 'Booking policies', answers: { pageOf: 'BookingPolicy' } })
  list(@Ctx() ctx: RequestContext, @Query() query: ListQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new ListDocuments(ctx, POLICY_MODEL, {}, query, minPositionOf(query, min)));
  }

  @Patch(':id')
  @Documented({ summary: "Change a booking policy's rules", answers: 'BookingPolicy', refuses: REFUSALS.notLive })
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: UpdateBookingPolicyDto, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new UpdateBookingPolicy(ctx, id, bookingPolicyPatchOf(dto), expectedRevision(ifMatch, dto.revision)));
  }

  @Post(':id/set-default')
  @HttpCode(200)
  @Documented({ summary: "Make a policy the tenant's default", answers: 'BookingPolicy', refuses: REFUSALS.notLive })
  setDefault(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    return this.commands.execute(new SetDefaultBookingPolicy(ctx, id));
  }

  @Delete(':id')
  @HttpCode(200)
  @Documented({ summary: 'Soft-delete; the default policy cannot be deleted (422)', answers: 'BookingPolicy', refuses: { 'invalid-transition': 'it is the default, or already deleted' } })
  delete(@Ctx() ctx: RequestContext, @Param('id') id: string, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new DeleteBookingPolicy(ctx, id, expectedRevision(ifMatch, undefined)));
  }
}
