import { DEFAULT_BOOKING_POLICY } from '@kairos/services';
import { given } from '@kairos/testing';
import { BookingCommand, BookingEvent, bookingDecider } from './booking';
import { HOUR, NOW, SLOT, T, business, canceled, createdBooking, customer, draftBooking, overriding, pendingBooking, recordedWith, slotAt } from './booking.fixture';

const later = (hours: number) => new Date(NOW.getTime() + hours * HOUR);

describe('booking decider: RescheduleBooking', () => {
  const to = slotAt(96);
  const reschedule = (slot = to, expectedRevision?: number): BookingCommand => ({ type: 'RescheduleBooking', slot, sessionId: null, appointmentSessionId: 'as2', expectedRevision });

  it('moves the booking and records where it was', () => {
    given(bookingDecider, createdBooking()).when(reschedule(), customer).then([
      { type: 'booking.rescheduled', data: { id: 'b1', slot: to, sessionId: null, appointmentSessionId: 'as2', previous: { slot: SLOT, sessionId: null }, at: T } },
    ]);
    given(bookingDecider, createdBooking()).when(reschedule(to, 1), customer).thenState({ view: { slot: to, appointmentSessionId: 'as2', revision: 2, updatedAt: T } });
  });

  it('moves a class booking to another session', () => {
    const cls = createdBooking({ serviceType: 'CLASS', sessionId: 'ses1', appointmentSessionId: null });
    given(bookingDecider, cls)
      .when({ type: 'RescheduleBooking', slot: to, sessionId: 'ses2', appointmentSessionId: null }, customer)
      .thenState({ view: { sessionId: 'ses2', slot: to, appointmentSessionId: null } });
  });

  it('moves a draft and a request too', () => {
    given(bookingDecider, draftBooking()).when(reschedule(), customer).thenState({ view: { status: 'CREATED', slot: to } });
    given(bookingDecider, pendingBooking()).when(reschedule(), customer).thenState({ view: { status: 'PENDING', slot: to } });
  });

  it('never moves a course booking, which is booked whole', () => {
    given(bookingDecider, createdBooking({ serviceType: 'COURSE' })).when(reschedule(), overriding).thenThrows('invalid-transition');
  });

  it('refuses to move a closed booking', () => {
    given(bookingDecider, [...createdBooking(), canceled()]).when(reschedule(), business).thenThrows('invalid-transition');
    given(bookingDecider, recordedWith('DECLINED')).when(reschedule(), business).thenThrows('invalid-transition');
    given(bookingDecider, recordedWith('WAITING_LIST')).when(reschedule(), business).thenThrows('invalid-transition');
  });

  it('refuses past the reschedule window, for the BUSINESS too unless it overrides', () => {
    const lastDay = later(50);
    const farther = slotAt(100);
    given(bookingDecider, createdBooking()).when(reschedule(farther), { ...customer, now: lastDay }).thenThrows('policy-violation', [{ field: 'slot', reason: 'reschedule-window' }]);
    given(bookingDecider, createdBooking()).when(reschedule(farther), { ...business, now: lastDay }).thenThrows('policy-violation', [{ field: 'slot', reason: 'reschedule-window' }]);
    given(bookingDecider, createdBooking()).when(reschedule(farther), { ...overriding, now: lastDay }).thenState({ view: { slot: farther } });
  });

  it('has no reschedule window where the policy sets none', () => {
    const anytime = createdBooking({ policySnapshot: { ...DEFAULT_BOOKING_POLICY, latestRescheduleMinutes: null } });
    given(bookingDecider, anytime).when(reschedule(slotAt(100)), { ...customer, now: later(71) }).thenState({ view: { slot: slotAt(100) } });
  });

  it('applies the booking window to the new slot', () => {
    given(bookingDecider, createdBooking()).when(reschedule(slotAt(24 * 8)), customer).thenThrows('policy-violation', [{ field: 'slot', reason: 'too-early' }]);
    given(bookingDecider, createdBooking()).when(reschedule(slotAt(12)), customer).thenThrows('policy-violation', [{ field: 'slot', reason: 'too-late' }]);
    given(bookingDecider, createdBooking()).when(reschedule(), { ...customer, onlineBookingEnabled: false }).thenThrows('policy-violation', [{ field: 'slot', reason: 'online-disabled' }]);
    given(bookingDecider, createdBooking()).when(reschedule(slotAt(12)), overriding).thenState({ view: { slot: slotAt(12) } });
  });

  it('checks the revision and the existence', () => {
    given(bookingDecider, createdBooking()).when(reschedule(to, 5), customer).thenThrows('revision-conflict');
    given(bookingDecider, []).when(reschedule(), customer).thenThrows('not-found');
  });
});

