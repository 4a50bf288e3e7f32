import { given } from '@kairos/testing';
import { BookingPolicyCommand, BookingPolicyEvent, BookingPolicyFields, BookingPolicyPatch, DEFAULT_BOOKING_POLICY, bookingPolicyDecider, defaultPolicyDecider, strictestOf } from './booking-policy';

const now = new Date('2026-01-01T00:00:00Z');
const T = now.toISOString();
const LATER = '2026-01-02T00:00:00.000Z';
const later = { now: new Date(LATER) };
const create = (fields: BookingPolicyFields = DEFAULT_BOOKING_POLICY): BookingPolicyCommand => ({ type: 'CreateBookingPolicy', id: 'p', fields });
const created: BookingPolicyEvent[] = [{ type: 'booking-policy.created', data: { id: 'p', revision: 1, createdAt: T, updatedAt: T, deletedAt: null, ...DEFAULT_BOOKING_POLICY } }];
const deleted: BookingPolicyEvent = { type: 'booking-policy.deleted', data: { id: 'p', deletedAt: T } };
const update = (patch: BookingPolicyPatch, expectedRevision?: number): BookingPolicyCommand => ({ type: 'UpdateBookingPolicy', patch, expectedRevision });

describe('booking policy decider', () => {
  describe('CreateBookingPolicy', () => {
    it('records the whole policy at revision 1', () => {
      given(bookingPolicyDecider, []).when(create(), { now }).then(created);
    });

    it('refuses to create the same policy twice', () => {
      given(bookingPolicyDecider, created).when(create(), { now }).thenThrows('already-exists', [{ field: 'id', reason: 'taken' }]);
    });

    it('rejects book-after-start together with a late-booking limit', () => {
      const fields: BookingPolicyFields = { ...DEFAULT_BOOKING_POLICY, bookAfterStart: true };
      given(bookingPolicyDecider, []).when(create(fields), { now }).thenThrows('validation', [{ field: 'bookAfterStart', reason: 'needs latestBookingMinutes: null' }]);
      given(bookingPolicyDecider, []).when(create({ ...fields, latestBookingMinutes: null }), { now }).thenState({ view: { bookAfterStart: true, latestBookingMinutes: null } });
    });

    it('rejects a late-booking limit beyond the early one, where no time would be bookable', () => {
      given(bookingPolicyDecider, [])
        .when(create({ ...DEFAULT_BOOKING_POLICY, earliestBookingMinutes: 60, latestBookingMinutes: 120 }), { now })
        .thenThrows('validation', [{ field: 'latestBookingMinutes', reason: 'greater than earliestBookingMinutes: no time would be bookable' }]);
      given(bookingPolicyDecider, []).when(create({ ...DEFAULT_BOOKING_POLICY, earliestBookingMinutes: 60, latestBookingMinutes: 60 }), { now }).thenState({ view: { latestBookingMinutes: 60 } });
      given(bookingPolicyDecider, []).when(create({ ...DEFAULT_BOOKING_POLICY, earliestBookingMinutes: null, latestBookingMinutes: 120 }), { now }).thenState({ view: { earliestBookingMinutes: null } });
    });
  });

  describe('UpdateBookingPolicy', () => {
    it('records only what changed, with the previous values', () => {
      given(bookingPolicyDecider, created)
        .when(update({ name: 'Default', latestCancelMinutes: 60 }, 1), later)
        .then([{ type: 'booking-policy.updated', data: { id: 'p', changes: { latestCancelMinutes: 60 }, previous: { latestCancelMinutes: 1440 }, updatedAt: LATER } }]);
      given(bookingPolicyDecider, created).when(update({ waitlist: null }), later).thenState({ view: { waitlist: null, revision: 2, updatedAt: LATER } });
    });

    it('records nothing when nothing changes', () => {
      given(bookingPolicyDecider, created).when(update({ waitlist: { capacity: 10, reservationMinutes: 10 } }), later).thenNothing();
    });

    it('judges the policy as the patch leaves it', () => {
      given(bookingPolicyDecider, created).when(update({ bookAfterStart: true }), later).thenThrows('validation', [{ field: 'bookAfterStart' }]);
      given(bookingPolicyDecider, created).when(update({ bookAfterStart: true, latestBookingMinutes: null }), later).thenState({ view: { bookAfterStart: true } });
      given(bookingPolicyDecider, created).when(update({ earliestBookingMinutes: 60 }), later).thenThrows('validation', [{ field: 'latestBookingMinutes' }]);
    });

    it('checks the revision', () => {
      given(bookingPolicyDecider, created).when(update({ name: 'x' }, 2), later).thenThrows('revision-conflict', [{ field: 'revision' }]);
    });

    it('refuses a deleted policy, and knows none that was never created', () => {
      given(bookingPolicyDecider, [...created, deleted]).when(update({ name: 'x' }), later).thenThrows('invalid-transition');
      given(bookingPolicyDecider, []).when(update({ name: 'x' }), later).thenThrows('not-found');
    });
  });

  describe('DeleteBookingPolicy', () => {
    it('refuses to delete the default policy, deletes softly otherwise', () => {
      given(bookingPolicyDecider, created).when({ type: 'DeleteBookingPolicy', isDefault: true }, { now }).thenThrows('invalid-transition');
      given(bookingPolicyDecider, created).when({ type: 'DeleteBookingPolicy', isDefault: false, expectedRevision: 1 }, { now }).then([deleted]);
      given(bookingPolicyDecider, created).when({ type: 'DeleteBookingPolicy', isDefault: false }, later).thenState({ view: { deletedAt: LATER, revision: 2 } });
    });

    it('checks the revision', () => {
      given(bookingPolicyDecider, created).when({ type: 'DeleteBookingPolicy', isDefault: false, expectedRevision: 2 }, { now }).thenThrows('revision-conflict');
    });

    it('refuses to delete twice, and knows none that was never created', () => {
      given(bookingPolicyDecider, [...created, deleted]).when({ type: 'DeleteBookingPolicy', isDefault: false }, { now }).thenThrows('invalid-transition');
      given(bookingPolicyDecider, []).when({ type: 'DeleteBookingPolicy', isDefault: false }, { now }).thenThrows('not-found');
    });
  });

  describe('MakeDefault', () => {
    it('marks the policy itself when it becomes the default', () => {
      given(bookingPolicyDecider, created).when({ type: 'MakeDefault', previousDefaultId: 'old' }, { now }).then([{ type: 'booking-policy.default-set', data: { id: 'p', previousDefaultId: 'old', at: T } }]);
      given(bookingPolicyDecider, created).when({ type: 'MakeDefault', previousDefaultId: null }, later).thenState({ view: { revision: 2, updatedAt: LATER } });
    });

    it('never makes a deleted policy the default, nor one never created', () => {
      given(bookingPolicyDecider, [...created, deleted]).when({ type: 'MakeDefault', previousDefaultId: null }, { now }).thenThrows('invalid-transition');
      given(bookingPolicyDecider, []).when({ type: 'MakeDefault', previousDefaultId: null }, { now }).thenThrows('not-found');
    });
  });

  it('ignores events of a policy it never saw created', () => {
    given(bookingPolicyDecider, [deleted, { type: 'booking-policy.default-set', data: { id: 'p', previousDefaultId: null, at: T } }]).when(create(), { now }).then(created);
  });
});

