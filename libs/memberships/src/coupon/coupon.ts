import {
  Decider,
  DomainError,
  FieldError,
  advance,
  alreadyExists,
  assertNever,
  changedFields,
  checkRevision,
  hasChanges,
  requireLive,
  streamId,
} from '@kairos/core';
import { discountOf } from '../pricing/pricing';
import { CouponEvent, CouponFields, CouponPatch, CouponView } from './coupon.events';

export type { CouponEvent, CouponFields, CouponPatch, CouponView } from './coupon.events';

export const couponStream = (tenant: string, id: string) => streamId('coupon', tenant, id);
/** Claims a code for one coupon: codes are unique per tenant whatever their case. */
export const couponCodeStream = (tenant: string, code: string) => streamId('coupon-code', tenant, code.toLowerCase());

/** What a use is for: a booking of a service, or an order of a plan, and its price before the discount. */
export interface CouponUseRequest {
  bookingId: string | null;
  planOrderId: string | null;
  contactId: string | null;
  serviceId: string | null;
  planId: string | null;
  /** Before the discount; null: the service or plan has no price, so there is nothing to take off. */
  price: { subtotalMinor: number; currency: string } | null;
}

export type CouponCommand =
  | { type: 'CreateCoupon'; id: string; fields: CouponFields }
  | { type: 'UpdateCoupon'; patch: CouponPatch; expectedRevision?: number }
  | { type: 'ArchiveCoupon'; expectedRevision?: number }
  | ({ type: 'UseCoupon' } & CouponUseRequest)
  /** `useId`: the booking's or plan order's id. */
  | { type: 'ReleaseCoupon'; useId: string };

interface ActiveUse {
  useId: string;
  bookingId: string | null;
  planOrderId: string | null;
  contactId: string | null;
}

export type CouponState = { status: 'none' } | ExistingCoupon;
export type ExistingCoupon = { status: 'ACTIVE' | 'ARCHIVED'; view: CouponView; uses: ActiveUse[] };

/** A use is known by what used the coupon: its booking, else its plan order. */
export const useIdOf = (use: { bookingId: string | null; planOrderId: string | null }): string => use.bookingId ?? use.planOrderId ?? '';

/** `coupon-invalid`, with the rule the coupon's use breaks as the reason. */
export const couponInvalid = (reason: string, message: string) => new DomainError('coupon-invalid', message, [{ field: 'couponCode', reason }]);

export const validateCoupon = (f: CouponFields): FieldError[] => {
  const errors: FieldError[] = [];
  if (f.discountType === 'PERCENT') {
    if (f.percentOff === null || f.percentOff > 100) errors.push({ field: 'percentOff', reason: 'a PERCENT coupon takes 1–100' });
    if (f.amountOffMinor !== null) errors.push({ field: 'amountOffMinor', reason: 'only for a FIXED coupon' });
  } else {
    if (f.amountOffMinor === null) errors.push({ field: 'amountOffMinor', reason: 'a FIXED coupon needs an amount' });
    if (f.percentOff !== null) errors.push({ field: 'percentOff', reason: 'only for a PERCENT coupon' });
  }
  if (f.validFrom !== null && f.validUntil !== null && Date.parse(f.validUntil) <= Date.parse(f.validFrom)) {
    errors.push({ field: 'validUntil', reason: 'not after validFrom' });
  }
  return errors;
};

const ensureValid = (fields: CouponFields) => {
  const errors = validateCoupon(fields);
  if (errors.length > 0) throw new DomainError('validation', 'the coupon is not valid', errors);
};

const fieldsOf = ({ id: _i, revision: _r, createdAt: _c, updatedAt: _u, uses: _n, archivedAt: _a, ...fields }: CouponView): CouponFields => fields;

export const unknownCoupon = () => couponInvalid('not-found', 'no coupon has this code');

const applies = (view: CouponView, use: Pick<CouponUseRequest, 'serviceId' | 'planId'>) =>
  (view.serviceIds.length === 0 && view.planIds.length === 0) ||
  (use.serviceId !== null && view.serviceIds.includes(use.serviceId)) ||
  (use.planId !== null && view.planIds.includes(use.planId));

/**
 * The discount a new use of the coupon would get, in minor units, or `coupon-invalid` with the
 * rule it breaks. Only active uses count against the limits: a released one gives its place back.
 */
