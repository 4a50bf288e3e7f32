import { BookingFields, BookingView } from '@kairos/bookings';
import { fold } from '@kairos/core';
import { CouponState, couponDecider } from '@kairos/memberships';
import { PlanPart, StreamEvents, StreamReader } from '../infrastructure/command-handling';
import { CouponByCode, couponByCode } from './coupons.commands';

/**
 * The coupon's use, appended with the booking on the revision of the coupon the price was computed
 * from: of racers for its last use, one commits and the others decide again on the coupon as it
 * now is, and are refused (`usage-limit-reached`).
 */
export const couponUseOf = (coupon: CouponByCode, bookingId: string, fields: BookingFields): PlanPart => ({
  streams: [coupon.stream],
  decide: (states, now) => [
    {
      streamId: coupon.stream.streamId,
      events: couponDecider.decide(
        {
          type: 'UseCoupon',
          bookingId,
          planOrderId: null,
          contactId: fields.contactId,
          serviceId: fields.serviceId,
          planId: null,
          price: fields.priceSnapshot && { subtotalMinor: fields.priceSnapshot.subtotalMinor, currency: fields.priceSnapshot.currency },
        },
        states.of(coupon.stream),
        { now },
      ),
    },
  ],
});

/** Whether a change ends a booking's coupon use: it was canceled or declined. */
export const endsCouponUse = (before: BookingView, after: BookingView): boolean =>
  before.couponCode !== null && after.status !== before.status && (after.status === 'CANCELED' || after.status === 'DECLINED');

/**
 * Gives back the coupon uses of bookings that end, decided on the coupons as the reader (the
 * command's attempt) read them, so the append expects those revisions; bookings sharing a coupon
 * release one after the other on its stream.
 */
export const couponReleasesOf = async (reader: StreamReader, tenant: string, ended: Pick<BookingView, 'id' | 'couponCode'>[], now: Date): Promise<StreamEvents[]> => {
  const byCode = new Map<string, string[]>();
  for (const { id, couponCode } of ended) if (couponCode) byCode.set(couponCode.toLowerCase(), [...(byCode.get(couponCode.toLowerCase()) ?? []), id]);
  return Promise.all(
    [...byCode].map(async ([code, bookingIds]) => {
      const { stream, state } = await couponByCode(reader, tenant, code);
      let current: CouponState = state;
      const events = bookingIds.flatMap((useId) => {
        const released = couponDecider.decide({ type: 'ReleaseCoupon', useId }, current, { now });
        current = fold(couponDecider, released, current);
        return released;
      });
      return { streamId: stream.streamId, events };
    }),
  );
};
