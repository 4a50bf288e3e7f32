import { DEFAULT_BOOKING_POLICY } from '@kairos/services';
import { given } from '@kairos/testing';
import { BookingEvent, BookingView, allowedActions, bookingDecider } from './booking';
import { NOW, T, business, canceled, createdBooking, customer, draftBooking, overriding, pendingBooking, recordedWith, slotAt } from './booking.fixture';

const statusChange = (type: 'booking.confirmed' | 'booking.declined', previousStatus: 'CREATED' | 'PENDING', actor: 'BUSINESS' | 'CUSTOMER', reason: string | null, holdsSlot: boolean): BookingEvent => ({
  type,
  data: { id: 'b1', previousStatus, actor, reason, at: T, holdsSlot },
});

describe('booking decider: ConfirmBooking', () => {
  it('lets the BUSINESS approve a PENDING request, which then holds the slot', () => {
    given(bookingDecider, pendingBooking()).when({ type: 'ConfirmBooking' }, business).then([statusChange('booking.confirmed', 'PENDING', 'BUSINESS', null, true)]);
    given(bookingDecider, pendingBooking()).when({ type: 'ConfirmBooking', expectedRevision: 1 }, business).thenState({ view: { status: 'CONFIRMED', holdsSlot: true, revision: 2 } });
  });

  it('lets a CUSTOMER confirm their own draft', () => {
    given(bookingDecider, draftBooking()).when({ type: 'ConfirmBooking' }, customer).then([statusChange('booking.confirmed', 'CREATED', 'CUSTOMER', null, true)]);
  });

  it('refuses a CUSTOMER approving a request', () => {
    given(bookingDecider, pendingBooking()).when({ type: 'ConfirmBooking' }, customer).thenThrows('forbidden');
  });

  it('refuses to confirm a booking that is not a draft or a request', () => {
    given(bookingDecider, createdBooking()).when({ type: 'ConfirmBooking' }, business).thenThrows('invalid-transition');
    given(bookingDecider, [...createdBooking(), canceled()]).when({ type: 'ConfirmBooking' }, business).thenThrows('invalid-transition');
  });

  it('checks the revision before the rules', () => {
    given(bookingDecider, pendingBooking()).when({ type: 'ConfirmBooking', expectedRevision: 2 }, customer).thenThrows('revision-conflict', [{ field: 'revision' }]);
  });

  it('knows no booking that was never created', () => {
    given(bookingDecider, []).when({ type: 'ConfirmBooking' }, business).thenThrows('not-found');
  });
});

describe('booking decider: DeclineBooking', () => {
  it('lets the BUSINESS decline a request or a draft, with its reason', () => {
    given(bookingDecider, pendingBooking()).when({ type: 'DeclineBooking', reason: 'fully booked' }, business).then([statusChange('booking.declined', 'PENDING', 'BUSINESS', 'fully booked', false)]);
    given(bookingDecider, draftBooking()).when({ type: 'DeclineBooking', reason: null, expectedRevision: 1 }, business).thenState({ view: { status: 'DECLINED', holdsSlot: false, revision: 2 } });
  });

  it('refuses a CUSTOMER', () => {
    given(bookingDecider, pendingBooking()).when({ type: 'DeclineBooking', reason: null }, customer).thenThrows('forbidden');
  });

  it('refuses to decline a CONFIRMED booking', () => {
    given(bookingDecider, createdBooking()).when({ type: 'DeclineBooking', reason: null }, business).thenThrows('invalid-transition');
  });

  it('checks the revision and the existence', () => {
    given(bookingDecider, pendingBooking()).when({ type: 'DeclineBooking', reason: null, expectedRevision: 3 }, business).thenThrows('revision-conflict');
    given(bookingDecider, []).when({ type: 'DeclineBooking', reason: null }, business).thenThrows('not-found');
  });
});

