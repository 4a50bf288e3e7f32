import { Inject, Injectable } from '@nestjs/common';
import { BookingView, CreditChange } from '@kairos/bookings';
import { DomainError } from '@kairos/core';
import { PLAN_ORDERS, PlanOrderCommand, PlanOrderState, PlanOrderView, checkMove, coversService, noEligiblePlan, orderRefusal, planOrderDecider, planOrderStream } from '@kairos/memberships';
import { ReadStore, findAll } from '@kairos/read-store';
import { ServiceView } from '@kairos/services';
import { PlanPart, StreamOf, StreamReader, streamOf } from '../infrastructure/command-handling';
import { READ_STORE } from '../infrastructure/tokens';

/** What a booking paid with a plan redeems: its party's credits, for its service and slot. */
export interface Redemption {
  bookingId: string;
  contactId: string;
  /** The order the request named; without it, the contact's covering order that ends first. */
  planOrderId?: string;
  credits: number;
  service: Pick<ServiceView, 'id' | 'payment'>;
  start: string;
}

const NO_CREDITS: PlanPart = { streams: [], decide: () => [] };

/** Refusals of the choice of order, before any one order is asked (its own refusals: `noEligiblePlan`). */
const noOrder = (reason: 'not-the-contacts-order' | 'no-covering-order', detail: string) => new DomainError('no-eligible-plan', detail, [{ field: 'planOrderId', reason }]);

/** The order's command decided in the booking's own append, on the order's state as the attempt read it. */
const orderPart = (order: StreamOf<PlanOrderState>, command: PlanOrderCommand): PlanPart => ({
  streams: [order],
  decide: (states, now) => [{ streamId: order.streamId, events: planOrderDecider.decide(command, states.of(order), { now }) }],
});

/** Open-ended orders last: what ends first is used first. */
const endsFirst = (a: PlanOrderView, b: PlanOrderView) => (a.endsAt ?? '\uffff').localeCompare(b.endsAt ?? '\uffff') || a.id.localeCompare(b.id);

/**
 * Credits of plan orders, taken and given back in the booking's own append: the order's stream is
 * read through the attempt, so the append expects the revision the decision saw, and two bookings
 * racing for the last credit cannot both win (the loser runs again and finds none left).
 */
@Injectable()
export class CreditRedemption {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  /**
   * The order a new booking paid with a plan redeems from, and the part of its append that
   * redeems: the order named (the contact's own), or else the covering order that ends first.
   */
  async redeem(reader: StreamReader, tenant: string, asked: Redemption, now: Date): Promise<{ planOrderId: string; part: PlanPart }> {
    const command: PlanOrderCommand = {
      type: 'RedeemCredits',
      bookingId: asked.bookingId,
      credits: asked.credits,
      serviceId: asked.service.id,
      servicePlanIds: asked.service.payment.planIds,
      start: asked.start,
    };
    if (asked.planOrderId) {
      const order = streamOf(planOrderStream(tenant, asked.planOrderId), planOrderDecider);
      const state = await reader.read(order);
      if (state.status === 'none') throw new DomainError('not-found', `plan order ${asked.planOrderId} does not exist`, [{ field: 'planOrderId', reason: 'no such plan order' }]);
      if (state.view.contactId !== asked.contactId) throw noOrder('not-the-contacts-order', "the plan order is not the contact's");
      return { planOrderId: asked.planOrderId, part: orderPart(order, command) };
    }
    const chosen = await this.covering(reader, tenant, asked, now);
    return { planOrderId: chosen.view.id, part: orderPart(chosen.stream, command) };
  }

  /**
   * Among the contact's ACTIVE orders covering the service (candidates from the read model, each
   * then read fresh), the first to end that has the credits. None: 422 no-eligible-plan, with the
   * first-ending covering order's reason.
   */
  async covering(reader: StreamReader, tenant: string, asked: Omit<Redemption, 'bookingId' | 'planOrderId'>, now: Date): Promise<{ stream: StreamOf<PlanOrderState>; view: PlanOrderView }> {
    const covers = { serviceId: asked.service.id, servicePlanIds: asked.service.payment.planIds, start: asked.start, credits: asked.credits, now };
    // What an order covers never changes (its plan is snapshotted), so the read model may pick the candidates.
    const candidates = await findAll<PlanOrderView>(this.readStore, PLAN_ORDERS, tenant, { contactId: asked.contactId, status: 'ACTIVE' });
    const orders = candidates.filter((o) => coversService(o, covers.serviceId, covers.servicePlanIds)).map((o) => streamOf(planOrderStream(tenant, o.id), planOrderDecider));
    // Asked for together, the streams are read with one statement (SqlEventStore.readStream).
    const fresh = (await Promise.all(orders.map(async (stream) => ({ stream, state: await reader.read(stream) }))))
      .flatMap(({ stream, state }) => (state.status === 'exists' ? [{ stream, view: state.view }] : []))
      .sort((a, b) => endsFirst(a.view, b.view));
    const chosen = fresh.find(({ view }) => orderRefusal(view, covers) === null);
    if (chosen) return chosen;
    if (fresh.length === 0) throw noOrder('no-covering-order', 'no active plan order of the contact covers this service');
    throw noEligiblePlan(orderRefusal(fresh[0].view, covers)!);
  }

  /** The part of a booking change's append that gives back or takes the credits the change asks of its order, or checks that a move stays inside it. */
  change(tenant: string, booking: Pick<BookingView, 'id' | 'planOrderId' | 'serviceId' | 'slot'>, change: CreditChange | null, service: Pick<ServiceView, 'payment'> | null): PlanPart {
    if (!change || !booking.planOrderId) return NO_CREDITS;
    const order = streamOf(planOrderStream(tenant, booking.planOrderId), planOrderDecider);
    switch (change.kind) {
      case 'move':
        return {
          streams: [order],
          decide: (states, now) => {
            const state = states.of(order);
            if (state.status === 'exists') checkMove(state.view, change.start, now);
            return [];
          },
        };
      case 'restore':
        return orderPart(order, { type: 'RestoreCredits', bookingId: booking.id, credits: change.credits });
      case 'redeem':
        return orderPart(order, {
          type: 'RedeemCredits',
          bookingId: booking.id,
          credits: change.credits,
          serviceId: booking.serviceId,
          servicePlanIds: service?.payment.planIds ?? [],
          start: booking.slot.start,
        });
    }
  }
}