export const discountFor = (state: CouponState, use: Omit<CouponUseRequest, 'bookingId' | 'planOrderId'>, now: Date): number => {
  if (state.status === 'none') throw unknownCoupon();
  const { view, uses } = state;
  if (state.status === 'ARCHIVED') throw couponInvalid('archived', `coupon ${view.code} is archived`);
  if (view.validFrom !== null && now.getTime() < Date.parse(view.validFrom)) throw couponInvalid('not-yet-valid', `coupon ${view.code} is valid from ${view.validFrom}`);
  if (view.validUntil !== null && now.getTime() >= Date.parse(view.validUntil)) throw couponInvalid('expired', `coupon ${view.code} expired at ${view.validUntil}`);
  if (!applies(view, use)) throw couponInvalid('not-applicable', `coupon ${view.code} does not apply to this ${use.planId ? 'plan' : 'service'}`);
  if (use.price === null) throw couponInvalid('no-price', 'there is no price to take a discount off');
  if (view.usageLimit !== null && uses.length >= view.usageLimit) throw couponInvalid('usage-limit-reached', `coupon ${view.code} has been used ${view.usageLimit} times`);
  if (view.perContactLimit !== null && use.contactId !== null && uses.filter((u) => u.contactId === use.contactId).length >= view.perContactLimit) {
    throw couponInvalid('per-contact-limit-reached', `this contact has used coupon ${view.code} ${view.perContactLimit} times`);
  }
  return discountOf(view, use.price.subtotalMinor);
};

export const couponDecider: Decider<CouponCommand, CouponState, CouponEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    if (event.type === 'coupon.created') return { status: 'ACTIVE', view: event.data, uses: [] };
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'coupon.updated':
        return { ...state, view: advance(state.view, event.data.updatedAt, event.data.changes) };
      case 'coupon.archived':
        return { ...state, status: 'ARCHIVED', view: advance(state.view, event.data.archivedAt, { archivedAt: event.data.archivedAt }) };
      case 'coupon.redeemed': {
        const { bookingId, planOrderId, contactId, at } = event.data;
        const uses = [...state.uses, { useId: useIdOf(event.data), bookingId, planOrderId, contactId }];
        return { ...state, uses, view: advance(state.view, at, { uses: uses.length }) };
      }
      case 'coupon.released': {
        const uses = state.uses.filter((u) => u.useId !== useIdOf(event.data));
        return { ...state, uses, view: advance(state.view, event.data.at, { uses: uses.length }) };
      }
      default:
        return assertNever(event);
    }
  },

  decide(command, state, { now }) {
    const at = now.toISOString();
    switch (command.type) {
      case 'CreateCoupon': {
        if (state.status !== 'none') throw alreadyExists('coupon', command.id);
        ensureValid(command.fields);
        return [{ type: 'coupon.created', data: { id: command.id, revision: 1, createdAt: at, updatedAt: at, ...command.fields, uses: 0, archivedAt: null } }];
      }
      case 'UpdateCoupon': {
        const view = requireLive(state, 'ACTIVE', 'coupon', 'update');
        checkRevision(command.expectedRevision, view.revision);
        const current = fieldsOf(view);
        ensureValid({ ...current, ...command.patch });
        const diff = changedFields<CouponPatch>(current, command.patch);
        if (!hasChanges(diff)) return [];
        return [{ type: 'coupon.updated', data: { id: view.id, ...diff, updatedAt: at } }];
      }
      case 'ArchiveCoupon': {
        const view = requireLive(state, 'ACTIVE', 'coupon', 'archive');
        checkRevision(command.expectedRevision, view.revision);
        return [{ type: 'coupon.archived', data: { id: view.id, archivedAt: at } }];
      }
      case 'UseCoupon': {
        // Deciding again for the same booking or order (a retried request) uses the coupon once.
        if (state.status !== 'none' && state.uses.some((u) => u.useId === useIdOf(command))) return [];
        const discountMinor = discountFor(state, command, now);
        const { view } = state as ExistingCoupon;
        const { bookingId, planOrderId, contactId, price } = command;
        return [{ type: 'coupon.redeemed', data: { id: view.id, code: view.code, bookingId, planOrderId, contactId, discountMinor, currency: price!.currency, at } }];
      }
      case 'ReleaseCoupon': {
        const use = state.status === 'none' ? undefined : state.uses.find((u) => u.useId === command.useId);
        if (!use || state.status === 'none') return [];
        return [{ type: 'coupon.released', data: { id: state.view.id, bookingId: use.bookingId, planOrderId: use.planOrderId, contactId: use.contactId, at } }];
      }
      default:
        return assertNever(command);
    }
  },
};
