import { given } from '@kairos/testing';
import { CouponCommand, CouponEvent, CouponFields, CouponUseRequest, couponDecider } from './coupon';
import { couponCodeDecider } from './coupon-code';

const now = new Date('2026-03-01T10:00:00.000Z');
const T = now.toISOString();
const later = new Date('2026-03-02T10:00:00.000Z');
const context = { now };

const fields = (overrides: Partial<CouponFields> = {}): CouponFields => ({
  code: 'Spring10',
  name: 'Spring',
  discountType: 'PERCENT',
  percentOff: 10,
  amountOffMinor: null,
  validFrom: null,
  validUntil: null,
  usageLimit: null,
  perContactLimit: null,
  serviceIds: [],
  planIds: [],
  ...overrides,
});
const created = (overrides: Partial<CouponFields> = {}): CouponEvent[] => couponDecider.decide({ type: 'CreateCoupon', id: 'cp1', fields: fields(overrides) }, { status: 'none' }, context);

const use = (bookingId: string, overrides: Partial<CouponUseRequest> = {}): CouponCommand => ({
  type: 'UseCoupon',
  bookingId,
  planOrderId: null,
  contactId: 'c1',
  serviceId: 's1',
  planId: null,
  price: { subtotalMinor: 2505, currency: 'EUR' },
  ...overrides,
});
type Redeemed = Extract<CouponEvent, { type: 'coupon.redeemed' }>;
const redeemed = (bookingId: string, contactId = 'c1', discountMinor = 251): Redeemed => ({
  type: 'coupon.redeemed',
  data: { id: 'cp1', code: 'Spring10', bookingId, planOrderId: null, contactId, discountMinor, currency: 'EUR', at: T },
});
const released = (bookingId: string, contactId = 'c1'): CouponEvent => ({ type: 'coupon.released', data: { id: 'cp1', bookingId, planOrderId: null, contactId, at: T } });
const archived: CouponEvent = { type: 'coupon.archived', data: { id: 'cp1', archivedAt: T } };

