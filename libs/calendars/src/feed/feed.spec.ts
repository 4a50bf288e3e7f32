import { given } from '@kairos/testing';
import { FeedEvent, feedDecider } from './feed';

const now = new Date('2026-03-01T10:00:00.000Z');
const T = now.toISOString();
const later = new Date('2026-03-02T10:00:00.000Z');
const L = later.toISOString();

const issue = { type: 'IssueFeed' as const, id: 'f1', scope: 'RESOURCE' as const, ownerId: 'r1', name: "Ana's phone", tokenDigest: 'digest-1' };
const issued: FeedEvent = { type: 'calendar-feed.issued', data: { id: 'f1', scope: 'RESOURCE', ownerId: 'r1', name: "Ana's phone", tokenDigest: 'digest-1', issuedAt: T } };
const revoked: FeedEvent = { type: 'calendar-feed.revoked', data: { id: 'f1', revokedAt: L } };

describe('calendar feed decider', () => {
  it('issues a feed with the digest of its token, never the token', () => {
    given(feedDecider, []).when(issue, { now }).then([issued]);
  });

  it('refuses an id already issued, revoked or not', () => {
    given(feedDecider, [issued]).when(issue, { now }).thenThrows('already-exists');
    given(feedDecider, [issued, revoked]).when(issue, { now }).thenThrows('already-exists');
  });

  it('revokes a live feed once: the view shows when, and a second revoke changes nothing', () => {
    given(feedDecider, [issued]).when({ type: 'RevokeFeed' }, { now: later }).then([revoked]);
    given(feedDecider, [issued, revoked]).when({ type: 'RevokeFeed' }, { now: later }).thenNothing();
    expect(given(feedDecider, [issued, revoked]).state()).toEqual({
      status: 'REVOKED',
      tokenDigest: 'digest-1',
      view: { id: 'f1', scope: 'RESOURCE', ownerId: 'r1', name: "Ana's phone", issuedAt: T, revokedAt: L },
    });
  });

  it('refuses to revoke a feed never issued', () => {
    given(feedDecider, []).when({ type: 'RevokeFeed' }, { now }).thenThrows('not-found');
  });
});
