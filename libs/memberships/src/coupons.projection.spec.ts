import { MemoryReadModels, enveloped } from '@kairos/core';
import { CouponEvent, couponDecider } from './coupon/coupon';
import { COUPONS, COUPON_USES, couponsProjection } from './coupons.projection';

const now = new Date('2026-03-01T10:00:00.000Z');
const at = now.toISOString();
const inTenant = enveloped({ tenant: 't1', actor: { type: 'BUSINESS' }, occurredAt: at });
const project = (...events: CouponEvent[]) => new MemoryReadModels().project(couponsProjection, events.map(inTenant));

const [created] = couponDecider.decide(
  {
    type: 'CreateCoupon',
    id: 'cp1',
    fields: { code: 'Spring10', name: 'Spring', discountType: 'PERCENT', percentOff: 10, amountOffMinor: null, validFrom: null, validUntil: null, usageLimit: 2, perContactLimit: null, serviceIds: [], planIds: [] },
  },
  { status: 'none' },
  { now },
);
const redeemed = (bookingId: string): CouponEvent => ({ type: 'coupon.redeemed', data: { id: 'cp1', code: 'Spring10', bookingId, planOrderId: null, contactId: 'c1', discountMinor: 250, currency: 'EUR', at } });
const released = (bookingId: string): CouponEvent => ({ type: 'coupon.released', data: { id: 'cp1', bookingId, planOrderId: null, contactId: 'c1', at: '2026-03-02T10:00:00.000Z' } });

describe('coupons projection', () => {
  it('keeps a coupon with its active uses counted, through redemptions and releases', () => {
    const models = project(created, redeemed('b1'), redeemed('b2'), released('b1'));
    expect(models.get(COUPONS, 't1', 'cp1')).toEqual({ ...created.data, uses: 1, revision: 4, updatedAt: '2026-03-02T10:00:00.000Z' });
  });

  it('keeps each use with its booking and contact, marked released once released', () => {
    const models = project(created, redeemed('b1'), redeemed('b2'), released('b1'));
    expect(models.all(COUPON_USES, 't1')).toEqual([
      { id: 'cp1|b1', couponId: 'cp1', code: 'Spring10', bookingId: 'b1', planOrderId: null, contactId: 'c1', discountMinor: 250, currency: 'EUR', status: 'RELEASED', redeemedAt: at, releasedAt: '2026-03-02T10:00:00.000Z' },
      { id: 'cp1|b2', couponId: 'cp1', code: 'Spring10', bookingId: 'b2', planOrderId: null, contactId: 'c1', discountMinor: 250, currency: 'EUR', status: 'ACTIVE', redeemedAt: at, releasedAt: null },
    ]);
  });

  it('applies updates and archiving to the coupon', () => {
    const updated: CouponEvent = { type: 'coupon.updated', data: { id: 'cp1', changes: { usageLimit: 5 }, previous: { usageLimit: 2 }, updatedAt: at } };
    const archived: CouponEvent = { type: 'coupon.archived', data: { id: 'cp1', archivedAt: '2026-03-03T00:00:00.000Z' } };
    expect(project(created, updated, archived).get(COUPONS, 't1', 'cp1')).toMatchObject({ usageLimit: 5, archivedAt: '2026-03-03T00:00:00.000Z', revision: 3 });
  });

  it('writes no coupon it never saw created', () => {
    expect(project(redeemed('b1')).all(COUPONS, 't1')).toEqual([]);
  });
});
