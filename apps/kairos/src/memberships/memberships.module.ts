import { Module } from '@nestjs/common';
import { COUPON_HANDLERS } from './coupons.commands';
import { CouponsController } from './coupons.controller';
import { CreditRedemption } from './credit-redemption';
import { PlanOrdersController } from './plan-orders.controller';
import { PLAN_ORDER_COMMAND_HANDLERS } from './plan-orders.commands';
import { GetPlanOrderLedgerHandler } from './plan-orders.queries';
import { PlansController } from './plans.controller';
import { PLAN_COMMAND_HANDLERS } from './plans.commands';
import { PricesController } from './prices.controller';
import { PRICE_QUERY_HANDLERS } from './prices.queries';

@Module({
  controllers: [PlansController, PlanOrdersController, CouponsController, PricesController],
  providers: [CreditRedemption, ...PLAN_COMMAND_HANDLERS, ...PLAN_ORDER_COMMAND_HANDLERS, GetPlanOrderLedgerHandler, ...COUPON_HANDLERS, ...PRICE_QUERY_HANDLERS],
})
export class MembershipsModule {}
