import { Static, Type } from '@sinclair/typebox';
import { AggregateMeta, EventsOf, aggregateId, eventSchema, instant, integer, listOf, nullable, patchOf, record, text, updatedBody } from '@kairos/core';
import { DiscountType } from '../pricing/pricing';

const positive = (description: string) => nullable(integer(description, 1));

export const CouponFields = record({
  code: text('unique per tenant, case-insensitively; immutable'),
  name: text(),
  discountType: DiscountType,
  percentOff: nullable(integer('PERCENT: 1–100', 1)),
  amountOffMinor: nullable(integer("FIXED: minor units of the service's or plan's currency", 1)),
  validFrom: nullable(instant('null: from its creation')),
  validUntil: nullable(instant('null: open-ended')),
  usageLimit: positive('active uses at most; null: no limit'),
  perContactLimit: positive('active uses per contact at most; null: no limit'),
  serviceIds: listOf(text(), 'the services it applies to'),
  planIds: listOf(text(), 'the plans it applies to; with serviceIds empty too, it applies to anything'),
});
export type CouponFields = Static<typeof CouponFields>;

export const CouponPatch = patchOf(Type.Omit(CouponFields, ['code']), 'coupon fields');
export type CouponPatch = Static<typeof CouponPatch>;

export const CouponView = record({
  ...AggregateMeta.properties,
  ...CouponFields.properties,
  uses: integer('active uses: redeemed and not released', 0),
  archivedAt: nullable(instant()),
});
export type CouponView = Static<typeof CouponView>;

const usedBy = {
  bookingId: nullable(text('the booking that used it')),
  planOrderId: nullable(text('the plan order that used it')),
  contactId: nullable(text()),
};

export const couponEvents = [
  eventSchema('coupon.created', 'A coupon was created; the body is the coupon as GET shows it.', CouponView),
  eventSchema('coupon.updated', 'Fields of a coupon changed.', updatedBody(CouponPatch)),
  eventSchema('coupon.archived', 'A coupon was archived: no new uses; uses already made stand.', record({ id: aggregateId(), archivedAt: instant() })),
  eventSchema(
    'coupon.redeemed',
    'A booking or a plan order used a coupon, in the same append as the booking or order.',
    record({ id: aggregateId(), code: text(), ...usedBy, discountMinor: integer('minor units of currency', 0), currency: text('ISO 4217 code'), at: instant() }),
  ),
  eventSchema('coupon.released', 'The booking or order that used a coupon was canceled or declined: the use no longer counts.', record({ id: aggregateId(), ...usedBy, at: instant() })),
] as const;
export type CouponEvent = EventsOf<typeof couponEvents>;
