import { Decider, DomainError, DomainEvent, assertNever, streamId } from '@kairos/core';

/**
 * One resource's holds for one UTC hour, in a stream of their own: the write-time guard of api.md
 * invariant 1. Two bookings of the same resource in overlapping time both append here with the
 * revision they read, so one of them must lose; a booking needing staff and a room appends to both
 * streams in one atomic append, so it takes all or none.
 */
export interface Claim {
  holderId: string;
  /** Buffered span, epoch ms: [start − bufferBefore, end + bufferAfter). */
  start: number;
  end: number;
}

export type ClaimEvent =
  | DomainEvent<'resource-claim.claimed', { resourceId: string; bucket: string; holderId: string; start: string; end: string }>
  | DomainEvent<'resource-claim.released', { resourceId: string; bucket: string; holderId: string }>;

export type ClaimCommand =
  | { type: 'Claim'; resourceId: string; bucket: string; claim: Claim }
  | { type: 'Release'; resourceId: string; bucket: string; holderId: string }
  /**
   * Busy time the business learned of elsewhere (a staff member's own calendar): a fact to record,
   * not a request to refuse, so it is claimed even over another hold. A booking after it loses as
   * it would to a busy session.
   */
  | { type: 'Record'; resourceId: string; bucket: string; claim: Claim };

export interface ClaimsState {
  claims: Claim[];
}

const claimed = (resourceId: string, bucket: string, claim: Claim): ClaimEvent => ({
  type: 'resource-claim.claimed',
  data: { resourceId, bucket, holderId: claim.holderId, start: new Date(claim.start).toISOString(), end: new Date(claim.end).toISOString() },
});

export const claimsDecider: Decider<ClaimCommand, ClaimsState, ClaimEvent> = {
  initialState: () => ({ claims: [] }),
  evolve(state, event) {
    switch (event.type) {
      case 'resource-claim.claimed':
        return { claims: [...state.claims, { holderId: event.data.holderId, start: Date.parse(event.data.start), end: Date.parse(event.data.end) }] };
      case 'resource-claim.released':
        return { claims: state.claims.filter((c) => c.holderId !== event.data.holderId) };
      default:
        return assertNever(event);
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'Claim': {
        const { claim } = command;
        const clash = state.claims.find((c) => c.holderId !== claim.holderId && c.start < claim.end && claim.start < c.end);
        if (clash) {
          throw new DomainError('slot-taken', `resource ${command.resourceId} is taken at that time`, [{ field: 'slot', reason: 'taken' }]);
        }
        if (state.claims.some((c) => c.holderId === claim.holderId && c.start === claim.start && c.end === claim.end)) return [];
        return [claimed(command.resourceId, command.bucket, claim)];
      }
      case 'Record': {
        const { claim } = command;
        if (state.claims.some((c) => c.holderId === claim.holderId && c.start === claim.start && c.end === claim.end)) return [];
        return [claimed(command.resourceId, command.bucket, claim)];
      }
      case 'Release':
        if (!state.claims.some((c) => c.holderId === command.holderId)) return [];
        return [{ type: 'resource-claim.released', data: { resourceId: command.resourceId, bucket: command.bucket, holderId: command.holderId } }];
      default:
        return assertNever(command);
    }
  },
};

const HOUR = 60 * 60 * 1000;

/**
 * The UTC hours a buffered span touches: a claim lives in each, so any two overlapping claims meet
 * in at least one. Hours rather than days keep writers of different hours of a busy day from
 * contending on one stream.
 */
export const claimBuckets = (start: number, end: number): string[] => {
  const buckets: string[] = [];
  for (let h = Math.floor(start / HOUR) * HOUR; h < end; h += HOUR) buckets.push(new Date(h).toISOString().slice(0, 13));
  return buckets;
};

export const claimStream = (tenant: string, resourceId: string, bucket: string) => streamId('resource-claim', tenant, `${resourceId}.${bucket}`);
