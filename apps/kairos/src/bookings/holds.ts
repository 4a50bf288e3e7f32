import { Injectable } from '@nestjs/common';
import { DomainEvent, fold } from '@kairos/core';
import { BookingView, claimBuckets, claimStream, claimsDecider, seatsDecider, seatsStream } from '@kairos/bookings';
import { SessionFields, SessionState, scheduleIdOf, sessionDecider, sessionStream } from '@kairos/scheduling';
import { KAIROS_NAMESPACE, uuidV5 } from '@kairos/core';
import { RequestContext } from '../http/request-context';
import { EventSourcing, Loaded, PendingAppend } from '../infrastructure/event-sourcing';

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
  /** Accepting a waitlist offer: the seats locked for this entry and contact are this booking's to take. */
  acceptingEntry?: { entryId: string; contactId: string };
}

/** The EVENT session an appointment booking puts on the calendar; a new one per reschedule. */
export const appointmentSessionIdOf = (bookingId: string, revision: number) => uuidV5(KAIROS_NAMESPACE, `booking-session:${bookingId}:${revision}`);

const offerOf = (t: HoldTarget) => (t.serviceType === 'CLASS' ? t.sessionId! : t.scheduleId!);

const spanOf = (t: HoldTarget) => ({
  start: Date.parse(t.slot.start) - t.slot.bufferBeforeMinutes * MINUTE,
  end: Date.parse(t.slot.end) + t.slot.bufferAfterMinutes * MINUTE,
});

/**
 * Turns "give back" and "take" into appends on the guard streams, decided against their current
 * state: a clash throws slot-taken or capacity-exceeded, and the expected revisions make a
 * concurrent taker lose at append time. Giving back and taking in one change (a reschedule, a hold
 * becoming a booking) decides the take on the state after the give-back, in the same append.
 */
@Injectable()
export class Holds {
  constructor(private readonly es: EventSourcing) {}

  take(ctx: RequestContext, target: HoldTarget, now: Date): Promise<PendingAppend[]> {
    return this.change(ctx, null, target, now);
  }

  release(ctx: RequestContext, target: HoldTarget, now: Date): Promise<PendingAppend[]> {
    return this.change(ctx, target, null, now);
  }

  async change(ctx: RequestContext, release: HoldTarget | null, take: HoldTarget | null, now: Date): Promise<PendingAppend[]> {
    const pending: PendingAppend[] = [];
    const seatsOf = (t: HoldTarget) => seatsStream(ctx.tenant, offerOf(t));
    const claimStreams = (t: HoldTarget) => {
      const { start, end } = spanOf(t);
      return t.slot.resourceIds.flatMap((resourceId) => claimBuckets(start, end).map((bucket) => ({ resourceId, bucket, stream: claimStream(ctx.tenant, resourceId, bucket) })));
    };
    const streams = new Set<string>();
    for (const t of [release, take]) {
      if (!t) continue;
      if (t.serviceType === 'APPOINTMENT') for (const c of claimStreams(t)) streams.add(c.stream);
      else streams.add(seatsOf(t));
    }
    const sorted = [...streams].sort();
    const seatStreams = sorted.filter((stream) => stream.startsWith('seats:'));
    const claimStreamIds = sorted.filter((stream) => !stream.startsWith('seats:'));
    const releasedSessionStream = release?.appointmentSessionId ? sessionStream(ctx.tenant, release.appointmentSessionId) : null;
    const takenSessionStream = take?.serviceType === 'APPOINTMENT' && take.appointmentSessionId ? sessionStream(ctx.tenant, take.appointmentSessionId) : null;
    // Asked for together, the streams are read with one statement (SqlEventStore.readStream).
    const [seatStates, claimStates, releasedSession, takenSession] = await Promise.all([
      Promise.all(seatStreams.map((stream) => this.es.load(stream, seatsDecider))),
      Promise.all(claimStreamIds.map((stream) => this.es.load(stream, claimsDecider))),
      releasedSessionStream ? this.es.load(releasedSessionStream, sessionDecider) : null,
      takenSessionStream ? this.es.load(takenSessionStream, sessionDecider) : null,
    ]);
    for (const [index, stream] of seatStreams.entries()) {
      const loaded = seatStates[index];
      let state = loaded.state;
      const events: DomainEvent[] = [];
      if (release && release.serviceType !== 'APPOINTMENT' && seatsOf(release) === stream) {
        const given = seatsDecider.decide({ type: 'Release', offerId: offerOf(release), holderId: release.bookingId }, state, { now });
        state = fold(seatsDecider, given, state);
        events.push(...given);
      }
      if (take && take.serviceType !== 'APPOINTMENT' && seatsOf(take) === stream) {
        events.push(
          ...seatsDecider.decide(
            { type: 'Take', offerId: offerOf(take), holderId: take.bookingId, partySize: take.partySize, capacity: take.capacity, ...take.acceptingEntry },
            state,
            { now },
          ),
        );
      }
      pending.push({ streamId: stream, expected: loaded.expected, events });
    }
    for (const [index, stream] of claimStreamIds.entries()) {
      const loaded = claimStates[index];
      let state = loaded.state;
      const events: DomainEvent[] = [];
      const mine = (t: HoldTarget | null) => (t && t.serviceType === 'APPOINTMENT' ? claimStreams(t).find((c) => c.stream === stream) : undefined);
      const given = mine(release);
      if (given && release) {
        const released = claimsDecider.decide({ type: 'Release', resourceId: given.resourceId, bucket: given.bucket, holderId: release.bookingId }, state, { now });
        state = fold(claimsDecider, released, state);
        events.push(...released);
      }
      const wanted = mine(take);
      if (wanted && take) {
        events.push(...claimsDecider.decide({ type: 'Claim', resourceId: wanted.resourceId, bucket: wanted.bucket, claim: { holderId: take.bookingId, ...spanOf(take) } }, state, { now }));
      }
      pending.push({ streamId: stream, expected: loaded.expected, events });
    }
    if (releasedSessionStream && releasedSession?.state.status === 'ACTIVE') {
      pending.push({ streamId: releasedSessionStream, expected: releasedSession.expected, events: sessionDecider.decide({ type: 'CancelSeries', from: null }, releasedSession.state, { now }) });
    }
    if (takenSessionStream && takenSession && take) pending.push(appointmentSession(take, takenSessionStream, takenSession, now));
    return pending;
  }
}

/** The EVENT session that puts an appointment on its resources' calendars, so availability sees it. */
const appointmentSession = (target: HoldTarget, streamId: string, session: Loaded<SessionState>, now: Date): PendingAppend => {
  const sessionId = target.appointmentSessionId!;
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
    bookingId: target.bookingId,
  };
  return { streamId, expected: session.expected, events: sessionDecider.decide({ type: 'CreateSession', id: sessionId, fields }, session.state, { now }) };
};
