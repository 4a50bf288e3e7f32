export * from './plan/plan.events';
export * from './plan-order/plan-order.events';
export * from './memberships.events';
export * from './plan/plan';
export * from './plan-order/plan-order';
export * from './streams';
export * from './memberships.projection';
export * from './capability';
