import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { BookingCommand, BookingContext, BookingView, bookingDecider, bookingStream } from '@kairos/bookings';
import { DomainError, fold } from '@kairos/core';
import { RequestContext } from '../http/request-context';
import { EventSourcing, PendingAppend } from '../infrastructure/event-sourcing';
import { usesResource } from '../infrastructure/references';
import { BookingFacts, answerOf, targetOf, viewOf } from './bookings.commands';
import { AttendanceDto, CancelBookingDto, DeclineBookingDto, ParticipantsDto, PaymentDto, RescheduleBookingDto } from './bookings.dto';
import { Holds, appointmentSessionIdOf } from './holds';
import { Waitlists } from './waitlists';

export type LifecycleAction =
  | { kind: 'confirm'; revision?: number }
  | { kind: 'decline'; dto: DeclineBookingDto }
  | { kind: 'cancel'; dto: CancelBookingDto }
  | { kind: 'reschedule'; dto: RescheduleBookingDto }
  | { kind: 'participants'; dto: ParticipantsDto }
  | { kind: 'attendance'; dto: AttendanceDto }
  | { kind: 'payment'; dto: PaymentDto };

export class ChangeBooking {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly action: LifecycleAction, readonly ifMatch?: number) {}
}

/**
 * Every change after creation: decide on the booking, then take or give back what it holds in the
 * same atomic append, so a booking and its resources or seats never disagree.
 */
@CommandHandler(ChangeBooking)
export class ChangeBookingHandler implements ICommandHandler<ChangeBooking> {
  constructor(
    private readonly es: EventSourcing,
    private readonly holds: Holds,
    private readonly waitlists: Waitlists,
    private readonly facts: BookingFacts,
  ) {}

  async execute({ ctx, id, action, ifMatch }: ChangeBooking) {
    return this.es.retrying(async () => {
      const now = this.es.now();
      const booking = await this.es.load(bookingStream(ctx.tenant, id), bookingDecider);
      const before = viewOf(booking.state);
      const service = await this.facts.service(ctx.tenant, before.serviceId).catch(() => null);
      const scheduleId = service?.scheduleId ?? before.scheduleId ?? '';
      const ignorePolicy = 'dto' in action && 'ignorePolicy' in action.dto ? Boolean(action.dto.ignorePolicy) : false;
      if (ignorePolicy && ctx.actor.type !== 'BUSINESS') throw new DomainError('forbidden', 'only the business may override the policy');
      const context: BookingContext = {
        now,
        actor: ctx.actor.type,
        ignorePolicy,
        onlineBookingEnabled: service?.onlineBooking.enabled,
        allowMultipleRequests: service?.onlineBooking.allowMultipleRequests,
      };
      const expectedRevision = ifMatch ?? ('dto' in action && 'revision' in action.dto ? action.dto.revision : action.kind === 'confirm' ? action.revision : undefined);
      const capacity = await this.capacityOf(ctx, before, scheduleId);
      let command: BookingCommand;
      switch (action.kind) {
        case 'confirm':
          command = { type: 'ConfirmBooking', expectedRevision };
          break;
        case 'decline':
          command = { type: 'DeclineBooking', reason: action.dto.reason ?? null, expectedRevision };
          break;
        case 'cancel':
          command = { type: 'CancelBooking', reason: action.dto.reason ?? null, restoreCredit: action.dto.restoreCredit ?? false, expectedRevision };
          break;
        case 'reschedule':
          command = await this.reschedule(ctx, before, action.dto, expectedRevision);
          break;
        case 'participants':
          command = { type: 'UpdateParticipants', partySize: action.dto.partySize, capacityLeft: capacity, expectedRevision };
          break;
        case 'attendance':
          command = { type: 'MarkAttendance', status: action.dto.status, attendeeCount: action.dto.attendeeCount };
          break;
        case 'payment':
          command = { type: 'UpdatePayment', paymentStatus: action.dto.paymentStatus, amountPaid: action.dto.amountPaid ?? null };
          break;
      }
      const events = bookingDecider.decide(command, booking.state, context);
      const after = viewOf(fold(bookingDecider, events, booking.state));
      const pending: PendingAppend[] = [{ streamId: bookingStream(ctx.tenant, id), expected: booking.expected, events }];
      if (events.length > 0) pending.push(...(await this.holdChanges(ctx, before, after, scheduleId, capacity, now)));
      const freedSeats = before.serviceType === 'CLASS' && before.holdsSlot && (!after.holdsSlot || after.sessionId !== before.sessionId || after.partySize < before.partySize);
      const offered = freedSeats && before.sessionId ? await this.waitlists.offerFreed(ctx, before.sessionId, pending, now) : pending;
      return this.es.commit(ctx, offered, now, answerOf(after, now, ctx.actor.type));
    });
  }

