import { Decider, DomainError, DomainEvent } from '@kairos/core';

/** Internal: a tenant's code taken by one coupon. Not published; it only guards uniqueness and finds a coupon by its code. */
export type CouponCodeEvent = DomainEvent<'coupon-code.claimed', { code: string; couponId: string }>;
export type CouponCodeCommand = { type: 'ClaimCouponCode'; code: string; couponId: string };
export type CouponCodeState = { couponId: string | null };

export const couponCodeDecider: Decider<CouponCodeCommand, CouponCodeState, CouponCodeEvent> = {
  initialState: () => ({ couponId: null }),
  evolve: (_state, event) => ({ couponId: event.data.couponId }),
  decide(command, state) {
    if (state.couponId === command.couponId) return [];
    if (state.couponId !== null) throw new DomainError('already-exists', `coupon code ${command.code} is taken`, [{ field: 'code', reason: 'taken' }]);
    return [{ type: 'coupon-code.claimed', data: { code: command.code, couponId: command.couponId } }];
  },
};
