import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { LRUCache } from 'lru-cache';
import { BOOKINGS, BookingDoc } from '@kairos/bookings';
import { CALENDAR_FEEDS, CALENDAR_FEED_TOKENS, FeedScope, FeedTokenDoc, FeedView, feedDecider, feedStream } from '@kairos/calendars';
import { CONTACTS } from '@kairos/clients';
import { DomainError, SYSTEM_TENANT } from '@kairos/core';
import { EventStore } from '@kairos/event-store';
import { NOTIFICATION_BOOKINGS, NotificationBooking } from '@kairos/notifications';
import { FieldFilter, Page, ReadStore } from '@kairos/read-store';
import { RESOURCES, ResourceView } from '@kairos/resources';
import { SessionDoc } from '@kairos/scheduling';
import { SERVICES, ServiceView } from '@kairos/services';
import { Positioned } from '../../http/positioned';
import { RequestContext } from '../../http/request-context';
import { streamOf } from '../../infrastructure/command-handling';
import { CLOCK, Clock, EVENT_STORE, READ_STORE } from '../../infrastructure/tokens';
import { waitUntilProjected } from '../../queries/read-models';
import { seriesInWindow } from '../../sessions/sessions.queries';
import { contactEntries } from './contact-feed';
import { feedTokenDigest, isFeedTokenShaped } from './feed-tokens';
import { FeedEntry, writeCalendar } from './ics-writer';
import { MAX_FEED_ENTRIES, feedSpan, resourceEntries } from './resource-feed';

/** A resource's sessions as iCalendar: tenant and actor from the request. */
export class ResourceCalendar {
  constructor(readonly tenant: string, readonly resourceId: string, readonly minPosition?: number) {}
}

/** A contact's bookings as iCalendar. */
export class ContactCalendar {
  constructor(readonly tenant: string, readonly contactId: string, readonly minPosition?: number) {}
}

/** The calendar a secret feed URL shows, whoever asks: the token is the only credential. */
export class CalendarByToken {
  constructor(readonly token: string) {}
}

export class GetCalendarFeed {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly minPosition?: number) {}
}

export class ListCalendarFeeds {
  constructor(readonly ctx: RequestContext, readonly filter: { scope?: FeedScope; ownerId?: string; limit: number; cursor?: string | null }, readonly minPosition?: number) {}
}

type FeedDoc = FeedView & { tokenDigest: string };
/** A feed as answered: never its token's digest. */
const feedViewOf = ({ tokenDigest: _digest, ...view }: FeedDoc): FeedView => view;

const notFound = (what: string) => new DomainError('not-found', `${what} does not exist`);

/**
 * Times are written as their zones' wall clock: the zones are listed from the year before the
 * oldest entry to five years ahead, so clients expanding a series far ahead still read the right
 * offsets. Whole years, so the listing (and the ETag) does not change from one day to the next.
 */
const ZONE_YEARS_AHEAD = 5;
const startOfYear = (year: number) => new Date(Date.UTC(year, 0, 1));

const calendarOf = (name: string, entries: FeedEntry[], now: Date): string => {
  const earliest = new Date(Math.min(now.getTime(), ...entries.map((e) => e.start.getTime())));
  const zoneSpan = { from: startOfYear(earliest.getUTCFullYear() - 1), to: startOfYear(now.getUTCFullYear() + ZONE_YEARS_AHEAD + 1) };
  return writeCalendar({ name, entries, zoneSpan });
};

/**
 * Waits until every read model the calendar reads reached `minPosition`, and answers the lowest
 * position among them: the one the calendar is sure to reflect.
 */
const projectedAll = async (readStore: ReadStore, projections: string[], minPosition: number | undefined) => {
  const positions = await Promise.all(projections.map((p) => waitUntilProjected(readStore, p, minPosition)));
  return positions.some((p) => p === null) ? null : Math.min(...(positions as number[]));
};