describe('booking decider: CancelBooking', () => {
  const cancel = (restoreCredit = false) => ({ type: 'CancelBooking' as const, reason: 'sick', restoreCredit });

  it('cancels within the window, and records who did and why', () => {
    given(bookingDecider, createdBooking()).when(cancel(), customer).then([
      {
        type: 'booking.canceled',
        data: { id: 'b1', previousStatus: 'CONFIRMED', actor: 'CUSTOMER', reason: 'sick', at: T, holdsSlot: false, withinPolicy: true, creditsRestored: false },
      },
    ]);
    given(bookingDecider, createdBooking())
      .when(cancel(), customer)
      .thenState({ view: { status: 'CANCELED', holdsSlot: false, revision: 2, cancellation: { reason: 'sick', actor: 'CUSTOMER', withinPolicy: true } } });
  });

  it('cancels a draft, a request and a waiting-list booking too', () => {
    given(bookingDecider, draftBooking()).when(cancel(), customer).thenState({ view: { status: 'CANCELED' } });
    given(bookingDecider, pendingBooking()).when(cancel(), customer).thenState({ view: { status: 'CANCELED' } });
    given(bookingDecider, recordedWith('WAITING_LIST')).when(cancel(), customer).thenState({ view: { status: 'CANCELED' } });
  });

  it('refuses to cancel twice or to cancel a declined booking', () => {
    given(bookingDecider, [...createdBooking(), canceled()]).when(cancel(), business).thenThrows('invalid-transition');
    given(bookingDecider, recordedWith('DECLINED')).when(cancel(), business).thenThrows('invalid-transition');
  });

  it('refuses a cancellation past the window, for the BUSINESS too unless it overrides', () => {
    const soon = createdBooking({ slot: slotAt(30) }, business);
    const late = { ...customer, now: new Date(NOW.getTime() + 7 * 60 * 60 * 1000) };
    given(bookingDecider, soon).when(cancel(), late).thenThrows('policy-violation', [{ field: 'slot', reason: 'cancel-window' }]);
    given(bookingDecider, soon).when(cancel(), { ...late, actor: 'BUSINESS' }).thenThrows('policy-violation', [{ field: 'slot', reason: 'cancel-window' }]);
    given(bookingDecider, soon).when(cancel(), { ...late, ignorePolicy: true }).thenThrows('policy-violation');
    given(bookingDecider, soon).when(cancel(), { ...overriding, now: late.now }).thenState({ view: { status: 'CANCELED', cancellation: { withinPolicy: false, actor: 'BUSINESS' } } });
  });

  it('has no window where the policy sets none', () => {
    const anytime = createdBooking({ slot: slotAt(30), policySnapshot: { ...DEFAULT_BOOKING_POLICY, latestCancelMinutes: null } });
    given(bookingDecider, anytime).when(cancel(), { ...customer, now: new Date(NOW.getTime() + 29 * 60 * 60 * 1000) }).thenState({ view: { cancellation: { withinPolicy: true } } });
  });

  describe('membership credits', () => {
    const creditsRestored = (restored: boolean) => [{ type: 'booking.canceled', data: { creditsRestored: restored } }];
    const membership = (option: 'MEMBERSHIP' | 'MEMBERSHIP_OFFLINE', hoursAhead = 72) => createdBooking({ selectedPaymentOption: option, slot: slotAt(hoursAhead) }, overriding);

    it('restores the credit of a membership booking canceled in time', () => {
      expect(given(bookingDecider, membership('MEMBERSHIP')).when(cancel(), customer)()).toMatchObject(creditsRestored(true));
      expect(given(bookingDecider, membership('MEMBERSHIP_OFFLINE')).when(cancel(), customer)()).toMatchObject(creditsRestored(true));
    });

    it("restores a late cancellation's credit only when the BUSINESS asks", () => {
      const late = membership('MEMBERSHIP', 12);
      expect(given(bookingDecider, late).when(cancel(false), overriding)()).toMatchObject(creditsRestored(false));
      expect(given(bookingDecider, late).when(cancel(true), overriding)()).toMatchObject(creditsRestored(true));
    });

    it('restores no credit of a booking not paid by membership', () => {
      expect(given(bookingDecider, createdBooking()).when(cancel(true), customer)()).toMatchObject(creditsRestored(false));
    });
  });

  it('checks the revision and the existence', () => {
    given(bookingDecider, createdBooking()).when({ ...cancel(), expectedRevision: 2 }, customer).thenThrows('revision-conflict');
    given(bookingDecider, []).when(cancel(), customer).thenThrows('not-found');
  });
});

