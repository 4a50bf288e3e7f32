import { Static } from '@sinclair/typebox';
import { DomainEvent, instant, nullable, oneOf, record, text } from '@kairos/core';

export const FeedScope = oneOf(['RESOURCE', 'CONTACT'], 'whose calendar the feed shows');
export type FeedScope = Static<typeof FeedScope>;

export const FeedView = record({
  id: text(),
  scope: FeedScope,
  ownerId: text('the resource or contact'),
  name: nullable(text()),
  issuedAt: instant(),
  revokedAt: nullable(instant()),
});
export type FeedView = Static<typeof FeedView>;

/**
 * Feeds stay internal: what they hold is a secret's digest (the token itself is answered once, at
 * issue, and kept nowhere), which no other service needs.
 */
export type FeedEvent =
  | DomainEvent<'calendar-feed.issued', { id: string; scope: FeedScope; ownerId: string; name: string | null; tokenDigest: string; issuedAt: string }>
  | DomainEvent<'calendar-feed.revoked', { id: string; revokedAt: string }>;
