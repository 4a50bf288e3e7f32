import { Module } from '@nestjs/common';
import { PlanOrdersController } from './plan-orders.controller';
import { PLAN_ORDER_COMMAND_HANDLERS } from './plan-orders.commands';
import { GetPlanOrderLedgerHandler } from './plan-orders.queries';
import { PlansController } from './plans.controller';
import { PLAN_COMMAND_HANDLERS } from './plans.commands';

@Module({ controllers: [PlansController, PlanOrdersController], providers: [...PLAN_COMMAND_HANDLERS, ...PLAN_ORDER_COMMAND_HANDLERS, GetPlanOrderLedgerHandler] })
export class MembershipsModule {}
