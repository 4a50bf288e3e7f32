import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { FeedScope, FeedState, FeedView, feedDecider, feedStream } from '@kairos/calendars';
import { contactStream } from '@kairos/clients';
import { DomainError, fold } from '@kairos/core';
import { resourceStream } from '@kairos/resources';
import { Positioned } from '../../http/positioned';
import { RequestContext } from '../../http/request-context';
import { handleCommand, streamOf } from '../../infrastructure/command-handling';
import { EventSourcing } from '../../infrastructure/event-sourcing';
import { References } from '../../infrastructure/references';
import { feedTokenDigest, feedUrlOf, newFeedToken } from './feed-tokens';

export class IssueCalendarFeed {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly scope: FeedScope, readonly ownerId: string, readonly name: string | null) {}
}

export class RevokeCalendarFeed {
  constructor(readonly ctx: RequestContext, readonly id: string) {}
}

/** A contact's bookings are the business's to share (api.md: every /v1/contacts route is BUSINESS only). */
export const requireMayShare = (ctx: RequestContext, scope: FeedScope) => {
  if (scope === 'CONTACT' && ctx.actor.type !== 'BUSINESS') throw new DomainError('forbidden', "only the business may share a contact's calendar");
};

export type IssuedFeed = FeedView & { token?: string; url?: string };

/** The feed a decision left: the decider refuses a command on a feed never issued, so there is one. */
const viewOf = (state: FeedState): FeedView => {
  if (state.status === 'none') throw new DomainError('not-found', 'calendar feed does not exist');
  return state.view;
};

@CommandHandler(IssueCalendarFeed)
export class IssueCalendarFeedHandler implements ICommandHandler<IssueCalendarFeed, Positioned<IssuedFeed>> {
  constructor(private readonly es: EventSourcing, private readonly references: References) {}

  async execute({ ctx, id, scope, ownerId, name }: IssueCalendarFeed) {
    requireMayShare(ctx, scope);
    const owner = scope === 'RESOURCE' ? { streamId: resourceStream(ctx.tenant, ownerId), noun: 'resource' } : { streamId: contactStream(ctx.tenant, ownerId), noun: 'contact' };
    await this.references.requireAll([{ field: 'ownerId', ...owner }]);
    const token = newFeedToken();
    const feed = streamOf(feedStream(ctx.tenant, id), feedDecider);
    // The answer kept for a replay of the Idempotency-Key (in the log) is the feed without its token:
    // the token is answered once, here, and kept nowhere.
    const issued = await handleCommand(this.es, ctx, () => ({
      streams: [feed],
      decide: (states, now) => {
        const events = feedDecider.decide({ type: 'IssueFeed', id, scope, ownerId, name, tokenDigest: feedTokenDigest(token) }, states.of(feed), { now });
        return { appends: [{ streamId: feed.streamId, events }], answer: viewOf(fold(feedDecider, events, states.of(feed))), location: `/v1/calendar-feeds/${id}` };
      },
    }));
    return new Positioned<IssuedFeed>({ ...issued.body, token, url: feedUrlOf(token) }, issued.position, issued.location);
  }
}

@CommandHandler(RevokeCalendarFeed)
export class RevokeCalendarFeedHandler implements ICommandHandler<RevokeCalendarFeed, Positioned<FeedView>> {
  constructor(private readonly es: EventSourcing) {}

  execute({ ctx, id }: RevokeCalendarFeed) {
    const feed = streamOf(feedStream(ctx.tenant, id), feedDecider);
    return handleCommand(this.es, ctx, () => ({
      streams: [feed],
      decide: (states, now) => {
        const before = states.of(feed);
        if (before.status !== 'none') requireMayShare(ctx, before.view.scope);
        const events = feedDecider.decide({ type: 'RevokeFeed' }, before, { now });
        return { appends: [{ streamId: feed.streamId, events }], answer: viewOf(fold(feedDecider, events, before)) };
      },
    }));
  }
}

export const CALENDAR_FEED_COMMAND_HANDLERS = [IssueCalendarFeedHandler, RevokeCalendarFeedHandler];
