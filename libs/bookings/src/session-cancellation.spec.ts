import { fold } from '@kairos/core';
import { PlanOrderCommand, PlanOrderState, planOrderDecider } from '@kairos/memberships';
import { BookingEvent, BookingFields, bookingDecider } from './booking/booking';
import { NOW, T, business, createdBooking, draftBooking, overriding, pendingBooking } from './booking/booking.fixture';
import { SeatsEvent, seatsDecider } from './seats/seats';
import { MAX_CASCADED_BOOKINGS, cascadeCancellation, planOrdersOf } from './session-cancellation';
import { WaitlistEvent, waitlistDecider } from './waitlist/waitlist';

const REASON = 'the session was canceled';
const context = { now: NOW, actor: 'BUSINESS' as const, reason: REASON };
const onSession = (sessionId = 'ses1'): Partial<BookingFields> => ({ serviceType: 'CLASS', sessionId, appointmentSessionId: null });
const booking = (id: string, events: BookingEvent[]) => fold(bookingDecider, events.map((e) => ({ ...e, data: { ...e.data, id } }) as BookingEvent), bookingDecider.initialState());
const seats = (events: SeatsEvent[]) => fold(seatsDecider, events, seatsDecider.initialState());
const waitlist = (events: WaitlistEvent[]) => fold(waitlistDecider, events, waitlistDecider.initialState());
const taken = (holderId: string): SeatsEvent => ({ type: 'seats.taken', data: { offerId: 'ses1', holderId, partySize: 1, capacity: 2 } });
const entry = (entryId: string, contactId: string, position: number): WaitlistEvent => ({
  type: 'waitlist.joined',
  data: { entryId, sessionId: 'ses1', contactId, partySize: 1, position, status: 'WAITING', offerExpiresAt: null, bookingId: null, joinedAt: T },
});
const canceledWith = (id: string, previousStatus: string) => ({
  type: 'booking.canceled',
  data: { id, previousStatus, actor: 'BUSINESS', reason: REASON, at: T, holdsSlot: false, withinPolicy: true, creditsRestored: false },
});

