import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { newId } from '@kairos/core';
import { PLANS } from '@kairos/memberships';
import { FieldFilter } from '@kairos/read-store';
import { ReadQueryDto, expectedRevision, minPositionOf } from '../http/common.dto';
import { Documented, REFUSALS } from '../http/openapi/contract';
import { Ctx, RequestContext } from '../http/request-context';
import { GetDocument, ListDocuments, ReadModelRef } from '../queries/read-models';
import { ArchivePlan, CreatePlan, UpdatePlan } from './plans.commands';
import { ArchivePlanDto, CreatePlanDto, ListPlansDto, UpdatePlanDto, planFieldsOf, planPatchOf } from './plans.dto';

const PLAN_MODEL: ReadModelRef = { projection: 'memberships', collection: PLANS, noun: 'plan' };
const UNKNOWN_SERVICE = { 'not-found': 'benefit.serviceIds names a service that does not exist' };

@ApiTags('plans')
@Controller('v1/plans')
export class PlansController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Post()
  @Documented({ summary: 'Create a pricing plan: a subscription, a package or a membership', answers: 'Plan', refuses: { ...REFUSALS.takenId, ...UNKNOWN_SERVICE } })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreatePlanDto) {
    return this.commands.execute(new CreatePlan(ctx, dto.id ?? newId(), planFieldsOf(dto)));
  }

  @Get(':id')
  @Documented({ summary: 'A plan', answers: 'Plan' })
  get(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetDocument(ctx, PLAN_MODEL, id, minPositionOf(query, min)));
  }

  @Get()
  @Documented({ summary: 'Plans, filtered by pricing type, benefit kind, service or archived', answers: { pageOf: 'Plan' } })
  list(@Ctx() ctx: RequestContext, @Query() query: ListPlansDto, @Headers('kairos-min-position') min?: string) {
    const where: Record<string, FieldFilter> = {};
    if (query.pricingType) where._pricingType = query.pricingType;
    if (query.benefitKind) where._benefitKind = query.benefitKind;
    if (query.serviceId) where._serviceIds = { contains: query.serviceId };
    if (query.archived !== undefined) where._archived = query.archived;
    // Plans are archived, never deleted: includeDeleted has nothing to hide.
    return this.queries.execute(new ListDocuments(ctx, PLAN_MODEL, where, { ...query, includeDeleted: true }, minPositionOf(query, min)));
  }

  @Patch(':id')
  @Documented({ summary: "Change a plan's fields; orders already bought keep the plan as it was", answers: 'Plan', refuses: { ...UNKNOWN_SERVICE, ...REFUSALS.notLive } })
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: UpdatePlanDto, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new UpdatePlan(ctx, id, planPatchOf(dto), expectedRevision(ifMatch, dto.revision)));
  }

  @Post(':id/archive')
  @HttpCode(200)
  @Documented({ summary: 'Archive a plan: no new orders; existing orders go on', answers: 'Plan' })
  archive(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: ArchivePlanDto, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new ArchivePlan(ctx, id, expectedRevision(ifMatch, dto.revision)));
  }
}
