import { Injectable } from '@nestjs/common';
import { DomainEvent } from '@kairos/core';
import { BookingView, claimDays, claimStream, claimsDecider, seatsDecider, seatsStream } from '@kairos/bookings';
import { SessionFields, scheduleIdOf, sessionDecider, sessionStream } from '@kairos/scheduling';
import { KAIROS_NAMESPACE, uuidV5 } from '@kairos/core';
import { RequestContext } from '../http/request-context';
import { EventSourcing, PendingAppend } from '../infrastructure/event-sourcing';

const MINUTE = 60_000;

/** What a booking holds: resources for appointments (claims and its session), seats for classes and courses. */
export interface HoldTarget {
  bookingId: string;
  serviceType: BookingView['serviceType'];
  serviceScheduleId: string;
  slot: BookingView['slot'];
  sessionId: string | null;
  scheduleId: string | null;
  appointmentSessionId: string | null;
  partySize: number;
  capacity: number;
}

/** The EVENT session an appointment booking puts on the calendar; a new one per reschedule. */
export const appointmentSessionIdOf = (bookingId: string, revision: number) => uuidV5(KAIROS_NAMESPACE, `booking-session:${bookingId}:${revision}`);

const offerOf = (t: HoldTarget) => (t.serviceType === 'CLASS' ? t.sessionId! : t.scheduleId!);

/**
 * Turns "take" and "give back" into appends on the guard streams, decided against their current
 * state: a clash throws slot-taken or capacity-exceeded, and the expected revisions make a
 * concurrent taker lose at append time.
 */
@Injectable()
export class Holds {
  constructor(private readonly es: EventSourcing) {}

  async take(ctx: RequestContext, target: HoldTarget, now: Date): Promise<PendingAppend[]> {
    if (target.serviceType !== 'APPOINTMENT') {
      const stream = seatsStream(ctx.tenant, offerOf(target));
      const seats = await this.es.load(stream, seatsDecider);
      const events = seatsDecider.decide(
        { type: 'Take', offerId: offerOf(target), holderId: target.bookingId, partySize: target.partySize, capacity: target.capacity },
        seats.state,
        { now },
      );
      return [{ streamId: stream, expected: seats.expected, events }];
    }
    const start = Date.parse(target.slot.start) - target.slot.bufferBeforeMinutes * MINUTE;
    const end = Date.parse(target.slot.end) + target.slot.bufferAfterMinutes * MINUTE;
    const pending: PendingAppend[] = [];
    for (const resourceId of [...target.slot.resourceIds].sort()) {
      for (const day of claimDays(start, end)) {
        const stream = claimStream(ctx.tenant, resourceId, day);
        const claims = await this.es.load(stream, claimsDecider);
        const events = claimsDecider.decide({ type: 'Claim', resourceId, day, claim: { holderId: target.bookingId, start, end } }, claims.state, { now });
        pending.push({ streamId: stream, expected: claims.expected, events });
      }
    }
    const sessionId = target.appointmentSessionId!;
    const session = await this.es.load(sessionStream(ctx.tenant, sessionId), sessionDecider);
    const fields: SessionFields = {
      scheduleId: target.serviceScheduleId,
      type: 'EVENT',
      timeZone: 'UTC',
      localStart: target.slot.start.slice(0, 19),
      localEnd: target.slot.end.slice(0, 19),
      recurrence: null,
      exdates: [],
      title: null,
      capacity: 1,
      resourceIds: target.slot.resourceIds,
      affectedSchedules: target.slot.resourceIds.map((id) => ({ scheduleId: scheduleIdOf(id), transparency: 'BUSY' as const })),
      bufferBeforeMinutes: target.slot.bufferBeforeMinutes,
      bufferAfterMinutes: target.slot.bufferAfterMinutes,
      locationId: target.slot.locationId,
    };
    pending.push({
      streamId: sessionStream(ctx.tenant, sessionId),
      expected: session.expected,
      events: sessionDecider.decide({ type: 'CreateSession', id: sessionId, fields }, session.state, { now }),
    });
    return pending;
  }

  async release(ctx: RequestContext, target: HoldTarget, now: Date): Promise<PendingAppend[]> {
    if (target.serviceType !== 'APPOINTMENT') {
      const stream = seatsStream(ctx.tenant, offerOf(target));
      const seats = await this.es.load(stream, seatsDecider);
      return [{ streamId: stream, expected: seats.expected, events: seatsDecider.decide({ type: 'Release', offerId: offerOf(target), holderId: target.bookingId }, seats.state, { now }) }];
    }
    const start = Date.parse(target.slot.start) - target.slot.bufferBeforeMinutes * MINUTE;
    const end = Date.parse(target.slot.end) + target.slot.bufferAfterMinutes * MINUTE;
    const pending: PendingAppend[] = [];
    for (const resourceId of target.slot.resourceIds) {
      for (const day of claimDays(start, end)) {
        const stream = claimStream(ctx.tenant, resourceId, day);
        const claims = await this.es.load(stream, claimsDecider);
        pending.push({ streamId: stream, expected: claims.expected, events: claimsDecider.decide({ type: 'Release', resourceId, day, holderId: target.bookingId }, claims.state, { now }) });
      }
    }
    if (!target.appointmentSessionId) return pending;
    const sessionId = target.appointmentSessionId;
    const session = await this.es.load(sessionStream(ctx.tenant, sessionId), sessionDecider);
    if (session.state.status === 'ACTIVE') {
      pending.push({ streamId: sessionStream(ctx.tenant, sessionId), expected: session.expected, events: sessionDecider.decide({ type: 'CancelSeries', from: null }, session.state, { now }) as DomainEvent[] });
    }
    return pending;
  }
}
