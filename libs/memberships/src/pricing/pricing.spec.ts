import { discountOf, priceSnapshotOf } from './pricing';

const eur = (amount: string) => ({ amount, currency: 'EUR' });
const percent = (percentOff: number) => ({ code: 'SAVE', discountType: 'PERCENT' as const, percentOff, amountOffMinor: null });
const fixed = (amountOffMinor: number) => ({ code: 'FLAT', discountType: 'FIXED' as const, percentOff: null, amountOffMinor });

describe('pricing', () => {
  it('rounds a percentage half up in integers', () => {
    expect(discountOf(percent(10), 2505)).toBe(251); // 250.5 → 251
    expect(discountOf(percent(10), 2504)).toBe(250); // 250.4 → 250
    expect(discountOf(percent(15), 1999)).toBe(300); // 299.85 → 300
    expect(discountOf(percent(33), 1)).toBe(0); // 0.33 → 0
    expect(discountOf(percent(100), 1999)).toBe(1999);
  });

  it('caps a fixed discount at the subtotal', () => {
    expect(discountOf(fixed(500), 2500)).toBe(500);
    expect(discountOf(fixed(5000), 2500)).toBe(2500);
  });

  it('has no snapshot for what has no price, or a stored price its currency cannot express', () => {
    expect(priceSnapshotOf({ rateType: 'NO_FEE', price: null, deposit: null, partySize: 1 })).toBeNull();
    expect(priceSnapshotOf({ rateType: 'FIXED', price: eur('25.505'), deposit: null, partySize: 1 })).toBeNull();
    expect(priceSnapshotOf({ rateType: 'FIXED', price: { amount: '25.00', currency: 'ABC' }, deposit: null, partySize: 1 })).toBeNull();
    expect(priceSnapshotOf({ rateType: 'FIXED', price: eur('25.00'), deposit: eur('1.001'), partySize: 1 })).toMatchObject({ totalMinor: 2500, depositMinor: null });
  });

  it('multiplies the rate by the party, takes the coupon off and keeps the deposit within the total', () => {
    expect(priceSnapshotOf({ rateType: 'FIXED', price: eur('25.00'), deposit: eur('10.00'), partySize: 3, coupon: percent(20) })).toEqual({
      currency: 'EUR',
      rateType: 'FIXED',
      unitAmountMinor: 2500,
      partySize: 3,
      subtotalMinor: 7500,
      depositMinor: 3000,
      couponCode: 'SAVE',
      discountMinor: 1500,
      planOrderId: null,
      coveredByPlanMinor: 0,
      totalMinor: 6000,
    });
    expect(priceSnapshotOf({ rateType: 'FIXED', price: eur('25.00'), deposit: eur('10.00'), partySize: 1, coupon: fixed(2000) })).toMatchObject({ totalMinor: 500, depositMinor: 500 });
  });

  it('leaves nothing to pay when a plan covers it', () => {
    expect(priceSnapshotOf({ rateType: 'FIXED', price: eur('25.00'), deposit: null, partySize: 2, plan: { planOrderId: 'po1' } })).toMatchObject({
      subtotalMinor: 5000,
      planOrderId: 'po1',
      coveredByPlanMinor: 5000,
      totalMinor: 0,
      discountMinor: 0,
    });
  });
});