describe('allowedActions', () => {
  const viewOf = (events: BookingEvent[]) => {
    const state = given(bookingDecider, events).state();
    if (state.status === 'none') throw new Error('no booking');
    return state.view;
  };

  it('offers cancel and reschedule on an open booking inside the windows', () => {
    expect(allowedActions(viewOf(createdBooking()), NOW, 'CUSTOMER')).toEqual({ cancel: true, reschedule: true });
  });

  it('closes them for a CUSTOMER past the windows, never for the BUSINESS', () => {
    const soon = viewOf(createdBooking({ slot: slotAt(2) }, overriding));
    expect(allowedActions(soon, NOW, 'CUSTOMER')).toEqual({ cancel: false, reschedule: false });
    expect(allowedActions(soon, NOW, 'BUSINESS')).toEqual({ cancel: true, reschedule: true });
  });

  it('never reschedules a course, and only cancels a waiting-list booking', () => {
    expect(allowedActions(viewOf(createdBooking({ serviceType: 'COURSE' })), NOW, 'BUSINESS')).toEqual({ cancel: true, reschedule: false });
    expect(allowedActions(viewOf(recordedWith('WAITING_LIST')), NOW, 'CUSTOMER')).toEqual({ cancel: true, reschedule: false });
  });

  it('offers nothing on a closed booking', () => {
    expect(allowedActions(viewOf([...createdBooking(), canceled()]), NOW, 'BUSINESS')).toEqual({ cancel: false, reschedule: false });
    expect(allowedActions(viewOf(recordedWith('DECLINED')), NOW, 'BUSINESS')).toEqual({ cancel: false, reschedule: false });
  });
});

describe('booking decider: CancelWithSession', () => {
  const withSession = { type: 'CancelWithSession', reason: 'the session was canceled' } as const;
  const canceledWith = (previousStatus: BookingView['status'], creditsRestored = false): BookingEvent => ({
    type: 'booking.canceled',
    data: { id: 'b1', previousStatus, actor: 'BUSINESS', reason: 'the session was canceled', at: T, holdsSlot: false, withinPolicy: true, creditsRestored },
  });

  it('cancels a CONFIRMED, PENDING or CREATED booking within policy, even inside the cancel window', () => {
    given(bookingDecider, createdBooking({ slot: slotAt(1) }, overriding)).when(withSession, business).then([canceledWith('CONFIRMED')]);
    given(bookingDecider, pendingBooking()).when(withSession, business).then([canceledWith('PENDING')]);
    given(bookingDecider, draftBooking()).when(withSession, business).thenState({ view: { status: 'CANCELED', holdsSlot: false, cancellation: { reason: 'the session was canceled', actor: 'BUSINESS', withinPolicy: true } } });
  });

  it('gives a membership its credit back', () => {
    given(bookingDecider, createdBooking({ selectedPaymentOption: 'MEMBERSHIP' })).when(withSession, business).then([canceledWith('CONFIRMED', true)]);
  });

  it('leaves a booking that already ended as it is', () => {
    given(bookingDecider, [...createdBooking(), canceled()]).when(withSession, business).thenNothing();
    given(bookingDecider, recordedWith('DECLINED')).when(withSession, business).thenNothing();
  });
});
