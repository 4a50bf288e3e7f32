import { EventCatalog } from '@kairos/core';
import { planEvents } from './plan/plan.events';
import { planOrderEvents } from './plan-order/plan-order.events';

/** What the memberships capability publishes: plans and plan orders. */
export const membershipsEvents: EventCatalog = { capability: 'memberships', events: [...planEvents, ...planOrderEvents] };
