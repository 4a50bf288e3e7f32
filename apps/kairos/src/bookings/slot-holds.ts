import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { BookedSlot, SlotHoldRequest, SlotHoldState, SlotHoldView, appointmentSessionIdOf, checkSlotHoldRequest, classSlotOf, slotHoldDecider, slotHoldStream, slotHoldSubjectOf, targetOf } from '@kairos/bookings';
import { existing, fold, newId } from '@kairos/core';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { handleCommand, streamOf } from '../infrastructure/command-handling';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { BookingFacts } from './booking-facts';
import { holdChange } from './holds';

export class HoldSlot {
  constructor(readonly ctx: RequestContext, readonly request: SlotHoldRequest) {}
}
export class EndSlotHold {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly how: 'release' | 'expire') {}
}

const viewOf = (state: SlotHoldState): SlotHoldView => existing(state, 'slot hold');

@CommandHandler(HoldSlot)
export class HoldSlotHandler implements ICommandHandler<HoldSlot> {
  constructor(private readonly es: EventSourcing, private readonly facts: BookingFacts) {}

  execute({ ctx, request }: HoldSlot): Promise<Positioned<SlotHoldView>> {
    const id = request.id ?? newId();
    const { tenant } = ctx;
    checkSlotHoldRequest(request);
    const hold = streamOf(slotHoldStream(tenant, id), slotHoldDecider);
    return handleCommand(this.es, ctx, async (attempt) => {
      const { now } = attempt;
      const service = await this.facts.serviceOf(attempt, tenant, request);
      const policy = await this.facts.policy(attempt, tenant, service.bookingPolicyId);
      const schedule = await this.facts.schedule(attempt, tenant, service.scheduleId);
      const subject = slotHoldSubjectOf(request, service);
      let capacity = 1;
      let sessionId: string | null = null;
      let slot: BookedSlot;
      if (subject.kind === 'appointment') {
        slot = await this.facts.appointmentSlot(tenant, service, policy, subject.slot, id, now);
      } else {
        const session = await this.facts.classSession(attempt, tenant, service, subject.sessionId);
        sessionId = session.id;
        capacity = session.capacity ?? schedule.capacity;
        slot = classSlotOf(session);
      }
      const before = await attempt.read(hold);
      const events = slotHoldDecider.decide(
        {
          type: 'PlaceHold',
          minutes: request.minutes ?? 10,
          hold: {
            id,
            serviceId: service.id,
            serviceType: service.type,
            slot,
            sessionId,
            scheduleId: null,
            appointmentSessionId: service.type === 'APPOINTMENT' ? appointmentSessionIdOf(id, 1) : null,
            partySize: request.partySize ?? 1,
            contactId: request.contactId,
          },
        },
        before,
        { now },
      );
      const view = viewOf(fold(slotHoldDecider, events, before));
      const taken = holdChange(tenant, ctx.actor.type, null, targetOf({ ...view, id }, service.scheduleId, capacity));
      return {
        streams: [hold, ...taken.streams],
        decide: (states) => ({ appends: [{ streamId: hold.streamId, events }, ...taken.decide(states, now)], answer: view, location: `/v1/slot-holds/${id}` }),
      };
    });
  }
}

/** Releasing (by the caller) and expiring (by the timer) both give the slot back with the hold's end. */
@CommandHandler(EndSlotHold)
export class EndSlotHoldHandler implements ICommandHandler<EndSlotHold> {
  constructor(private readonly es: EventSourcing, private readonly facts: BookingFacts) {}

  execute({ ctx, id, how }: EndSlotHold): Promise<Positioned<SlotHoldView>> {
    const hold = streamOf(slotHoldStream(ctx.tenant, id), slotHoldDecider);
    return handleCommand(this.es, ctx, async (attempt) => {
      const { now } = attempt;
      const before = await attempt.read(hold);
      const events = slotHoldDecider.decide({ type: how === 'release' ? 'ReleaseHold' : 'ExpireHold', actor: ctx.actor.type }, before, { now });
      const view = viewOf(before);
      const service = await this.facts.service(attempt, ctx.tenant, view.serviceId).catch(() => null);
      const released = events.length > 0 ? holdChange(ctx.tenant, ctx.actor.type, targetOf({ ...view }, service?.scheduleId ?? '', 1), null) : { streams: [], decide: () => [] };
      return {
        streams: [hold, ...released.streams],
        decide: (states) => ({ appends: [{ streamId: hold.streamId, events }, ...released.decide(states, now)], answer: viewOf(fold(slotHoldDecider, events, before)) }),
      };
    });
  }
}