describe('booking decider: UpdateParticipants', () => {
  const roomy = { ...DEFAULT_BOOKING_POLICY, maxParticipantsPerBooking: 4 };
  const classBooking = () => createdBooking({ serviceType: 'CLASS', sessionId: 'ses1', appointmentSessionId: null, partySize: 2, policySnapshot: roomy });
  const participants = (partySize: number, expectedRevision?: number): BookingCommand => ({ type: 'UpdateParticipants', partySize, expectedRevision });

  it('changes the party of a class or course booking, with the previous size', () => {
    given(bookingDecider, classBooking()).when(participants(3), customer).then([{ type: 'booking.participants-updated', data: { id: 'b1', partySize: 3, previous: { partySize: 2 }, at: T } }]);
    given(bookingDecider, classBooking()).when(participants(1, 1), customer).thenState({ view: { partySize: 1, revision: 2 } });
    given(bookingDecider, createdBooking({ serviceType: 'COURSE', partySize: 1, policySnapshot: roomy })).when(participants(2), customer).thenState({ view: { partySize: 2 } });
  });

  it('records nothing when the party stays the same', () => {
    given(bookingDecider, classBooking()).when(participants(2), customer).thenNothing();
  });

  it('never changes an appointment, which has no participants to count', () => {
    given(bookingDecider, createdBooking()).when(participants(2), business).thenThrows('invalid-transition');
  });

  it('refuses to change a closed booking', () => {
    given(bookingDecider, [...classBooking(), canceled()]).when(participants(3), business).thenThrows('invalid-transition');
  });

  // Bug: UpdateParticipants does not apply the policy's maxParticipantsPerBooking, so a party
  // booked within the limit can grow past it; CreateBooking refuses the same party.
  it('refuses a party larger than the policy allows, as creation does', () => {
    given(bookingDecider, classBooking()).when(participants(5), customer).thenThrows('policy-violation', [{ field: 'partySize', reason: 'max-participants' }]);
  });

  it('checks the revision and the existence', () => {
    given(bookingDecider, classBooking()).when(participants(3, 4), customer).thenThrows('revision-conflict');
    given(bookingDecider, []).when(participants(3), customer).thenThrows('not-found');
  });
});

describe('booking decider: MarkAttendance', () => {
  const started = { ...business, now: later(72.25) };
  const party = () => createdBooking({ serviceType: 'CLASS', partySize: 3, policySnapshot: { ...DEFAULT_BOOKING_POLICY, maxParticipantsPerBooking: 3 } });

  it('records who came once the booking has started', () => {
    given(bookingDecider, party())
      .when({ type: 'MarkAttendance', status: 'ATTENDED', attendeeCount: 2 }, started)
      .then([{ type: 'booking.attendance-marked', data: { id: 'b1', status: 'ATTENDED', attendeeCount: 2, at: started.now.toISOString() } }]);
    given(bookingDecider, party()).when({ type: 'MarkAttendance', status: 'NOT_ATTENDED', attendeeCount: 0 }, started).thenState({ view: { attendance: { status: 'NOT_ATTENDED', attendeeCount: 0 }, revision: 2 } });
  });

  it('marks attendance from the very start', () => {
    given(bookingDecider, party()).when({ type: 'MarkAttendance', status: 'ATTENDED', attendeeCount: 3 }, { ...business, now: new Date(SLOT.start) }).thenState({ view: { attendance: { attendeeCount: 3 } } });
  });

  it('refuses before the start', () => {
    given(bookingDecider, party()).when({ type: 'MarkAttendance', status: 'ATTENDED', attendeeCount: 1 }, business).thenThrows('invalid-transition');
  });

  it('refuses more attendees than the party', () => {
    given(bookingDecider, party()).when({ type: 'MarkAttendance', status: 'ATTENDED', attendeeCount: 4 }, started).thenThrows('validation', [{ field: 'attendeeCount', reason: 'at most 3' }]);
  });

  it('marks only a CONFIRMED booking', () => {
    given(bookingDecider, pendingBooking()).when({ type: 'MarkAttendance', status: 'ATTENDED', attendeeCount: 1 }, started).thenThrows('invalid-transition');
    given(bookingDecider, [...party(), canceled()]).when({ type: 'MarkAttendance', status: 'ATTENDED', attendeeCount: 1 }, started).thenThrows('invalid-transition');
  });

  it('knows no booking that was never created', () => {
    given(bookingDecider, []).when({ type: 'MarkAttendance', status: 'ATTENDED', attendeeCount: 1 }, started).thenThrows('not-found');
  });
});