describe('coupon decider', () => {
  describe('CreateCoupon', () => {
    it('creates a coupon with no uses at revision 1', () => {
      given(couponDecider, []).when({ type: 'CreateCoupon', id: 'cp1', fields: fields() }, context).then([
        { type: 'coupon.created', data: { id: 'cp1', revision: 1, createdAt: T, updatedAt: T, ...fields(), uses: 0, archivedAt: null } },
      ]);
    });

    it('refuses to create a coupon twice', () => {
      given(couponDecider, created()).when({ type: 'CreateCoupon', id: 'cp1', fields: fields() }, context).thenThrows('already-exists');
    });

    it('needs the discount its type takes, and only that one', () => {
      given(couponDecider, [])
        .when({ type: 'CreateCoupon', id: 'cp1', fields: fields({ percentOff: null, amountOffMinor: 500 }) }, context)
        .thenThrows('validation', [
          { field: 'percentOff', reason: 'a PERCENT coupon takes 1–100' },
          { field: 'amountOffMinor', reason: 'only for a FIXED coupon' },
        ]);
      given(couponDecider, [])
        .when({ type: 'CreateCoupon', id: 'cp1', fields: fields({ discountType: 'FIXED' }) }, context)
        .thenThrows('validation', [
          { field: 'amountOffMinor', reason: 'a FIXED coupon needs an amount' },
          { field: 'percentOff', reason: 'only for a PERCENT coupon' },
        ]);
      given(couponDecider, []).when({ type: 'CreateCoupon', id: 'cp1', fields: fields({ percentOff: 101 }) }, context).thenThrows('validation', [{ field: 'percentOff' }]);
    });

    it('refuses a validity window that ends before it starts', () => {
      given(couponDecider, [])
        .when({ type: 'CreateCoupon', id: 'cp1', fields: fields({ validFrom: '2026-04-01T00:00:00.000Z', validUntil: '2026-04-01T00:00:00.000Z' }) }, context)
        .thenThrows('validation', [{ field: 'validUntil', reason: 'not after validFrom' }]);
    });
  });

  describe('UpdateCoupon and ArchiveCoupon', () => {
    it('records the changed fields with their previous values, and nothing when nothing changes', () => {
      given(couponDecider, created())
        .when({ type: 'UpdateCoupon', patch: { name: 'Spring', usageLimit: 5 } }, { now: later })
        .then([{ type: 'coupon.updated', data: { id: 'cp1', changes: { usageLimit: 5 }, previous: { usageLimit: null }, updatedAt: later.toISOString() } }]);
      given(couponDecider, created()).when({ type: 'UpdateCoupon', patch: { name: 'Spring' } }, context).thenNothing();
    });

    it('checks the whole coupon after the patch, and the expected revision', () => {
      given(couponDecider, created()).when({ type: 'UpdateCoupon', patch: { discountType: 'FIXED' } }, context).thenThrows('validation', [{ field: 'amountOffMinor' }, { field: 'percentOff' }]);
      given(couponDecider, created()).when({ type: 'UpdateCoupon', patch: { name: 'x' }, expectedRevision: 2 }, context).thenThrows('revision-conflict');
    });

    it('archives once; an archived coupon is not changed any more', () => {
      given(couponDecider, created()).when({ type: 'ArchiveCoupon' }, context).then([archived]);
      given(couponDecider, [...created(), archived]).when({ type: 'ArchiveCoupon' }, context).thenThrows('invalid-transition');
      given(couponDecider, [...created(), archived]).when({ type: 'UpdateCoupon', patch: { name: 'x' } }, context).thenThrows('invalid-transition');
      given(couponDecider, []).when({ type: 'ArchiveCoupon' }, context).thenThrows('not-found');
    });
  });

  describe('UseCoupon', () => {
    it('redeems the discount of the subtotal for the booking, and counts the use', () => {
      given(couponDecider, created()).when(use('b1'), context).then([redeemed('b1')]);
      given(couponDecider, created()).when(use('b1'), context).thenState({ view: { uses: 1, revision: 2 } });
    });

    it('takes a fixed amount off, never more than the subtotal', () => {
      given(couponDecider, created({ discountType: 'FIXED', percentOff: null, amountOffMinor: 5000 }))
        .when(use('b1'), context)
        .then([redeemed('b1', 'c1', 2505)]);
    });

    it('uses the coupon once for the same booking', () => {
      given(couponDecider, [...created(), redeemed('b1')]).when(use('b1'), context).thenNothing();
    });

    it('refuses a code nobody created', () => {
      given(couponDecider, []).when(use('b1'), context).thenThrows('coupon-invalid', [{ field: 'couponCode', reason: 'not-found' }]);
    });

    it('refuses an archived coupon', () => {
      given(couponDecider, [...created(), archived]).when(use('b1'), context).thenThrows('coupon-invalid', [{ field: 'couponCode', reason: 'archived' }]);
    });

    it('refuses outside its validity window: before validFrom, and from validUntil on', () => {
      const window = { validFrom: '2026-03-01T10:00:00.000Z', validUntil: '2026-03-02T10:00:00.000Z' };
      given(couponDecider, created(window)).when(use('b1'), { now: new Date('2026-03-01T09:59:59.999Z') }).thenThrows('coupon-invalid', [{ field: 'couponCode', reason: 'not-yet-valid' }]);
      given(couponDecider, created(window)).when(use('b1'), { now }).then([redeemed('b1')]);
      given(couponDecider, created(window)).when(use('b1'), { now: later }).thenThrows('coupon-invalid', [{ field: 'couponCode', reason: 'expired' }]);
    });

    it('refuses once the usage limit is reached by active uses, and takes a use again once one is released', () => {
      const full = [...created({ usageLimit: 2 }), redeemed('b1'), redeemed('b2', 'c2')];
      given(couponDecider, full).when(use('b3', { contactId: 'c3' }), context).thenThrows('coupon-invalid', [{ field: 'couponCode', reason: 'usage-limit-reached' }]);
      given(couponDecider, [...full, released('b1')]).when(use('b3', { contactId: 'c3' }), context).then([redeemed('b3', 'c3')]);
    });

    it('refuses a contact past its own limit, counting only its active uses', () => {
      const once = [...created({ perContactLimit: 1 }), redeemed('b1')];
      given(couponDecider, once).when(use('b2'), context).thenThrows('coupon-invalid', [{ field: 'couponCode', reason: 'per-contact-limit-reached' }]);
      given(couponDecider, once).when(use('b2', { contactId: 'c2' }), context).then([redeemed('b2', 'c2')]);
      given(couponDecider, [...once, released('b1')]).when(use('b2'), context).then([redeemed('b2')]);
    });

    it('applies only to its services or plans when it names some', () => {
      const scoped = created({ serviceIds: ['s2'], planIds: ['p1'] });
      given(couponDecider, scoped).when(use('b1'), context).thenThrows('coupon-invalid', [{ field: 'couponCode', reason: 'not-applicable' }]);
      given(couponDecider, scoped).when(use('b1', { serviceId: 's2' }), context).then([redeemed('b1')]);
      given(couponDecider, scoped)
        .when(use('b1', { bookingId: null, planOrderId: 'po1', serviceId: null, planId: 'p1' }), context)
        .then([{ type: 'coupon.redeemed', data: { ...redeemed('b1').data, bookingId: null, planOrderId: 'po1' } }]);
      given(couponDecider, created({ planIds: ['p1'] })).when(use('b1'), context).thenThrows('coupon-invalid', [{ field: 'couponCode', reason: 'not-applicable' }]);
    });

    it('refuses what has no price', () => {
      given(couponDecider, created()).when(use('b1', { price: null }), context).thenThrows('coupon-invalid', [{ field: 'couponCode', reason: 'no-price' }]);
    });
  });

  describe('ReleaseCoupon', () => {
    it('releases the booking’s use, once', () => {
      given(couponDecider, [...created(), redeemed('b1')]).when({ type: 'ReleaseCoupon', useId: 'b1' }, context).then([released('b1')]);
      given(couponDecider, [...created(), redeemed('b1')]).when({ type: 'ReleaseCoupon', useId: 'b1' }, context).thenState({ view: { uses: 0, revision: 3 } });
      given(couponDecider, [...created(), redeemed('b1'), released('b1')]).when({ type: 'ReleaseCoupon', useId: 'b1' }, context).thenNothing();
    });

    it('releases nothing for a booking that never used it, and still releases on an archived coupon', () => {
      given(couponDecider, created()).when({ type: 'ReleaseCoupon', useId: 'b1' }, context).thenNothing();
      given(couponDecider, []).when({ type: 'ReleaseCoupon', useId: 'b1' }, context).thenNothing();
      given(couponDecider, [...created(), redeemed('b1'), archived]).when({ type: 'ReleaseCoupon', useId: 'b1' }, context).then([released('b1')]);
    });
  });
});

describe('coupon code claim', () => {
  const claimed = { type: 'coupon-code.claimed' as const, data: { code: 'Spring10', couponId: 'cp1' } };

  it('claims a free code for a coupon; the same coupon claiming it again changes nothing', () => {
    given(couponCodeDecider, []).when({ type: 'ClaimCouponCode', code: 'Spring10', couponId: 'cp1' }, context).then([claimed]);
    given(couponCodeDecider, [claimed]).when({ type: 'ClaimCouponCode', code: 'SPRING10', couponId: 'cp1' }, context).thenNothing();
  });

  it('refuses a code another coupon holds', () => {
    given(couponCodeDecider, [claimed]).when({ type: 'ClaimCouponCode', code: 'spring10', couponId: 'cp2' }, context).thenThrows('already-exists', [{ field: 'code', reason: 'taken' }]);
  });
});
