import { MemoryReadModels, SYSTEM_TENANT, enveloped } from '@kairos/core';
import { CALENDAR_FEEDS, CALENDAR_FEED_TOKENS, calendarsProjection } from './calendars.projection';
import { FeedEvent } from './feed/feed';

const at = '2026-03-01T10:00:00.000Z';
const L = '2026-03-02T10:00:00.000Z';
const inTenant = enveloped({ tenant: 't1', actor: { type: 'BUSINESS' }, occurredAt: at });
const project = (...events: FeedEvent[]) => new MemoryReadModels().project(calendarsProjection, events.map(inTenant));

const issued: FeedEvent = { type: 'calendar-feed.issued', data: { id: 'f1', scope: 'CONTACT', ownerId: 'c1', name: null, tokenDigest: 'digest-1', issuedAt: at } };

describe('calendars projection: feeds', () => {
  it("keeps the feed in its tenant and its token's digest under the system tenant, where a request with no tenant finds it", () => {
    const models = project(issued);
    expect(models.get(CALENDAR_FEEDS, 't1', 'f1')).toEqual({ id: 'f1', scope: 'CONTACT', ownerId: 'c1', name: null, issuedAt: at, revokedAt: null, tokenDigest: 'digest-1' });
    expect(models.get(CALENDAR_FEED_TOKENS, SYSTEM_TENANT, 'digest-1')).toEqual({ id: 'digest-1', tenant: 't1', feedId: 'f1', scope: 'CONTACT', ownerId: 'c1' });
  });

  it('forgets the token of a revoked feed and shows when it was revoked', () => {
    const models = project(issued, { type: 'calendar-feed.revoked', data: { id: 'f1', revokedAt: L } });
    expect(models.get(CALENDAR_FEEDS, 't1', 'f1')).toMatchObject({ revokedAt: L });
    expect(models.all(CALENDAR_FEED_TOKENS, SYSTEM_TENANT)).toEqual([]);
  });
});