/** Each booking's calendar SEQUENCE as its emails gave it (0 until the notifications read model has it). */
const bookingSequences = async (readStore: ReadStore, tenant: string, bookingIds: string[]) => {
  const known = await readStore.getMany<NotificationBooking>(NOTIFICATION_BOOKINGS, tenant, [...new Set(bookingIds)]);
  const sequences = new Map(known.map((b) => [b.id, b.sequence]));
  return (bookingId: string) => sequences.get(bookingId) ?? 0;
};

/** The read models a resource's feed is built from; a booking's SEQUENCE comes from the notifications one. */
const RESOURCE_FEED_PROJECTIONS = ['resources', 'scheduling', 'notifications'];
/** Resource feeds kept built, the least recently asked for going first. */
const KEPT_RESOURCE_FEEDS = 64;
const DAY_MS = 86_400_000;

/**
 * Builds the calendars of resources and contacts; shared by the tenant's routes and the secret URLs.
 * Expanding a resource's series is the costly part (seconds for hundreds of daily series), and
 * calendar apps poll: a resource's feed is built once per day and per positions of the read models
 * it is built from, and served as built while they stand still. Any change to them moves a
 * position (a read store never answers a position its documents are older than), so the next
 * request builds the feed again. Requests for a feed being built share the build.
 */
@QueryHandler(ResourceCalendar)
export class ResourceCalendarHandler implements IQueryHandler<ResourceCalendar, Positioned<string>> {
  private readonly built = new LRUCache<string, { key: string; calendar: Promise<string> }>({ max: KEPT_RESOURCE_FEEDS });

  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore, @Inject(CLOCK) private readonly now: Clock) {}

  async execute({ tenant, resourceId, minPosition }: ResourceCalendar) {
    const positions = await Promise.all(RESOURCE_FEED_PROJECTIONS.map((p) => waitUntilProjected(this.readStore, p, minPosition)));
    const position = positions.some((p) => p === null) ? null : Math.min(...(positions as number[]));
    // The feed's span runs from the start of the day, so the feed (and its ETag) stays the same all day.
    const day = new Date(Math.floor(this.now().getTime() / DAY_MS) * DAY_MS);
    const key = `${positions.join(' ')} ${day.toISOString()}`;
    const owner = `${tenant}\n${resourceId}`;
    const kept = this.built.get(owner);
    if (kept?.key === key) return new Positioned(await kept.calendar, position);
    const calendar = this.build(tenant, resourceId, day);
    if (position !== null) {
      this.built.set(owner, { key, calendar });
      // A failed build (an unknown resource, a store down) is not kept.
      calendar.catch(() => {
        if (this.built.get(owner)?.calendar === calendar) this.built.delete(owner);
      });
    }
    return new Positioned(await calendar, position);
  }

  private async build(tenant: string, resourceId: string, day: Date): Promise<string> {
    const resource = await this.readStore.get<ResourceView>(RESOURCES, tenant, resourceId);
    if (!resource) throw notFound(`resource ${resourceId}`);
    const span = feedSpan(day);
    const docs = await seriesInWindow(this.readStore, tenant, { _affects: { contains: resource.scheduleId } }, span.from, span.to);
    const sequence = await bookingSequences(this.readStore, tenant, docs.flatMap((d: SessionDoc) => (d.bookingId ? [d.bookingId] : [])));
    const entries = resourceEntries(docs, resource.scheduleId, span, sequence);
    return calendarOf(resource.name, entries, day);
  }
}

