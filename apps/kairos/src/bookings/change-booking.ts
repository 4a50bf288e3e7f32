import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  AskedSlot,
  BookingChange,
  BookingCommand,
  BookingContext,
  BookingView,
  appointmentSessionIdOf,
  bookingAnswerOf,
  bookingDecider,
  bookingStream,
  checkPolicyOverride,
  creditChangeOf,
  targetOf,
} from '@kairos/bookings';
import { ActorType, DomainError, fold } from '@kairos/core';
import { RequestContext } from '../http/request-context';
import { PlanPart, StreamReader, handleCommand, streamOf } from '../infrastructure/command-handling';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { usesResource } from '../infrastructure/references';
import { couponReleasesOf, endsCouponUse } from '../memberships/coupon-use';
import { BookingFacts } from './booking-facts';
import { viewOf } from './create-booking';
import { CreditRedemption } from '../memberships/credit-redemption';
import { holdChange } from './holds';
import { Waitlists } from './waitlists';

export class ChangeBooking {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly change: BookingChange, readonly expectedRevision?: number) {}
}

const NO_HOLD_CHANGE: PlanPart = { streams: [], decide: () => [] };

/** Gives back what the booking held before and takes what it holds after; unchanged holds cancel out. */
const holdChangesOf = (tenant: string, actor: ActorType, before: BookingView, after: BookingView, scheduleId: string, capacity: number): PlanPart => {
  const moved = before.slot.start !== after.slot.start || before.sessionId !== after.sessionId || before.appointmentSessionId !== after.appointmentSessionId;
  const resized = before.partySize !== after.partySize;
  if (before.holdsSlot === after.holdsSlot && !moved && !resized) return NO_HOLD_CHANGE;
  const release = before.holdsSlot && (moved || !after.holdsSlot) ? targetOf(before, scheduleId, capacity) : null;
  const take = after.holdsSlot && (moved || resized || !before.holdsSlot) ? targetOf(after, scheduleId, capacity) : null;
  return holdChange(tenant, actor, release, take);
};

/**
 * Every change after creation: decide on the booking, then take or give back what it holds in the
 * same atomic append, so a booking and its resources or seats never disagree.
 */
@CommandHandler(ChangeBooking)
export class ChangeBookingHandler implements ICommandHandler<ChangeBooking> {
  constructor(
    private readonly es: EventSourcing,
    private readonly waitlists: Waitlists,
    private readonly facts: BookingFacts,
    private readonly credits: CreditRedemption,
  ) {}

  execute({ ctx, id, change, expectedRevision }: ChangeBooking) {
    const { tenant } = ctx;
    const booking = streamOf(bookingStream(tenant, id), bookingDecider);
    return handleCommand(this.es, ctx, async (attempt) => {
      const { now } = attempt;
      const state = await attempt.read(booking);
      const before = viewOf(state);
      const service = await this.facts.service(attempt, tenant, before.serviceId).catch(() => null);
      const scheduleId = service?.scheduleId ?? before.scheduleId ?? '';
      const ignorePolicy = 'ignorePolicy' in change ? Boolean(change.ignorePolicy) : false;
      checkPolicyOverride(ignorePolicy, ctx.actor.type);
      const context: BookingContext = {
        now,
        actor: ctx.actor.type,
        ignorePolicy,
        onlineBookingEnabled: service?.onlineBooking.enabled,
        allowMultipleRequests: service?.onlineBooking.allowMultipleRequests,
      };
      const capacity = await this.capacityOf(attempt, tenant, before, scheduleId);
      let command: BookingCommand;
      switch (change.kind) {
        case 'confirm':
          command = { type: 'ConfirmBooking', expectedRevision };
          break;
        case 'decline':
          command = { type: 'DeclineBooking', reason: change.reason, expectedRevision };
          break;
        case 'cancel':
          command = { type: 'CancelBooking', reason: change.reason, restoreCredit: change.restoreCredit, expectedRevision };
          break;
        case 'reschedule':
          command = await this.reschedule(attempt, tenant, before, change, expectedRevision, now);
          break;
        case 'participants':
          command = { type: 'UpdateParticipants', partySize: change.partySize, expectedRevision };
          break;
        case 'attendance':
          command = { type: 'MarkAttendance', status: change.status, attendeeCount: change.attendeeCount };
          break;
        case 'payment':
          command = { type: 'UpdatePayment', paymentStatus: change.paymentStatus, amountPaid: change.amountPaid };
          break;
      }
      const events = bookingDecider.decide(command, state, context);
      const after = viewOf(fold(bookingDecider, events, state));
      const holds = events.length > 0 ? holdChangesOf(tenant, ctx.actor.type, before, after, scheduleId, capacity) : NO_HOLD_CHANGE;
      const credits = this.credits.change(tenant, before, creditChangeOf(before, events), service);
      const freedSeats = before.serviceType === 'CLASS' && before.holdsSlot && (!after.holdsSlot || after.sessionId !== before.sessionId || after.partySize < before.partySize);
      const offer = freedSeats && before.sessionId ? await this.waitlists.offerFreed(attempt, tenant, before.sessionId) : null;
      const couponReleases = endsCouponUse(before, after) ? await couponReleasesOf(attempt, tenant, [before], now) : [];
      return {
        streams: [booking, ...holds.streams, ...credits.streams, ...(offer?.streams ?? [])],
        decide: (states) => {
          const appends = [{ streamId: booking.streamId, events }, ...holds.decide(states, now), ...credits.decide(states, now), ...couponReleases];
          return { appends: offer ? offer.after(states, appends, now) : appends, answer: bookingAnswerOf(after, now, ctx.actor.type) };
        },
      };
    });
  }

