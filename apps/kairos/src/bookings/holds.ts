import { ClaimsState, HoldTarget, SeatsState, claimBuckets, claimStream, claimsDecider, seatsDecider, seatsStream } from '@kairos/bookings';
import { ActorType, DomainEvent, fold } from '@kairos/core';
import { SessionFields, SessionState, scheduleIdOf, sessionDecider, sessionStream } from '@kairos/scheduling';
import { PlanPart, StreamEvents, StreamOf, States, streamOf } from '../infrastructure/command-handling';

const MINUTE = 60_000;

const offerOf = (t: HoldTarget) => (t.serviceType === 'CLASS' ? t.sessionId! : t.scheduleId!);

const spanOf = (t: HoldTarget) => ({
  start: Date.parse(t.slot.start) - t.slot.bufferBeforeMinutes * MINUTE,
  end: Date.parse(t.slot.end) + t.slot.bufferAfterMinutes * MINUTE,
});

/**
 * Turns "give back" and "take" into appends on the guard streams, decided against their current
 * state: a clash throws slot-taken or capacity-exceeded, and the expected revisions make a
 * concurrent taker lose at append time. Giving back and taking in one change (a reschedule, a hold
 * becoming a booking) decides the take on the state after the give-back, in the same append. The
 * actor is whoever caused the change, named by the appointment session it cancels.
 */
export const holdChange = (tenant: string, actor: ActorType, release: HoldTarget | null, take: HoldTarget | null): PlanPart => {
  const seatsOf = (t: HoldTarget) => seatsStream(tenant, offerOf(t));
  const claimStreams = (t: HoldTarget) => {
    const { start, end } = spanOf(t);
    return t.slot.resourceIds.flatMap((resourceId) => claimBuckets(start, end).map((bucket) => ({ resourceId, bucket, stream: claimStream(tenant, resourceId, bucket) })));
  };
  const streams = new Set<string>();
  for (const t of [release, take]) {
    if (!t) continue;
    if (t.serviceType === 'APPOINTMENT') for (const c of claimStreams(t)) streams.add(c.stream);
    else streams.add(seatsOf(t));
  }
  const sorted = [...streams].sort();
  const seatStreams: StreamOf<SeatsState>[] = sorted.filter((stream) => stream.startsWith('seats:')).map((stream) => streamOf(stream, seatsDecider));
  const claimStreamIds: StreamOf<ClaimsState>[] = sorted.filter((stream) => !stream.startsWith('seats:')).map((stream) => streamOf(stream, claimsDecider));
  const releasedSession = release?.appointmentSessionId ? streamOf(sessionStream(tenant, release.appointmentSessionId), sessionDecider) : null;
  const takenSession = take?.serviceType === 'APPOINTMENT' && take.appointmentSessionId ? streamOf(sessionStream(tenant, take.appointmentSessionId), sessionDecider) : null;
  return {
    streams: [...seatStreams, ...claimStreamIds, ...(releasedSession ? [releasedSession] : []), ...(takenSession ? [takenSession] : [])],
    decide: (states: States, now: Date): StreamEvents[] => {
      const appends: StreamEvents[] = [];
      for (const stream of seatStreams) {
        let state = states.of(stream);
        const events: DomainEvent[] = [];
        if (release && release.serviceType !== 'APPOINTMENT' && seatsOf(release) === stream.streamId) {
          const given = seatsDecider.decide({ type: 'Release', offerId: offerOf(release), holderId: release.bookingId }, state, { now });
          state = fold(seatsDecider, given, state);
          events.push(...given);
        }
        if (take && take.serviceType !== 'APPOINTMENT' && seatsOf(take) === stream.streamId) {
          events.push(
            ...seatsDecider.decide(
              { type: 'Take', offerId: offerOf(take), holderId: take.bookingId, partySize: take.partySize, capacity: take.capacity, ...take.acceptingEntry },
              state,
              { now },
            ),
          );
        }
        appends.push({ streamId: stream.streamId, events });
      }
      for (const stream of claimStreamIds) {
        let state = states.of(stream);
        const events: DomainEvent[] = [];
        const mine = (t: HoldTarget | null) => (t && t.serviceType === 'APPOINTMENT' ? claimStreams(t).find((c) => c.stream === stream.streamId) : undefined);
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
        appends.push({ streamId: stream.streamId, events });
      }
      if (releasedSession) {
        const session = states.of(releasedSession);
        if (session.status === 'ACTIVE') appends.push({ streamId: releasedSession.streamId, events: sessionDecider.decide({ type: 'CancelSeries', from: null, actor }, session, { now }) });
      }
      if (takenSession && take) appends.push({ streamId: takenSession.streamId, events: appointmentSession(take, states.of(takenSession), now) });
      return appends;
    },
  };
};

/** The EVENT session that puts an appointment on its resources' calendars, so availability sees it. */
const appointmentSession = (target: HoldTarget, session: SessionState, now: Date): DomainEvent[] => {
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
  return sessionDecider.decide({ type: 'CreateSession', id: sessionId, fields }, session, { now });
};