describe('default policy decider', () => {
  it('records the previous default when the default changes, and nothing when it stays', () => {
    given(defaultPolicyDecider, []).when({ type: 'SetDefaultPolicy', policyId: 'a' }, { now }).then([{ type: 'booking-policy-default.changed', data: { policyId: 'a', previousPolicyId: null, at: T } }]);
    const first = given(defaultPolicyDecider, []).when({ type: 'SetDefaultPolicy', policyId: 'a' }, { now })();
    given(defaultPolicyDecider, first).when({ type: 'SetDefaultPolicy', policyId: 'b' }, later).then([{ type: 'booking-policy-default.changed', data: { policyId: 'b', previousPolicyId: 'a', at: LATER } }]);
    const second = given(defaultPolicyDecider, first).when({ type: 'SetDefaultPolicy', policyId: 'b' }, { now })();
    given(defaultPolicyDecider, [...first, ...second]).when({ type: 'SetDefaultPolicy', policyId: 'b' }, { now }).thenNothing();
    given(defaultPolicyDecider, [...first, ...second]).when({ type: 'SetDefaultPolicy', policyId: 'a' }, { now }).thenState({ policyId: 'a' });
  });
});

describe('strictestOf', () => {
  const lenient: BookingPolicyFields = {
    ...DEFAULT_BOOKING_POLICY,
    name: 'Lenient',
    earliestBookingMinutes: null,
    latestBookingMinutes: null,
    latestCancelMinutes: 60,
    latestRescheduleMinutes: null,
    bookAfterStart: true,
    waitlist: { capacity: 20, reservationMinutes: 30 },
    maxParticipantsPerBooking: 5,
    autoAssignResources: true,
  };
  const strict: BookingPolicyFields = {
    ...DEFAULT_BOOKING_POLICY,
    name: 'Strict',
    earliestBookingMinutes: 1440,
    latestBookingMinutes: 120,
    latestCancelMinutes: 2880,
    latestRescheduleMinutes: 720,
    waitlist: { capacity: 5, reservationMinutes: 15 },
    maxParticipantsPerBooking: 2,
    autoAssignResources: false,
  };

  it('takes the strictest value of every rule', () => {
    expect(strictestOf([lenient, strict])).toEqual({
      name: 'Strictest of Lenient, Strict',
      earliestBookingMinutes: 1440,
      latestBookingMinutes: 120,
      latestCancelMinutes: 2880,
      latestRescheduleMinutes: 720,
      bookAfterStart: false,
      waitlist: { capacity: 5, reservationMinutes: 15 },
      maxParticipantsPerBooking: 2,
      autoAssignResources: false,
    });
  });

  it('treats a missing limit as no limit, and a disabled waitlist as the strictest', () => {
    const combined = strictestOf([lenient, { ...lenient, name: 'NoWaitlist', waitlist: null }]);
    expect(combined.earliestBookingMinutes).toBeNull();
    expect(combined.bookAfterStart).toBe(true);
    expect(combined.waitlist).toBeNull();
  });

  it('is the default policy for no policies', () => {
    expect(strictestOf([])).toBe(DEFAULT_BOOKING_POLICY);
  });
});
