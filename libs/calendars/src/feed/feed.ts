import { DecisionContext, Decider, DomainError, alreadyExists, assertNever } from '@kairos/core';
import { FeedEvent, FeedScope, FeedView } from './feed.events';

export type { FeedEvent, FeedScope, FeedView } from './feed.events';

export type FeedCommand =
  | { type: 'IssueFeed'; id: string; scope: FeedScope; ownerId: string; name: string | null; tokenDigest: string }
  | { type: 'RevokeFeed' };

export type FeedState = { status: 'none' } | { status: 'ACTIVE' | 'REVOKED'; view: FeedView; tokenDigest: string };

/** A secret calendar URL: issued for one resource or contact, answered by its token until revoked. */
export const feedDecider: Decider<FeedCommand, FeedState, FeedEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    switch (event.type) {
      case 'calendar-feed.issued': {
        const { tokenDigest, ...view } = event.data;
        return { status: 'ACTIVE', view: { ...view, revokedAt: null }, tokenDigest };
      }
      case 'calendar-feed.revoked':
        return state.status === 'none' ? state : { ...state, status: 'REVOKED', view: { ...state.view, revokedAt: event.data.revokedAt } };
      default:
        return assertNever(event);
    }
  },

  decide(command, state, { now }: DecisionContext) {
    switch (command.type) {
      case 'IssueFeed':
        if (state.status !== 'none') throw alreadyExists('calendar feed', command.id);
        return [
          {
            type: 'calendar-feed.issued',
            data: { id: command.id, scope: command.scope, ownerId: command.ownerId, name: command.name, tokenDigest: command.tokenDigest, issuedAt: now.toISOString() },
          },
        ];
      case 'RevokeFeed':
        if (state.status === 'none') throw new DomainError('not-found', 'calendar feed does not exist');
        if (state.status === 'REVOKED') return [];
        return [{ type: 'calendar-feed.revoked', data: { id: state.view.id, revokedAt: now.toISOString() } }];
      default:
        return assertNever(command);
    }
  },
};