@QueryHandler(ContactCalendar)
export class ContactCalendarHandler implements IQueryHandler<ContactCalendar, Positioned<string>> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore, @Inject(CLOCK) private readonly now: Clock) {}

  async execute({ tenant, contactId, minPosition }: ContactCalendar) {
    const position = await projectedAll(this.readStore, ['clients', 'bookings', 'notifications', 'services'], minPosition);
    const contact = await this.readStore.get<{ id: string; name: string | null }>(CONTACTS, tenant, contactId);
    if (!contact) throw notFound(`contact ${contactId}`);
    const latest: BookingDoc[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<BookingDoc> = await this.readStore.find<BookingDoc>(BOOKINGS, tenant, { where: { contactId }, orderBy: '_start', descending: true, limit: 500, cursor });
      latest.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null && latest.length < MAX_FEED_ENTRIES);
    const services = await this.readStore.getMany<ServiceView>(SERVICES, tenant, [...new Set(latest.map((b) => b.serviceId))]);
    const names = new Map(services.map((s) => [s.id, s.name]));
    const sequence = await bookingSequences(this.readStore, tenant, latest.map((b) => b.id));
    const entries = contactEntries(latest, (id) => names.get(id) ?? null, sequence);
    return new Positioned(calendarOf(contact.name ?? 'Bookings', entries, this.now()), position);
  }
}

@QueryHandler(CalendarByToken)
export class CalendarByTokenHandler implements IQueryHandler<CalendarByToken, string> {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    private readonly resources: ResourceCalendarHandler,
    private readonly contacts: ContactCalendarHandler,
  ) {}

  async execute({ token }: CalendarByToken) {
    // The same answer for every token that opens nothing, so none tells more than another.
    const unknown = () => new DomainError('not-found', 'no such calendar feed');
    if (!isFeedTokenShaped(token)) throw unknown();
    const digest = feedTokenDigest(token);
    const known = await this.readStore.get<FeedTokenDoc>(CALENDAR_FEED_TOKENS, SYSTEM_TENANT, digest);
    if (!known) throw unknown();
    // The read model may not have seen a revocation yet; the feed's own stream has.
    const stream = streamOf(feedStream(known.tenant, known.feedId), feedDecider);
    const feed = stream.fold(await this.eventStore.readStream(stream.streamId));
    if (feed.status !== 'ACTIVE' || feed.tokenDigest !== digest) throw unknown();
    const calendar = feed.view.scope === 'RESOURCE' ? await this.resources.execute(new ResourceCalendar(known.tenant, feed.view.ownerId)) : await this.contacts.execute(new ContactCalendar(known.tenant, feed.view.ownerId));
    return calendar.body;
  }
}

@QueryHandler(GetCalendarFeed)
export class GetCalendarFeedHandler implements IQueryHandler<GetCalendarFeed, Positioned<FeedView>> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute({ ctx, id, minPosition }: GetCalendarFeed) {
    const position = await waitUntilProjected(this.readStore, 'calendars', minPosition);
    const doc = await this.readStore.get<FeedDoc>(CALENDAR_FEEDS, ctx.tenant, id);
    if (!doc) throw notFound(`calendar feed ${id}`);
    if (doc.scope === 'CONTACT' && ctx.actor.type !== 'BUSINESS') throw new DomainError('forbidden', "only the business may see a contact's calendar feeds");
    return new Positioned(feedViewOf(doc), position);
  }
}

@QueryHandler(ListCalendarFeeds)
export class ListCalendarFeedsHandler implements IQueryHandler<ListCalendarFeeds, Positioned<Page<FeedView>>> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute({ ctx, filter, minPosition }: ListCalendarFeeds) {
    const position = await waitUntilProjected(this.readStore, 'calendars', minPosition);
    const where: Record<string, FieldFilter> = {};
    // A customer sees resources' feeds only.
    const scope = ctx.actor.type === 'BUSINESS' ? filter.scope : 'RESOURCE';
    if (filter.scope && filter.scope !== scope) return new Positioned({ items: [], nextCursor: null }, position);
    if (scope) where.scope = scope;
    if (filter.ownerId) where.ownerId = filter.ownerId;
    const page = await this.readStore.find<FeedDoc>(CALENDAR_FEEDS, ctx.tenant, { where, limit: filter.limit, cursor: filter.cursor });
    return new Positioned({ items: page.items.map(feedViewOf), nextCursor: page.nextCursor }, position);
  }
}

export const CALENDAR_FEED_QUERY_HANDLERS = [ResourceCalendarHandler, ContactCalendarHandler, CalendarByTokenHandler, GetCalendarFeedHandler, ListCalendarFeedsHandler];
