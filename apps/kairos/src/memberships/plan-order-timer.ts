import { PLAN_ORDER_TIMERS, PlanOrderTimer } from '@kairos/memberships';
import { timerSource } from '../infrastructure/timers';
import { ChangePlanOrder } from './plan-orders.commands';

/** Plan orders start cycles, end and take a scheduled cancel by the durable timer. */
export const MEMBERSHIP_TIMERS = [timerSource<PlanOrderTimer>({ collection: PLAN_ORDER_TIMERS, commandFor: (timer, ctx) => new ChangePlanOrder(ctx, timer.orderId, { type: 'Tick' }) })];
