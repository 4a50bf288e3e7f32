import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { newId } from '@kairos/core';
import { PLAN_ORDERS } from '@kairos/memberships';
import { FieldFilter } from '@kairos/read-store';
import { ListQueryDto, ReadQueryDto, minPositionOf } from '../http/common.dto';
import { Documented, REFUSALS } from '../http/openapi/contract';
import { Ctx, RequestContext } from '../http/request-context';
import { GetDocument, ListDocuments, ReadModelRef } from '../queries/read-models';
import { ChangePlanOrder, PurchasePlan } from './plan-orders.commands';
import { CancelPlanOrderDto, ListPlanOrdersDto, PlanOrderPaymentDto, PurchasePlanDto, ReasonDto } from './plan-orders.dto';
import { GetPlanOrderLedger } from './plan-orders.queries';

const PLAN_ORDER_MODEL: ReadModelRef = { projection: 'memberships', collection: PLAN_ORDERS, noun: 'plan order' };

@ApiTags('plan-orders')
@Controller('v1/plan-orders')
export class PlanOrdersController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Post()
  @Documented({
    summary: 'Buy a plan for a contact: PENDING until paid, ACTIVE at once when free or in a free trial',
    answers: 'PlanOrder',
    refuses: { ...REFUSALS.takenId, 'not-found': 'planId names no plan of this tenant', 'invalid-transition': 'the plan is archived' },
  })
  purchase(@Ctx() ctx: RequestContext, @Body() dto: PurchasePlanDto) {
    const startsAt = dto.startsAt === undefined ? {} : { startsAt: new Date(dto.startsAt).toISOString() };
    return this.commands.execute(new PurchasePlan(ctx, dto.id ?? newId(), { planId: dto.planId, contactId: dto.contactId, couponCode: dto.couponCode, ...startsAt }));
  }

  @Get(':id')
  @Documented({ summary: 'A plan order with its cycle and credit balance', answers: 'PlanOrder' })
  get(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetDocument(ctx, PLAN_ORDER_MODEL, id, minPositionOf(query, min)));
  }

  @Get()
  @Documented({ summary: "Plan orders with their balances, filtered by contact, plan or status", answers: { pageOf: 'PlanOrder' } })
  list(@Ctx() ctx: RequestContext, @Query() query: ListPlanOrdersDto, @Headers('kairos-min-position') min?: string) {
    const where: Record<string, FieldFilter> = {};
    if (query.contactId) where.contactId = query.contactId;
    if (query.planId) where.planId = query.planId;
    if (query.status) where.status = query.status;
    // Orders end or are canceled, never deleted: includeDeleted has nothing to hide.
    return this.queries.execute(new ListDocuments(ctx, PLAN_ORDER_MODEL, where, { ...query, includeDeleted: true }, minPositionOf(query, min)));
  }

  @Get(':id/ledger')
  @Documented({ summary: "An order's credit movements in order: grants, expiries, and each booking's redemptions and restorations", answers: { pageOf: 'PlanOrderLedgerEntry' } })
  ledger(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ListQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetPlanOrderLedger(ctx, id, query, minPositionOf(query, min)));
  }

  @Post(':id/pause')
  @HttpCode(200)
  @Documented({ summary: 'Pause an ACTIVE order: its time stands still until resumed', answers: 'PlanOrder', refuses: { 'invalid-transition': 'it is not ACTIVE' } })
  pause(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: ReasonDto) {
    return this.commands.execute(new ChangePlanOrder(ctx, id, { type: 'PauseOrder', actor: ctx.actor.type, reason: dto.reason ?? null }));
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Documented({ summary: 'Resume a PAUSED order; its end and its cycle move later by the paused time', answers: 'PlanOrder', refuses: { 'invalid-transition': 'it is not PAUSED' } })
  resume(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: ReasonDto) {
    return this.commands.execute(new ChangePlanOrder(ctx, id, { type: 'ResumeOrder', actor: ctx.actor.type, reason: dto.reason ?? null }));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Documented({ summary: 'Cancel an order now, or when its running cycle ends', answers: 'PlanOrder', refuses: { 'invalid-transition': 'it is already ENDED or CANCELED' } })
  cancel(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: CancelPlanOrderDto) {
    return this.commands.execute(new ChangePlanOrder(ctx, id, { type: 'CancelOrder', effective: dto.effective, actor: ctx.actor.type, reason: dto.reason ?? null }));
  }

  @Post(':id/payment')
  @HttpCode(200)
  @Documented({ summary: "Record the order's payment as the payment provider reports it; PAID starts a PENDING order", answers: 'PlanOrder', refuses: { validation: 'the order is free (EXEMPT)' } })
  payment(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: PlanOrderPaymentDto) {
    return this.commands.execute(new ChangePlanOrder(ctx, id, { type: 'UpdatePayment', paymentStatus: dto.paymentStatus, amountPaid: dto.amountPaid, actor: ctx.actor.type }));
  }
}
