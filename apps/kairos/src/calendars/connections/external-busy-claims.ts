import { Claim, ClaimEvent, ClaimsState, claimBuckets, claimStream, claimsDecider } from '@kairos/bookings';
import { ExternalBlock } from '@kairos/calendars';
import { fold } from '@kairos/core';
import { StreamEvents, StreamOf, States, streamOf } from '../../infrastructure/command-handling';
import { CLAIM_HORIZON_DAYS } from '../../sessions/session-claims';

const DAY = 24 * 60 * 60 * 1000;

export interface BlockChange {
  added: ExternalBlock[];
  removed: ExternalBlock[];
}

interface Place {
  bucket: string;
  released: Set<string>;
  recorded: Claim[];
}

/** The UTC hours a block holds at write time: those it touches between now and the claim horizon (the past needs no guard). */
const bucketsOf = (block: ExternalBlock, now: Date): string[] => {
  const from = Math.max(Date.parse(block.start), now.getTime());
  const to = Math.min(Date.parse(block.end), now.getTime() + CLAIM_HORIZON_DAYS * DAY);
  return from < to ? claimBuckets(from, to) : [];
};

const placesOf = (tenant: string, resourceId: string, change: BlockChange, now: Date): Map<string, Place> => {
  const places = new Map<string, Place>();
  const place = (bucket: string) => {
    const id = claimStream(tenant, resourceId, bucket);
    let found = places.get(id);
    if (!found) places.set(id, (found = { bucket, released: new Set(), recorded: [] }));
    return found;
  };
  for (const block of change.removed) for (const bucket of bucketsOf(block, now)) place(bucket).released.add(block.id);
  for (const block of change.added) for (const bucket of bucketsOf(block, now)) place(bucket).recorded.push({ holderId: block.id, start: Date.parse(block.start), end: Date.parse(block.end) });
  return places;
};

/**
 * External busy time holds its resource at write time as a busy session does: every block claims
 * the resource's hours it touches (a `Record`: a fact, taken even over another hold), in the same
 * append as the connection's events, so a booking racing a sync loses with slot-taken whichever
 * commits second. A removed block gives its hours back; a moved one is released, then recorded anew.
 */
export const externalBusyClaims = {
  /** The claim streams a change touches, for the plan to read (named in `prepare`, from the same decision). */
  streams(tenant: string, resourceId: string, change: BlockChange, now: Date): StreamOf<ClaimsState>[] {
    return [...placesOf(tenant, resourceId, change, now).keys()].sort().map((id) => streamOf(id, claimsDecider));
  },

  decide(states: States, tenant: string, resourceId: string, change: BlockChange, now: Date): StreamEvents[] {
    return [...placesOf(tenant, resourceId, change, now)].map(([streamId, { bucket, released, recorded }]) => {
      let state = states.of(streamOf(streamId, claimsDecider));
      const events: ClaimEvent[] = [];
      const apply = (decided: ClaimEvent[]) => {
        state = fold(claimsDecider, decided, state);
        events.push(...decided);
      };
      for (const holderId of released) apply(claimsDecider.decide({ type: 'Release', resourceId, bucket, holderId }, state, { now }));
      for (const claim of recorded) apply(claimsDecider.decide({ type: 'Record', resourceId, bucket, claim }, state, { now }));
      return { streamId, events };
    });
  },
};
