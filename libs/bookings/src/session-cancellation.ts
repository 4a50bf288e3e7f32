import { ActorType, DomainError, fold } from '@kairos/core';
import { PlanOrderEvent, PlanOrderState, planOrderDecider } from '@kairos/memberships';
import { BookingEvent, BookingState, bookingDecider } from './booking/booking';
import { creditChangeOf } from './booking-rules';
import { SeatsEvent, SeatsState, seatsDecider } from './seats/seats';
import { WaitlistEvent, WaitlistState, waitlistDecider } from './waitlist/waitlist';

/**
 * How many bookings one cancellation may cancel: every one is a stream in the same atomic append,
 * so a series with more is canceled in steps (a later `from` first, or instance by instance).
 */
export const MAX_CASCADED_BOOKINGS = 100;

/** A canceled class session instance (its id) or course (its schedule's id), with the streams that guard it. */
export interface CanceledOffer {
  offerId: string;
  seats: SeatsState;
  /** Class sessions only: a course has no waitlist. */
  waitlist: WaitlistState | null;
}

export interface CascadedCancellation {
  bookings: { id: string; events: BookingEvent[] }[];
  seats: { offerId: string; events: SeatsEvent[] }[];
  waitlists: { offerId: string; events: WaitlistEvent[] }[];
  /** Credits given back to the plan orders that paid for canceled bookings. */
  orders: { orderId: string; events: PlanOrderEvent[] }[];
  canceledBookingIds: string[];
}

/** The plan orders that paid for these bookings: the cascade may give them credits back, so the caller reads them. */
export const planOrdersOf = (bookings: BookingState[]): string[] => [
  ...new Set(bookings.flatMap((state) => (state.status === 'exists' && state.view.planOrderId ? [state.view.planOrderId] : []))),
];

/** The offer a booking stands on: its class session, or its course's schedule. */
export const offerOf = (state: BookingState) => (state.status === 'none' ? null : state.view.serviceType === 'COURSE' ? state.view.scheduleId : state.view.sessionId);

/**
 * What canceling class sessions or a course does to what stands on them, decided on the streams'
 * current states: every open booking still on one of them (CREATED drafts included: they could
 * only be confirmed onto a canceled session) is canceled by the caller, within policy, and gives its
 * seats back; each offer's seats close, so no booking or waitlist offer takes them afterwards; and
 * its waitlist entries still waiting or offered end as LEFT, their locked seats unlocked and never
 * offered again. `bookings` may hold stale candidates (a read model's): only those still on a
 * canceled offer count. A canceled booking paid with a plan gives its credits back to its order
 * (`orders`: the states of the orders `planOrdersOf` names), several bookings of one order in turn.
 */
export const cascadeCancellation = (
  offers: CanceledOffer[],
  bookings: BookingState[],
  context: { now: Date; actor: ActorType; reason: string },
  orders: ReadonlyMap<string, PlanOrderState> = new Map(),
): CascadedCancellation => {
  const { now, actor, reason } = context;
  const canceled = new Set(offers.map((o) => o.offerId));
  const affected = bookings
    .filter((state) => canceled.has(offerOf(state) ?? ''))
    .map((state) => ({ state, events: bookingDecider.decide({ type: 'CancelWithSession', reason }, state, { now, actor }) }))
    .filter((b) => b.events.length > 0);
  if (affected.length > MAX_CASCADED_BOOKINGS) {
    throw new DomainError('has-future-bookings', `${affected.length} bookings would be canceled; at most ${MAX_CASCADED_BOOKINGS} at once: cancel in smaller steps`);
  }
  const canceledBookingIds = affected.map((b) => (b.state.status === 'none' ? '' : b.state.view.id));
  const restored = new Map<string, { state: PlanOrderState; events: PlanOrderEvent[] }>();
  for (const { state, events } of affected) {
    if (state.status === 'none' || creditChangeOf(state.view, events)?.kind !== 'restore') continue;
    const orderId = state.view.planOrderId!;
    const order = restored.get(orderId) ?? { state: orders.get(orderId) ?? planOrderDecider.initialState(), events: [] };
    const given = planOrderDecider.decide({ type: 'RestoreCredits', bookingId: state.view.id }, order.state, { now });
    restored.set(orderId, { state: fold(planOrderDecider, given, order.state), events: [...order.events, ...given] });
  }
  return {
    bookings: affected.map((b, i) => ({ id: canceledBookingIds[i], events: b.events })),
    seats: offers.map(({ offerId, seats }) => ({
      offerId,
      events: [
        ...[...seats.taken.keys()].flatMap((holderId) => seatsDecider.decide({ type: 'Release', offerId, holderId }, seats, { now })),
        ...[...seats.locks.keys()].flatMap((entryId) => seatsDecider.decide({ type: 'Unlock', offerId, entryId }, seats, { now })),
        ...seatsDecider.decide({ type: 'Close', offerId }, seats, { now }),
      ],
    })),
    waitlists: offers.flatMap(({ offerId, waitlist }) =>
      waitlist ? [{ offerId, events: waitlist.entries.flatMap((e) => waitlistDecider.decide({ type: 'Leave', entryId: e.entryId, actor }, waitlist, { now })) }] : [],
    ),
    orders: [...restored].map(([orderId, { events }]) => ({ orderId, events })),
    canceledBookingIds,
  };
};