describe('booking decider: UpdatePayment', () => {
  const paid: BookingEvent = { type: 'booking.payment-updated', data: { id: 'b1', paymentStatus: 'PAID', amountPaid: '25.00', previous: { paymentStatus: 'NOT_PAID' }, at: T } };

  it('records a payment with the previous status', () => {
    given(bookingDecider, createdBooking()).when({ type: 'UpdatePayment', paymentStatus: 'PAID', amountPaid: '25.00' }, business).then([paid]);
    given(bookingDecider, createdBooking()).when({ type: 'UpdatePayment', paymentStatus: 'PAID', amountPaid: '25.00' }, business).thenState({ view: { paymentStatus: 'PAID', amountPaid: '25.00', revision: 2 } });
  });

  it('records a change of the amount alone', () => {
    given(bookingDecider, [...createdBooking(), paid])
      .when({ type: 'UpdatePayment', paymentStatus: 'PAID', amountPaid: '30.00' }, business)
      .then([{ type: 'booking.payment-updated', data: { id: 'b1', paymentStatus: 'PAID', amountPaid: '30.00', previous: { paymentStatus: 'PAID' }, at: T } }]);
  });

  it('records nothing when neither status nor amount changes', () => {
    given(bookingDecider, createdBooking()).when({ type: 'UpdatePayment', paymentStatus: 'NOT_PAID', amountPaid: null }, business).thenNothing();
    given(bookingDecider, [...createdBooking(), paid]).when({ type: 'UpdatePayment', paymentStatus: 'PAID', amountPaid: '25.00' }, business).thenNothing();
  });

  it('records payments on a canceled booking too (refunds)', () => {
    given(bookingDecider, [...createdBooking(), paid, canceled()]).when({ type: 'UpdatePayment', paymentStatus: 'REFUNDED', amountPaid: '0.00' }, business).thenState({ view: { status: 'CANCELED', paymentStatus: 'REFUNDED' } });
  });

  it('knows no booking that was never created', () => {
    given(bookingDecider, []).when({ type: 'UpdatePayment', paymentStatus: 'PAID', amountPaid: null }, business).thenThrows('not-found');
  });
});

describe('booking decider: evolve', () => {
  it('ignores events of a booking it never saw created', () => {
    given(bookingDecider, [canceled()]).when({ type: 'UpdatePayment', paymentStatus: 'PAID', amountPaid: null }, business).thenThrows('not-found');
  });

  it('counts one revision per event across a history', () => {
    const history = [...pendingBooking()];
    history.push(...given(bookingDecider, history).when({ type: 'ConfirmBooking' }, business)());
    history.push(...given(bookingDecider, history).when({ type: 'UpdatePayment', paymentStatus: 'PAID', amountPaid: '25.00' }, business)());
    given(bookingDecider, history)
      .when({ type: 'CancelBooking', reason: null, restoreCredit: false, expectedRevision: 3 }, customer)
      .thenState({ view: { revision: 4, status: 'CANCELED', paymentStatus: 'PAID', holdsSlot: false, createdAt: T } });
  });
});
