import { Module } from '@nestjs/common';
import { COUPON_HANDLERS } from './coupons.commands';
import { CreditRedemption } from './credit-redemption';
import { CouponsController } from './coupons.controller';
import { PricesController } from './prices.controller';
import { PRICE_QUERY_HANDLERS } from './prices.queries';

@Module({ controllers: [CouponsController, PricesController], providers: [CreditRedemption, ...COUPON_HANDLERS, ...PRICE_QUERY_HANDLERS] })
export class CouponsModule {}
