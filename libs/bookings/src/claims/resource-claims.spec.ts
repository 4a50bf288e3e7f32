import { given } from '@kairos/testing';
import { ClaimCommand, ClaimEvent, claimBuckets, claimsDecider } from './resource-claims';

const ctx = { now: new Date('2026-03-01T10:00:00.000Z') };
const ms = (iso: string) => Date.parse(iso);
const BUCKET = '2026-03-04T10';

const claimed = (holderId: string, start: string, end: string): ClaimEvent => ({ type: 'resource-claim.claimed', data: { resourceId: 'r1', bucket: BUCKET, holderId, start, end } });
const claim = (holderId: string, start: string, end: string): ClaimCommand => ({ type: 'Claim', resourceId: 'r1', bucket: BUCKET, claim: { holderId, start: ms(start), end: ms(end) } });
const release = (holderId: string): ClaimCommand => ({ type: 'Release', resourceId: 'r1', bucket: BUCKET, holderId });

const TEN = '2026-03-04T10:00:00.000Z';
const TEN_THIRTY = '2026-03-04T10:30:00.000Z';
const ELEVEN = '2026-03-04T11:00:00.000Z';

describe('resource claims decider: Claim', () => {
  it('claims a free span, in ISO instants', () => {
    given(claimsDecider, []).when(claim('b1', TEN, TEN_THIRTY), ctx).then([claimed('b1', TEN, TEN_THIRTY)]);
  });

  it('refuses a span overlapping another holder', () => {
    given(claimsDecider, [claimed('b1', TEN, ELEVEN)]).when(claim('b2', TEN_THIRTY, '2026-03-04T11:30:00.000Z'), ctx).thenThrows('slot-taken', [{ field: 'slot', reason: 'taken' }]);
    given(claimsDecider, [claimed('b1', TEN, ELEVEN)]).when(claim('b2', '2026-03-04T09:00:00.000Z', '2026-03-04T12:00:00.000Z'), ctx).thenThrows('slot-taken');
  });

  it('accepts spans that only touch: a claim is half-open', () => {
    given(claimsDecider, [claimed('b1', TEN, TEN_THIRTY)]).when(claim('b2', TEN_THIRTY, ELEVEN), ctx).then([claimed('b2', TEN_THIRTY, ELEVEN)]);
    given(claimsDecider, [claimed('b1', TEN_THIRTY, ELEVEN)]).when(claim('b2', TEN, TEN_THIRTY), ctx).then([claimed('b2', TEN, TEN_THIRTY)]);
  });

  it('lets a holder claim again over its own span (a reschedule), and records nothing for the same span', () => {
    given(claimsDecider, [claimed('b1', TEN, TEN_THIRTY)]).when(claim('b1', TEN, ELEVEN), ctx).then([claimed('b1', TEN, ELEVEN)]);
    given(claimsDecider, [claimed('b1', TEN, TEN_THIRTY)]).when(claim('b1', TEN, TEN_THIRTY), ctx).thenNothing();
  });

  it('claims again once the other holder released', () => {
    given(claimsDecider, [claimed('b1', TEN, ELEVEN), { type: 'resource-claim.released', data: { resourceId: 'r1', bucket: BUCKET, holderId: 'b1' } }])
      .when(claim('b2', TEN, ELEVEN), ctx)
      .then([claimed('b2', TEN, ELEVEN)]);
  });
});

describe('resource claims decider: Record', () => {
  const record = (holderId: string, start: string, end: string): ClaimCommand => ({ type: 'Record', resourceId: 'r1', bucket: BUCKET, claim: { holderId, start: ms(start), end: ms(end) } });

  it('records busy time from elsewhere even over another holder, and a booking after it loses', () => {
    given(claimsDecider, [claimed('b1', TEN, ELEVEN)]).when(record('x1', TEN_THIRTY, ELEVEN), ctx).then([claimed('x1', TEN_THIRTY, ELEVEN)]);
    given(claimsDecider, [claimed('x1', TEN_THIRTY, ELEVEN)]).when(claim('b2', TEN, ELEVEN), ctx).thenThrows('slot-taken');
  });

  it('records nothing for the same span twice', () => {
    given(claimsDecider, [claimed('x1', TEN, ELEVEN)]).when(record('x1', TEN, ELEVEN), ctx).thenNothing();
  });
});

describe('resource claims decider: Release', () => {
  it("releases every span of the holder and keeps the others'", () => {
    given(claimsDecider, [claimed('b1', TEN, TEN_THIRTY), claimed('b2', TEN_THIRTY, ELEVEN)])
      .when(release('b1'), ctx)
      .then([{ type: 'resource-claim.released', data: { resourceId: 'r1', bucket: BUCKET, holderId: 'b1' } }]);
    given(claimsDecider, [claimed('b1', TEN, TEN_THIRTY), claimed('b1', TEN_THIRTY, ELEVEN), claimed('b2', ELEVEN, '2026-03-04T11:30:00.000Z')])
      .when(release('b1'), ctx)
      .thenState({ claims: [{ holderId: 'b2', start: ms(ELEVEN), end: ms('2026-03-04T11:30:00.000Z') }] });
  });

  it('records nothing for a holder with no claim', () => {
    given(claimsDecider, [claimed('b1', TEN, TEN_THIRTY)]).when(release('b2'), ctx).thenNothing();
  });
});

describe('claimBuckets', () => {
  it('lists every UTC hour a span touches, its end excluded', () => {
    expect(claimBuckets(ms(TEN), ms(TEN_THIRTY))).toEqual(['2026-03-04T10']);
    expect(claimBuckets(ms('2026-03-04T09:50:00.000Z'), ms(ELEVEN))).toEqual(['2026-03-04T09', '2026-03-04T10']);
    expect(claimBuckets(ms('2026-03-04T23:30:00.000Z'), ms('2026-03-05T00:30:00.000Z'))).toEqual(['2026-03-04T23', '2026-03-05T00']);
  });

  it('puts two overlapping spans in at least one common bucket', () => {
    const a = claimBuckets(ms('2026-03-04T09:10:00.000Z'), ms('2026-03-04T10:05:00.000Z'));
    const b = claimBuckets(ms('2026-03-04T10:00:00.000Z'), ms('2026-03-04T12:00:00.000Z'));
    expect(a.filter((bucket) => b.includes(bucket))).toEqual(['2026-03-04T10']);
  });
});
