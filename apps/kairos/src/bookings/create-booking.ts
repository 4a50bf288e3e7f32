import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  BookedSlot,
  BookingContext,
  BookingRequest,
  BookingState,
  BookingView,
  bookingAnswerOf,
  bookingDecider,
  bookingFieldsOf,
  bookingStream,
  bookingSubjectOf,
  checkBookingRequest,
  classSlotOf,
  heldFor,
  paysWithPlan,
  slotHoldDecider,
  slotHoldStream,
  targetOf,
  waitlistDecider,
  waitlistStream,
} from '@kairos/bookings';
import { existing, fold, newId } from '@kairos/core';
import { scheduleStream } from '@kairos/scheduling';
import { RequestContext } from '../http/request-context';
import { handleCommand, streamOf } from '../infrastructure/command-handling';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { References } from '../infrastructure/references';
import { couponUseOf } from '../memberships/coupon-use';
import { couponByCode } from '../memberships/coupons.commands';
import { bookingContactOf } from './booking-contact';
import { BookingFacts } from './booking-facts';
import { CreditRedemption } from '../memberships/credit-redemption';
import { holdChange } from './holds';

export class CreateBooking {
  /** `waitlistEntryId`: accepting a waitlist offer, whose locked seats this booking takes. */
  constructor(readonly ctx: RequestContext, readonly request: BookingRequest, readonly waitlistEntryId?: string) {}
}

export const viewOf = (state: BookingState): BookingView => existing(state, 'booking');

@CommandHandler(CreateBooking)
export class CreateBookingHandler implements ICommandHandler<CreateBooking> {
  constructor(
    private readonly es: EventSourcing,
    private readonly facts: BookingFacts,
    private readonly references: References,
    private readonly credits: CreditRedemption,
  ) {}

  async execute({ ctx, request, waitlistEntryId }: CreateBooking) {
    const id = request.id ?? newId();
    const { tenant } = ctx;
    checkBookingRequest(request, ctx.actor.type);
    if (request.holdId) await this.references.requireAll([{ field: 'holdId', streamId: slotHoldStream(tenant, request.holdId), noun: 'slot hold' }]);
    const booking = streamOf(bookingStream(tenant, id), bookingDecider);
    const held = request.holdId ? streamOf(slotHoldStream(tenant, request.holdId), slotHoldDecider) : null;

    return handleCommand(this.es, ctx, async (attempt) => {
      const { now } = attempt;
      // Reads asked for together share one read of the event store (SqlEventStore.readStream).
      const [service, before, heldState, coupon, contact] = await Promise.all([
        this.facts.serviceOf(attempt, tenant, request),
        attempt.read(booking),
        held ? attempt.read(held) : null,
        request.couponCode ? couponByCode(attempt, tenant, request.couponCode) : null,
        bookingContactOf(attempt, tenant, request),
      ]);
      const [policy, schedule] = await Promise.all([this.facts.policy(attempt, tenant, service.bookingPolicyId), this.facts.schedule(attempt, tenant, service.scheduleId)]);
      if (request.scheduleId && request.scheduleId !== service.scheduleId) {
        await this.references.requireAll([{ field: 'scheduleId', streamId: scheduleStream(tenant, request.scheduleId), noun: 'schedule' }]);
      }
      const hold = heldState ? heldFor(request, heldState, service.id) : null;
      const subject = bookingSubjectOf(request, service, hold);
      let slot: BookedSlot;
      let capacity = 1;
      let sessionId: string | null = null;
      let scheduleId: string | null = null;
      switch (subject.kind) {
        case 'held':
          slot = subject.slot;
          break;
        case 'appointment':
          slot = await this.facts.appointmentSlot(tenant, service, policy, subject.slot, id, now);
          break;
        case 'class': {
          const session = await this.facts.classSession(attempt, tenant, service, subject.sessionId);
          sessionId = session.id;
          capacity = session.capacity ?? schedule.capacity;
          slot = classSlotOf(session);
          break;
        }
        case 'course':
          scheduleId = subject.scheduleId;
          capacity = schedule.capacity;
          slot = await this.facts.courseSpan(tenant, service, schedule);
          break;
      }
      // A taken id answers already-exists whatever the credits.
      const paid = paysWithPlan(request.selectedPaymentOption ?? 'OFFLINE') && before.status === 'none'
        ? await this.credits.redeem(attempt, tenant, { bookingId: id, contactId: request.contactId!, planOrderId: request.planOrderId, credits: request.partySize ?? 1, service, start: slot.start }, now)
        : null;
      const fields = bookingFieldsOf(contact.contactId, id, request, service, policy, { slot, sessionId, scheduleId, planOrderId: paid?.planOrderId }, coupon?.state.view);
      const context: BookingContext = {
        now,
        actor: ctx.actor.type,
        ignorePolicy: request.ignorePolicy,
        onlineBookingEnabled: service.onlineBooking.enabled,
        requireManualApproval: service.onlineBooking.requireManualApproval,
        allowMultipleRequests: service.onlineBooking.allowMultipleRequests,
      };
      const events = bookingDecider.decide({ type: 'CreateBooking', id, fields, draft: request.draft ?? false }, before, context);
      const created = viewOf(fold(bookingDecider, events, before));
      const accepting = waitlistEntryId && fields.contactId ? { entryId: waitlistEntryId, contactId: fields.contactId } : undefined;
      const waitlist = accepting && sessionId ? streamOf(waitlistStream(tenant, sessionId), waitlistDecider) : null;
      const take = created.holdsSlot ? { ...targetOf(created, service.scheduleId, capacity), acceptingEntry: accepting } : null;
      const guards = holdChange(tenant, ctx.actor.type, hold ? targetOf(hold, service.scheduleId, capacity) : null, take);
      const couponUse = coupon ? couponUseOf(coupon, id, fields) : null;
      return {
        streams: [booking, ...(held ? [held] : []), ...(waitlist ? [waitlist] : []), ...guards.streams, ...(paid?.part.streams ?? []), ...(couponUse?.streams ?? []), ...contact.part.streams],
        decide: (states) => {
          const holdEnds =
            hold && held ? [{ streamId: held.streamId, events: slotHoldDecider.decide({ type: 'BookHold', bookingId: id, contactId: fields.contactId ?? '', actor: ctx.actor.type }, states.of(held), { now }) }] : [];
          const offerEnds =
            waitlist && accepting ? [{ streamId: waitlist.streamId, events: waitlistDecider.decide({ type: 'Accept', ...accepting, bookingId: id, actor: ctx.actor.type }, states.of(waitlist), { now }) }] : [];
          return {
            // The guards are decided after the offer, so a lapsed offer answers offer-expired rather than a locked seat.
            appends: [
              { streamId: booking.streamId, events },
              ...holdEnds,
              ...offerEnds,
              ...guards.decide(states, now),
              ...(paid?.part.decide(states, now) ?? []),
              ...(couponUse?.decide(states, now) ?? []),
              ...contact.part.decide(states, now),
            ],
            answer: bookingAnswerOf(created, now, ctx.actor.type),
            location: `/v1/bookings/${id}`,
          };
        },
      };
    });
  }
}