  private async capacityOf(ctx: RequestContext, booking: BookingView, serviceScheduleId: string): Promise<number> {
    if (booking.serviceType === 'APPOINTMENT') return 1;
    if (booking.serviceType === 'COURSE') return (await this.facts.schedule(ctx.tenant, booking.scheduleId!)).capacity;
    const service = await this.facts.service(ctx.tenant, booking.serviceId);
    const session = await this.facts.classSession(ctx.tenant, service, booking.sessionId!).catch(() => null);
    return session?.capacity ?? (await this.facts.schedule(ctx.tenant, serviceScheduleId)).capacity;
  }

  private async reschedule(ctx: RequestContext, before: BookingView, dto: RescheduleBookingDto, expectedRevision: number | undefined): Promise<BookingCommand> {
    if (before.serviceType === 'COURSE') throw new DomainError('invalid-transition', 'a course is booked whole; cancel and book another instead');
    if (before.serviceType === 'CLASS') {
      if (!dto.sessionId) throw new DomainError('validation', 'a class booking moves to another session', [{ field: 'sessionId', reason: 'required for a CLASS' }]);
      const service = await this.facts.service(ctx.tenant, before.serviceId);
      const session = await this.facts.classSession(ctx.tenant, service, dto.sessionId);
      return {
        type: 'RescheduleBooking',
        slot: { ...before.slot, start: session.start, end: session.end, resourceIds: session.resourceIds, locationId: session.locationId },
        sessionId: session.id,
        appointmentSessionId: null,
        expectedRevision,
      };
    }
    if (!dto.slot) throw new DomainError('validation', 'an appointment moves to another slot', [{ field: 'slot', reason: 'required for an APPOINTMENT' }]);
    if (Date.parse(dto.slot.end) - Date.parse(dto.slot.start) !== Date.parse(before.slot.end) - Date.parse(before.slot.start)) {
      throw new DomainError('validation', 'a reschedule keeps the duration', [{ field: 'slot.end', reason: 'duration differs' }]);
    }
    // The same check as a new booking, with the booking's own session not counting against it;
    // without resources asked for, it keeps those it has that the service still uses.
    const service = await this.facts.service(ctx.tenant, before.serviceId);
    const slot = await this.facts.appointmentSlot(
      ctx,
      service,
      before.policySnapshot,
      { ...dto.slot, resourceIds: dto.slot.resourceIds ?? before.slot.resourceIds.filter((id) => usesResource(service, id)) },
      before.id,
      this.es.now(),
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

  /** Gives back what the booking held before and takes what it holds after; unchanged holds cancel out. */
  private async holdChanges(ctx: RequestContext, before: BookingView, after: BookingView, scheduleId: string, capacity: number, now: Date): Promise<PendingAppend[]> {
    const moved = before.slot.start !== after.slot.start || before.sessionId !== after.sessionId || before.appointmentSessionId !== after.appointmentSessionId;
    const resized = before.partySize !== after.partySize;
    if (before.holdsSlot === after.holdsSlot && !moved && !resized) return [];
    const release = before.holdsSlot && (moved || !after.holdsSlot) ? targetOf(before, scheduleId, capacity) : null;
    const take = after.holdsSlot && (moved || resized || !before.holdsSlot) ? targetOf(after, scheduleId, capacity) : null;
    return this.holds.change(ctx, release, take, now);
  }
}
