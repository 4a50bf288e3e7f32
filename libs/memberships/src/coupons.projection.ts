import { Static } from '@sinclair/typebox';
import { DocumentLookup, ProjectionDefinition, ViewDoc, advance, eventTypesOf, instant, integer, nullable, oneOf, putDoc, record, text, updatedFields, viewDocuments } from '@kairos/core';
import { CouponEvent, useIdOf } from './coupon/coupon';
import { couponEvents } from './coupon/coupon.events';

export const COUPONS = 'coupons';
/** One document per use of a coupon: who used it, for what, and whether it still counts. */
export const COUPON_USES = 'coupon_uses';

export const CouponUse = record({
  id: text('<couponId>|<bookingId or planOrderId>'),
  couponId: text(),
  code: text(),
  bookingId: nullable(text()),
  planOrderId: nullable(text()),
  contactId: nullable(text()),
  discountMinor: integer('minor units of currency', 0),
  currency: text('ISO 4217 code'),
  status: oneOf(['ACTIVE', 'RELEASED'], 'RELEASED: its booking or order was canceled or declined, so it no longer counts'),
  redeemedAt: instant(),
  releasedAt: nullable(instant()),
});
export type CouponUseDoc = Static<typeof CouponUse>;

type UseEvent = Extract<CouponEvent, { type: 'coupon.redeemed' | 'coupon.released' }>;

const countUses = (by: number) => (doc: ViewDoc, data: { at: string }) => advance(doc, data.at, { uses: (doc.uses as number) + by });

const couponDocs = viewDocuments<CouponEvent>(COUPONS, {
  'coupon.created': 'creates',
  'coupon.updated': updatedFields,
  'coupon.archived': (doc, data) => advance(doc, data.archivedAt, { archivedAt: data.archivedAt }),
  'coupon.redeemed': countUses(1),
  'coupon.released': countUses(-1),
});

const useDocId = (couponId: string, useId: string) => `${couponId}|${useId}`;

const useDocs = (event: UseEvent, tenant: string, documents: DocumentLookup) => {
  const id = useDocId(event.data.id, useIdOf(event.data));
  if (event.type === 'coupon.redeemed') {
    const { id: couponId, at, ...use } = event.data;
    return [putDoc(COUPON_USES, tenant, { id, couponId, ...use, status: 'ACTIVE', redeemedAt: at, releasedAt: null } satisfies CouponUseDoc)];
  }
  const current = documents.get<CouponUseDoc>(COUPON_USES, tenant, id);
  return current ? [putDoc(COUPON_USES, tenant, { ...current, status: 'RELEASED', releasedAt: event.data.at } satisfies CouponUseDoc)] : [];
};

/** Coupons by id with their active uses counted, and every use with its booking or order and contact. */
export const couponsProjection: ProjectionDefinition<CouponEvent> = {
  name: 'coupons',
  collections: [COUPONS, COUPON_USES],
  canHandle: eventTypesOf(couponEvents),
  evolve(event, documents) {
    const writes = couponDocs.writes(event, documents);
    return event.type === 'coupon.redeemed' || event.type === 'coupon.released' ? [...writes, ...useDocs(event, event.metadata.tenant, documents)] : writes;
  },
};
