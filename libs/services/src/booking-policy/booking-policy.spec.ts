import { given } from '@kairos/testing';
import { BookingPolicyFields, DEFAULT_BOOKING_POLICY, bookingPolicyDecider, defaultPolicyDecider, strictestOf } from './booking-policy';

const now = new Date('2026-01-01T00:00:00Z');

describe('booking policy decider', () => {
  it('rejects book-after-start together with a late-booking limit', () => {
    const fields: BookingPolicyFields = { ...DEFAULT_BOOKING_POLICY, bookAfterStart: true };
    expect(given(bookingPolicyDecider, []).when({ type: 'CreateBookingPolicy', id: 'p', fields }, { now })).toThrow(
      expect.objectContaining({ code: 'validation', errors: [{ field: 'bookAfterStart', reason: 'needs latestBookingMinutes: null' }] }),
    );
    expect(given(bookingPolicyDecider, []).when({ type: 'CreateBookingPolicy', id: 'p', fields: { ...fields, latestBookingMinutes: null } }, { now })()).toHaveLength(1);
  });

  it('refuses to delete the default policy', () => {
    const created = bookingPolicyDecider.decide({ type: 'CreateBookingPolicy', id: 'p', fields: DEFAULT_BOOKING_POLICY }, { status: 'none' }, { now });
    expect(given(bookingPolicyDecider, created).when({ type: 'DeleteBookingPolicy', isDefault: true }, { now })).toThrow(
      expect.objectContaining({ code: 'invalid-transition' }),
    );
    expect(given(bookingPolicyDecider, created).when({ type: 'DeleteBookingPolicy', isDefault: false }, { now })()).toEqual([
      { type: 'booking-policy.deleted', data: { id: 'p', deletedAt: now.toISOString() } },
    ]);
  });

  it('records the previous default when the default changes, and nothing when it stays', () => {
    const first = given(defaultPolicyDecider, []).when({ type: 'SetDefaultPolicy', policyId: 'a' }, { now })();
    expect(first[0].data).toEqual({ policyId: 'a', previousPolicyId: null, at: now.toISOString() });
    const second = given(defaultPolicyDecider, first).when({ type: 'SetDefaultPolicy', policyId: 'b' }, { now })();
    expect(second[0].data.previousPolicyId).toBe('a');
    expect(given(defaultPolicyDecider, [...first, ...second]).when({ type: 'SetDefaultPolicy', policyId: 'b' }, { now })()).toEqual([]);
  });

  it('marks the policy itself when it becomes the default, and never a deleted one', () => {
    const created = bookingPolicyDecider.decide({ type: 'CreateBookingPolicy', id: 'p', fields: DEFAULT_BOOKING_POLICY }, { status: 'none' }, { now });
    const marked = given(bookingPolicyDecider, created).when({ type: 'MakeDefault', previousDefaultId: 'old' }, { now })();
    expect(marked).toEqual([{ type: 'booking-policy.default-set', data: { id: 'p', previousDefaultId: 'old', at: now.toISOString() } }]);
    expect(given(bookingPolicyDecider, [...created, ...marked]).state()).toMatchObject({ view: { revision: 2 } });
    const deleted = given(bookingPolicyDecider, created).when({ type: 'DeleteBookingPolicy', isDefault: false }, { now })();
    expect(given(bookingPolicyDecider, [...created, ...deleted]).when({ type: 'MakeDefault', previousDefaultId: null }, { now })).toThrow(
      expect.objectContaining({ code: 'invalid-transition' }),
    );
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