describe('cascadeCancellation: what a canceled class session or course takes with it', () => {
  it('given two seated bookings, a draft and a waitlist entry, when the session is canceled, then all end and the seats close', () => {
    const decided = cascadeCancellation(
      [{ offerId: 'ses1', seats: seats([taken('b1'), taken('b2')]), waitlist: waitlist([entry('e1', 'c9', 1)]) }],
      [booking('b1', createdBooking(onSession())), booking('b2', pendingBooking(onSession())), booking('b3', draftBooking(onSession()))],
      context,
    );
    expect(decided.canceledBookingIds).toEqual(['b1', 'b2', 'b3']);
    expect(decided.bookings).toEqual([
      { id: 'b1', events: [canceledWith('b1', 'CONFIRMED')] },
      { id: 'b2', events: [canceledWith('b2', 'PENDING')] },
      { id: 'b3', events: [canceledWith('b3', 'CREATED')] },
    ]);
    expect(decided.seats).toEqual([
      {
        offerId: 'ses1',
        events: [
          { type: 'seats.released', data: { offerId: 'ses1', holderId: 'b1' } },
          { type: 'seats.released', data: { offerId: 'ses1', holderId: 'b2' } },
          { type: 'seats.closed', data: { offerId: 'ses1' } },
        ],
      },
    ]);
    expect(decided.waitlists).toEqual([
      { offerId: 'ses1', events: [{ type: 'waitlist.left', data: { sessionId: 'ses1', entryId: 'e1', contactId: 'c9', at: T, offerExpiresAt: null, previousStatus: 'WAITING', actor: 'BUSINESS', reason: null } }] },
    ]);
  });

  it('given an offered entry, when the session is canceled, then its locked seats unlock and nobody else is offered', () => {
    const locked: SeatsEvent = { type: 'seats.locked', data: { offerId: 'ses1', entryId: 'e1', contactId: 'c9', partySize: 1, until: '2026-03-01T10:10:00.000Z' } };
    const decided = cascadeCancellation([{ offerId: 'ses1', seats: seats([locked]), waitlist: waitlist([entry('e1', 'c9', 1), entry('e2', 'c8', 2)]) }], [], context);
    expect(decided.seats[0].events).toEqual([{ type: 'seats.unlocked', data: { offerId: 'ses1', entryId: 'e1' } }, { type: 'seats.closed', data: { offerId: 'ses1' } }]);
    expect(decided.waitlists[0].events.map((e) => [e.type, e.data.entryId])).toEqual([
      ['waitlist.left', 'e1'],
      ['waitlist.left', 'e2'],
    ]);
  });

  it('given candidates that moved to another session or already ended, when the session is canceled, then they stay as they are', () => {
    const moved = booking('b1', createdBooking(onSession('ses2')));
    const ended = booking('b2', [...createdBooking(onSession()), { type: 'booking.canceled', data: { id: 'b2', previousStatus: 'CONFIRMED', actor: 'CUSTOMER', reason: null, at: T, holdsSlot: false, withinPolicy: true, creditsRestored: false } }]);
    const decided = cascadeCancellation([{ offerId: 'ses1', seats: seats([]), waitlist: null }], [moved, ended, bookingDecider.initialState()], context);
    expect(decided.canceledBookingIds).toEqual([]);
    expect(decided.seats).toEqual([{ offerId: 'ses1', events: [{ type: 'seats.closed', data: { offerId: 'ses1' } }] }]);
    expect(decided.waitlists).toEqual([]);
  });

  it('given a canceled course, when the cascade runs, then its course bookings end by its schedule id', () => {
    const course = booking('b1', createdBooking({ serviceType: 'COURSE', scheduleId: 'sch9', appointmentSessionId: null }, business));
    expect(cascadeCancellation([{ offerId: 'sch9', seats: seats([]), waitlist: null }], [course], context).canceledBookingIds).toEqual(['b1']);
  });

  it(`refuses to cancel more than ${MAX_CASCADED_BOOKINGS} bookings in one append`, () => {
    const many = Array.from({ length: MAX_CASCADED_BOOKINGS + 1 }, (_, i) => booking(`b${i}`, createdBooking(onSession())));
    expect(() => cascadeCancellation([{ offerId: 'ses1', seats: seats([]), waitlist: null }], many, context)).toThrow(expect.objectContaining({ code: 'has-future-bookings' }));
    expect(cascadeCancellation([{ offerId: 'ses1', seats: seats([]), waitlist: null }], many.slice(1), context).canceledBookingIds).toHaveLength(MAX_CASCADED_BOOKINGS);
  });

  it('given bookings paid with a plan order, when the session is canceled, then each gives back the credits it holds, one after the other', () => {
    const plan = {
      id: 'p1',
      revision: 1,
      createdAt: T,
      updatedAt: T,
      name: 'Five classes',
      description: null,
      pricing: { type: 'SINGLE_PAYMENT' as const, cycle: null, cycleCount: null, duration: { unit: 'MONTH' as const, length: 3 }, freeTrialDays: 0, price: null },
      benefit: { kind: 'LIMITED' as const, credits: 5, serviceIds: ['s1'] },
      timeZone: 'UTC',
      archivedAt: null,
    };
    const redeem = (bookingId: string, credits: number): PlanOrderCommand => ({ type: 'RedeemCredits', bookingId, credits, serviceId: 's1', servicePlanIds: [], start: T });
    let order: PlanOrderState = planOrderDecider.initialState();
    for (const command of [{ type: 'PurchasePlan' as const, id: 'o1', plan, contactId: 'c1' }, redeem('b1', 1), redeem('b2', 2)]) {
      order = fold(planOrderDecider, planOrderDecider.decide(command, order, { now: NOW }), order);
    }
    const paid = { ...onSession(), selectedPaymentOption: 'MEMBERSHIP' as const, planOrderId: 'o1' };
    const bookings = [booking('b1', createdBooking(paid)), booking('b2', createdBooking({ ...paid, partySize: 2 }, overriding)), booking('b3', createdBooking(onSession()))];
    expect(planOrdersOf(bookings)).toEqual(['o1']);

    const decided = cascadeCancellation([{ offerId: 'ses1', seats: seats([]), waitlist: null }], bookings, context, new Map([['o1', order]]));
    expect(decided.bookings.map((b) => b.events[0].data)).toEqual([
      expect.objectContaining({ id: 'b1', creditsRestored: true }),
      expect.objectContaining({ id: 'b2', creditsRestored: true }),
      expect.objectContaining({ id: 'b3', creditsRestored: false }),
    ]);
    expect(decided.orders).toEqual([
      {
        orderId: 'o1',
        events: [
          { type: 'plan-order.credits-restored', data: { id: 'o1', bookingId: 'b1', credits: 1, remaining: 3, at: T } },
          { type: 'plan-order.credits-restored', data: { id: 'o1', bookingId: 'b2', credits: 2, remaining: 5, at: T } },
        ],
      },
    ]);
  });
});
