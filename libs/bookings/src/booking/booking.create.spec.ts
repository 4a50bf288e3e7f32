import { DEFAULT_BOOKING_POLICY } from '@kairos/services';
import { given } from '@kairos/testing';
import { BookingCommand, bookingDecider } from './booking';
import { NOW, SLOT, T, business, createdBooking, customer, fieldsOf, hoursFromNow, overriding, slotAt } from './booking.fixture';

const create = (overrides: Parameters<typeof fieldsOf>[0] = {}, draft = false): BookingCommand => ({ type: 'CreateBooking', id: 'b1', fields: fieldsOf(overrides), draft });

describe('booking decider: CreateBooking', () => {
  it('records the whole booking at revision 1, CONFIRMED and holding its slot', () => {
    given(bookingDecider, []).when(create(), business).then([
      {
        type: 'booking.created',
        data: {
          id: 'b1',
          revision: 1,
          createdAt: T,
          updatedAt: T,
          ...fieldsOf(),
          status: 'CONFIRMED',
          actor: 'BUSINESS',
          paymentStatus: 'NOT_PAID',
          amountPaid: null,
          attendance: { status: 'NOT_SET', attendeeCount: 0 },
          cancellation: null,
          holdsSlot: true,
        },
      },
    ]);
  });

  it('refuses to create the same booking twice', () => {
    given(bookingDecider, createdBooking()).when(create(), business).thenThrows('already-exists', [{ field: 'id', reason: 'taken' }]);
  });

  describe('status and slot holding', () => {
    it('keeps a draft CREATED, holding nothing', () => {
      given(bookingDecider, []).when(create({}, true), customer).thenState({ view: { status: 'CREATED', holdsSlot: false } });
    });

    it('makes a CUSTOMER request PENDING under manual approval, holding the slot', () => {
      given(bookingDecider, []).when(create(), { ...customer, requireManualApproval: true }).thenState({ view: { status: 'PENDING', holdsSlot: true, actor: 'CUSTOMER' } });
    });

    it('lets a PENDING request hold nothing when the service allows several requests', () => {
      given(bookingDecider, [])
        .when(create(), { ...customer, requireManualApproval: true, allowMultipleRequests: true })
        .thenState({ view: { status: 'PENDING', holdsSlot: false } });
    });

    it('confirms a BUSINESS booking even under manual approval', () => {
      given(bookingDecider, []).when(create(), { ...business, requireManualApproval: true }).thenState({ view: { status: 'CONFIRMED', holdsSlot: true } });
    });
  });

  describe('payment status', () => {
    it('exempts a membership booking from payment', () => {
      given(bookingDecider, []).when(create({ selectedPaymentOption: 'MEMBERSHIP' }), customer).thenState({ view: { paymentStatus: 'EXEMPT' } });
    });

    it('leaves other options unpaid, a membership topped up offline included', () => {
      given(bookingDecider, []).when(create({ selectedPaymentOption: 'MEMBERSHIP_OFFLINE' }), customer).thenState({ view: { paymentStatus: 'NOT_PAID' } });
      given(bookingDecider, []).when(create({ selectedPaymentOption: 'ONLINE' }), customer).thenState({ view: { paymentStatus: 'NOT_PAID' } });
    });
  });

  describe('booking window (the policy snapshot)', () => {
    it('refuses a CUSTOMER when online booking is off', () => {
      given(bookingDecider, []).when(create(), { ...customer, onlineBookingEnabled: false }).thenThrows('policy-violation', [{ field: 'slot', reason: 'online-disabled' }]);
    });

    it('lets the BUSINESS book when online booking is off', () => {
      given(bookingDecider, []).when(create(), { ...business, onlineBookingEnabled: false }).thenState({ view: { status: 'CONFIRMED' } });
    });

    it('refuses a slot beyond the earliest booking horizon', () => {
      given(bookingDecider, []).when(create({ slot: slotAt(24 * 7 + 1) }), customer).thenThrows('policy-violation', [{ field: 'slot', reason: 'too-early' }]);
    });

    it('accepts a slot exactly at the horizon', () => {
      given(bookingDecider, []).when(create({ slot: slotAt(24 * 7) }), customer).thenState({ view: { slot: { start: hoursFromNow(24 * 7) } } });
    });

    it('refuses a slot closer than the latest booking notice', () => {
      given(bookingDecider, []).when(create({ slot: slotAt(23) }), customer).thenThrows('policy-violation', [{ field: 'slot', reason: 'too-late' }]);
    });

    it('applies the windows to the BUSINESS too unless it overrides the policy', () => {
      given(bookingDecider, []).when(create({ slot: slotAt(23) }), business).thenThrows('policy-violation', [{ field: 'slot', reason: 'too-late' }]);
      given(bookingDecider, []).when(create({ slot: slotAt(24 * 30) }), overriding).thenState({ view: { status: 'CONFIRMED' } });
      given(bookingDecider, []).when(create({ slot: slotAt(-1) }), overriding).thenState({ view: { status: 'CONFIRMED' } });
    });

    it('never lets a CUSTOMER override the policy', () => {
      given(bookingDecider, []).when(create({ slot: slotAt(23) }), { ...customer, ignorePolicy: true }).thenThrows('policy-violation', [{ field: 'slot', reason: 'too-late' }]);
    });

    it('refuses a started slot unless the policy books after the start, and never an ended one', () => {
      const afterStart = { ...DEFAULT_BOOKING_POLICY, latestBookingMinutes: null, bookAfterStart: true };
      const running = slotAt(-0.25);
      given(bookingDecider, []).when(create({ slot: running }), customer).thenThrows('policy-violation', [{ field: 'slot', reason: 'too-late' }]);
      given(bookingDecider, []).when(create({ slot: running, policySnapshot: afterStart }), customer).thenState({ view: { status: 'CONFIRMED' } });
      given(bookingDecider, []).when(create({ slot: slotAt(-1), policySnapshot: afterStart }), customer).thenThrows('policy-violation', [{ field: 'slot', reason: 'too-late' }]);
    });

    it('has no limits where the policy sets none', () => {
      const open = { ...DEFAULT_BOOKING_POLICY, earliestBookingMinutes: null, latestBookingMinutes: null };
      given(bookingDecider, []).when(create({ slot: slotAt(24 * 365), policySnapshot: open }), customer).thenState({ view: { status: 'CONFIRMED' } });
      given(bookingDecider, []).when(create({ slot: slotAt(0.1), policySnapshot: open }), customer).thenState({ view: { status: 'CONFIRMED' } });
    });
  });

  describe('party size', () => {
    const roomy = { ...DEFAULT_BOOKING_POLICY, maxParticipantsPerBooking: 3 };

    it('refuses a party larger than the policy allows', () => {
      given(bookingDecider, [])
        .when(create({ partySize: 4, policySnapshot: roomy, serviceType: 'CLASS' }), customer)
        .thenThrows('policy-violation', [{ field: 'partySize', reason: 'max-participants' }]);
      given(bookingDecider, []).when(create({ partySize: 4, policySnapshot: roomy }), business).thenThrows('policy-violation', [{ field: 'partySize' }]);
    });

    it('accepts a party of exactly the maximum, and a larger one when the BUSINESS overrides', () => {
      given(bookingDecider, []).when(create({ partySize: 3, policySnapshot: roomy }), customer).thenState({ view: { partySize: 3 } });
      given(bookingDecider, []).when(create({ partySize: 9, policySnapshot: roomy }), overriding).thenState({ view: { partySize: 9 } });
    });
  });

  it('decides on the instant it is given, not on a clock', () => {
    const dayBefore = new Date(NOW.getTime() + 48 * 60 * 60 * 1000);
    given(bookingDecider, []).when(create({ slot: SLOT }), { ...customer, now: dayBefore }).thenState({ view: { createdAt: dayBefore.toISOString() } });
    const lessThanADayBefore = new Date(NOW.getTime() + 49 * 60 * 60 * 1000);
    given(bookingDecider, []).when(create({ slot: SLOT }), { ...customer, now: lessThanADayBefore }).thenThrows('policy-violation', [{ field: 'slot', reason: 'too-late' }]);
  });
});
