export * from './pricing/money';
export * from './pricing/pricing';
export * from './coupon/coupon.events';
export * from './coupon/coupon';
export * from './coupon/coupon-code';
export * from './coupons.projection';
export * from './memberships.events';
export * from './capability';
