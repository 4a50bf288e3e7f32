import { EventCatalog } from '@kairos/core';
import { couponEvents } from './coupon/coupon.events';
import { planEvents } from './plan/plan.events';
import { planOrderEvents } from './plan-order/plan-order.events';

/** What the memberships capability publishes: plans, plan orders and coupons. Coupon code claims stay internal. */
export const membershipsEvents: EventCatalog = { capability: 'memberships', events: [...planEvents, ...planOrderEvents, ...couponEvents] };