  private async capacityOf(reader: StreamReader, tenant: string, booking: BookingView, serviceScheduleId: string): Promise<number> {
    if (booking.serviceType === 'APPOINTMENT') return 1;
    if (booking.serviceType === 'COURSE') return (await this.facts.schedule(reader, tenant, booking.scheduleId!)).capacity;
    const service = await this.facts.service(reader, tenant, booking.serviceId);
    const session = await this.facts.classSession(reader, tenant, service, booking.sessionId!).catch(() => null);
    return session?.capacity ?? (await this.facts.schedule(reader, tenant, serviceScheduleId)).capacity;
  }

  private async reschedule(
    reader: StreamReader,
    tenant: string,
    before: BookingView,
    change: { slot?: AskedSlot; sessionId?: string },
    expectedRevision: number | undefined,
    now: Date,
  ): Promise<BookingCommand> {
    if (before.serviceType === 'COURSE') throw new DomainError('invalid-transition', 'a course is booked whole; cancel and book another instead');
    if (change.slot?.serviceId !== undefined && change.slot.serviceId !== before.serviceId) {
      throw new DomainError('validation', 'a booking moves within its service', [{ field: 'slot.serviceId', reason: "not the booking's service" }]);
    }
    if (before.serviceType === 'CLASS') {
      if (!change.sessionId) throw new DomainError('validation', 'a class booking moves to another session', [{ field: 'sessionId', reason: 'required for a CLASS' }]);
      const service = await this.facts.service(reader, tenant, before.serviceId);
      const session = await this.facts.classSession(reader, tenant, service, change.sessionId);
      return {
        type: 'RescheduleBooking',
        slot: { ...before.slot, start: session.start, end: session.end, resourceIds: session.resourceIds, locationId: session.locationId },
        sessionId: session.id,
        appointmentSessionId: null,
        expectedRevision,
      };
    }
    if (!change.slot) throw new DomainError('validation', 'an appointment moves to another slot', [{ field: 'slot', reason: 'required for an APPOINTMENT' }]);
    if (Date.parse(change.slot.end) - Date.parse(change.slot.start) !== Date.parse(before.slot.end) - Date.parse(before.slot.start)) {
      throw new DomainError('validation', 'a reschedule keeps the duration', [{ field: 'slot.end', reason: 'duration differs' }]);
    }
    // The same check as a new booking, with the booking's own session not counting against it;
    // without resources asked for, it keeps those it has that the service still uses.
    const service = await this.facts.service(reader, tenant, before.serviceId);
    const slot = await this.facts.appointmentSlot(
      tenant,
      service,
      before.policySnapshot,
      { ...change.slot, resourceIds: change.slot.resourceIds ?? before.slot.resourceIds.filter((id) => usesResource(service, id)) },
      before.id,
      now,
      before.appointmentSessionId ? [before.appointmentSessionId] : [],
    );
    return {
      type: 'RescheduleBooking',
      slot: { ...slot, bufferBeforeMinutes: before.slot.bufferBeforeMinutes, bufferAfterMinutes: before.slot.bufferAfterMinutes },
      sessionId: null,
      appointmentSessionId: appointmentSessionIdOf(before.id, before.revision + 1),
      expectedRevision,
    };
  }
}
