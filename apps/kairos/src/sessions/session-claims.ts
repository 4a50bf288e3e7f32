import { Injectable } from '@nestjs/common';
import { busyBlockOf, holds } from '@kairos/availability';
import { ClaimsState, claimBuckets, claimStream, claimsDecider } from '@kairos/bookings';
import { DomainError, DomainEvent, fold } from '@kairos/core';
import { SessionView, scheduleDecider, scheduleStream, schedulesTouchedBy, sessionInstances } from '@kairos/scheduling';
import { PlanPart, StreamOf, StreamReader, streamOf } from '../infrastructure/command-handling';

const DAY = 24 * 60 * 60 * 1000;
/**
 * How far ahead a series holds its resources at write time, as far as its instance ids are
 * indexed. Instances further out still block availability through the read model.
 */
export const CLAIM_HORIZON_DAYS = 400;

interface WantedClaim {
  stream: string;
  resourceId: string;
  bucket: string;
  holderId: string;
  start: number;
  end: number;
}

export interface SeriesChange {
  before: SessionView | null;
  after: SessionView | null;
}

/** EVENT sessions claim; an appointment's session does not, its booking holds the same time. */
const claiming = (view: SessionView | null): view is SessionView => view !== null && view.type === 'EVENT' && !view.bookingId;

const keyOf = (c: WantedClaim) => `${c.stream} ${c.holderId} ${c.start} ${c.end}`;

const NOTHING: PlanPart = { streams: [], decide: () => [] };

/**
 * The write-time side of api.md invariant 1 for sessions: every busy instance (an ACTIVE EVENT
 * that holds a resource's schedule) claims that resource's hours for its buffered span, in the same
 * streams bookings claim. A session placed over a booking, or a booking over a session, loses at
 * append time with slot-taken, whichever came second, even when the read model has not caught up.
 */
@Injectable()
export class SessionClaims {
  /**
   * The claim changes that take each series from `before` to `after` (null: no series), from now to
   * the horizon; several series changed in one append (a split, a canceled schedule) share one part.
   */
  async change(reader: StreamReader, tenant: string, series: SeriesChange[], now: Date): Promise<PlanPart> {
    const window = { from: now, to: new Date(now.getTime() + CLAIM_HORIZON_DAYS * DAY) };
    const views = series.flatMap(({ before, after }) => [before, after]).filter(claiming);
    if (views.length === 0) return NOTHING;
    const scheduleIds = [...new Set(views.flatMap(schedulesTouchedBy))];
    const schedules = await Promise.all(scheduleIds.map((id) => reader.read(streamOf(scheduleStream(tenant, id), scheduleDecider))));
    const resourceOf = new Map<string, string>();
    schedules.forEach((state, index) => {
      if (state.status !== 'none' && state.view.ownerType === 'RESOURCE') resourceOf.set(scheduleIds[index], state.view.ownerId);
    });
    if (resourceOf.size === 0) return NOTHING;

    const wanted = (of: (SessionView | null)[]): Map<string, WantedClaim> => {
      const claims = new Map<string, WantedClaim>();
      const views = of.filter(claiming);
      for (const instance of views.flatMap((view) => sessionInstances(view, window))) {
        const { start, end } = busyBlockOf(instance);
        for (const [scheduleId, resourceId] of resourceOf) {
          if (!holds(instance, scheduleId)) continue;
          for (const bucket of claimBuckets(start, end)) {
            const claim = { stream: claimStream(tenant, resourceId, bucket), resourceId, bucket, holderId: instance.id, start, end };
            claims.set(keyOf(claim), claim);
          }
        }
      }
      return claims;
    };
    const held = wanted(series.map((s) => s.before));
    const next = wanted(series.map((s) => s.after));
    // Judged against what the streams hold, not what the series should have held: a session that
    // missed a claim (made before sessions claimed) gets it with its next change.
    const holders = new Set([...held.values(), ...next.values()].map((c) => c.holderId));
    const places = new Map([...held.values(), ...next.values()].map((c) => [c.stream, { resourceId: c.resourceId, bucket: c.bucket }]));
    const desiredIn = new Map<string, WantedClaim[]>();
    for (const c of next.values()) desiredIn.set(c.stream, [...(desiredIn.get(c.stream) ?? []), c]);
    const streams: StreamOf<ClaimsState>[] = [...places.keys()].sort().map((stream) => streamOf(stream, claimsDecider));
    return {
      streams,
      decide: (states) =>
        streams.map((stream) => {
          let state = states.of(stream);
          const events: DomainEvent[] = [];
          const desired = desiredIn.get(stream.streamId) ?? [];
          const stale = state.claims.filter((c) => holders.has(c.holderId) && !desired.some((d) => d.holderId === c.holderId && d.start === c.start && d.end === c.end));
          const { resourceId, bucket } = places.get(stream.streamId)!;
          for (const c of stale) {
            const given = claimsDecider.decide({ type: 'Release', resourceId, bucket, holderId: c.holderId }, state, { now });
            state = fold(claimsDecider, given, state);
            events.push(...given);
          }
          for (const c of desired) {
            let claimed: DomainEvent[];
            try {
              claimed = claimsDecider.decide({ type: 'Claim', resourceId: c.resourceId, bucket: c.bucket, claim: { holderId: c.holderId, start: c.start, end: c.end } }, state, { now });
            } catch (error) {
              if (!(error instanceof DomainError) || error.code !== 'slot-taken') throw error;
              throw new DomainError('slot-taken', `resource ${c.resourceId} is booked or busy at ${new Date(c.start).toISOString()}`, [
                { field: 'resourceIds', reason: `resource ${c.resourceId} is taken at that time` },
              ]);
            }
            state = fold(claimsDecider, claimed, state);
            events.push(...claimed);
          }
          return { streamId: stream.streamId, events };
        }),
    };
  }
}
