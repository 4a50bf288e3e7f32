import { BusyOccurrence, SyncWindow } from '@kairos/calendars';
import { DAVResponse, createAccount, davRequest, getDAVAttribute, propfind, syncCollection, urlEquals } from 'tsdav';
import { DavTransport, StaleSyncToken } from './dav-transport';
import { busyOccurrences } from './ics-occurrences';
import { CalendarSource, ReadRequest, SourceAnswer, SourceFailure, SourceOptions } from './source';
import { checkCalendarUrl } from './url-guard';

/** A cursor of a server without sync tokens: the collection's CalendarServer ctag, which changes with any member. */
const CTAG = 'ctag:';
/** Hrefs per calendar-multiget, so a delta of thousands of objects is several bounded requests. */
const MULTIGET_BATCH = 500;
const CALDAV_NAMESPACES = ['urn:ietf:params:xml:ns:caldav', 'DAV:'] as Parameters<typeof getDAVAttribute>[0];

interface Collection {
  url: string;
  syncToken: string | null;
  ctag: string | null;
}

const text = (value: unknown): string | null => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  const cdata = (value as { _cdata?: unknown } | undefined)?._cdata;
  return typeof cdata === 'string' ? cdata : null;
};

const isCalendar = (response: DAVResponse | undefined) => Object.keys((response?.props?.resourcetype as object | undefined) ?? {}).includes('calendar');

const holdsEvents = (response: DAVResponse) => {
  const comps = response.props?.supportedCalendarComponentSet?.comp as { _attributes?: { name?: string } } | { _attributes?: { name?: string } }[] | undefined;
  if (comps === undefined) return true;
  return (Array.isArray(comps) ? comps : [comps]).some((comp) => comp._attributes?.name === 'VEVENT');
};

const collectionOf = (url: string, response: DAVResponse): Collection => ({
  url,
  syncToken: text(response.props?.syncToken),
  ctag: text(response.props?.getctag),
});

const davTime = (date: Date) => `${date.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;

/**
 * Reads a CalDAV calendar collection (RFC 4791) with tsdav. The connection's URL is the collection;
 * the server root, a principal or a calendar home is accepted too, and the first calendar of the
 * user's home that holds events is read. A read with a cursor asks only what changed: the changes
 * since the sync token (RFC 6578 sync-collection), or on a server without sync tokens whether the
 * ctag moved. Objects are keyed by href, so a deleted object's blocks go with it.
 */
export class CalDavSource implements CalendarSource {
  constructor(private readonly options: SourceOptions) {}

  async read(request: ReadRequest): Promise<SourceAnswer> {
    const transport = new DavTransport(this.options, request.connection, request.signal);
    try {
      return await new CalDavReading(this.options, request, transport).read();
    } catch (error) {
      // What tsdav throws itself: no principal, no calendar home, an answer that is no WebDAV.
      throw transport.failureOf(error, () => new SourceFailure('not-a-calendar', `no CalDAV calendar at ${request.connection.url}: ${(error as Error).message}`));
    }
  }
}

/** One read: the requests it makes and the occurrences found so far. */
class CalDavReading {
  private readonly occurrences: BusyOccurrence[] = [];
  private readonly headers: Record<string, string>;
  private readonly fetch: typeof fetch;

  constructor(
    private readonly options: SourceOptions,
    private readonly request: ReadRequest,
    transport: DavTransport,
  ) {
    this.headers = transport.headers;
    this.fetch = transport.fetch;
  }

  async read(): Promise<SourceAnswer> {
    const { cursor, incremental } = this.request;
    const collection = await this.calendar();
    if (incremental && cursor !== null) {
      if (cursor.startsWith(CTAG)) {
        if (collection.ctag !== null && cursor === CTAG + collection.ctag) return { kind: 'unchanged' };
      } else if (cursor === collection.syncToken) {
        return { kind: 'unchanged' };
      } else if (collection.syncToken !== null) {
        try {
          return await this.changesSince(collection, cursor);
        } catch (error) {
          if (!(error instanceof StaleSyncToken)) throw error;
        }
      }
    }
    return this.whole(collection);
  }

  /** The collection the connection names, or the first calendar holding events found from a root, principal or home. */
  private async calendar(): Promise<Collection> {
    const url = (await checkCalendarUrl(this.request.connection.url, this.options.allowPrivateHosts)).href;
    const [self] = await propfind({
      url,
      props: { 'd:resourcetype': {}, 'd:sync-token': {}, 'cs:getctag': {} },
      depth: '0',
      headers: this.headers,
      fetch: this.fetch,
    });
    if (isCalendar(self)) return collectionOf(url, self!);
    if (!self?.props?.resourcetype) throw new SourceFailure('not-a-calendar', `${url} answers no WebDAV collection`);

    const account = await createAccount({
      account: { serverUrl: url, accountType: 'caldav' },
      headers: this.headers,
      fetch: this.fetch,
    });
    // Any other collection of the server is a wrong URL, not a hint: reading some calendar of the user instead would hide the mistake.
    const isEntryPoint = new URL(url).pathname === '/' || 'principal' in (self.props.resourcetype as object) || urlEquals(url, account.principalUrl) || urlEquals(url, account.homeUrl);
    if (!isEntryPoint) throw new SourceFailure('not-a-calendar', `${url} is a collection but no calendar`);
    const members = await propfind({
      url: account.homeUrl!,
      props: { 'd:resourcetype': {}, 'd:sync-token': {}, 'cs:getctag': {}, 'c:supported-calendar-component-set': {} },
      depth: '1',
      headers: this.headers,
      fetch: this.fetch,
    });
    const found = members.find((member) => member.href && isCalendar(member) && holdsEvents(member));
    if (!found) throw new SourceFailure('not-a-calendar', `no calendar of events under ${account.homeUrl}`);
    return collectionOf(new URL(found.href!, url).href, found);
  }

  /** Every event of the window (calendar-query with a time range), the cursor taken before so a change made meanwhile is read again next time. */
  private async whole(collection: Collection): Promise<SourceAnswer> {
    const { window } = this.request;
    const responses = await this.report(collection.url, {
      'calendar-query': {
        _attributes: getDAVAttribute(CALDAV_NAMESPACES),
        'd:prop': { 'd:getetag': {}, 'c:calendar-data': {} },
        filter: {
          'comp-filter': {
            _attributes: { name: 'VCALENDAR' },
            'comp-filter': { _attributes: { name: 'VEVENT' }, 'time-range': { _attributes: { start: davTime(window.from), end: davTime(window.to) } } },
          },
        },
      },
    });
    for (const response of this.members(collection, responses)) {
      if (response.status === 404) continue;
      this.take(response, window);
    }
    const cursor = collection.syncToken ?? (collection.ctag !== null ? CTAG + collection.ctag : null);
    return { kind: 'read', snapshot: { kind: 'full', occurrences: this.occurrences }, cursor };
  }

  /** What changed since the token (sync-collection), the changed objects read whole with calendar-multiget. */
  private async changesSince(collection: Collection, token: string): Promise<SourceAnswer> {
    const responses = await syncCollection({
      url: collection.url,
      props: { 'd:getetag': {} },
      syncLevel: 1,
      syncToken: token,
      headers: this.headers,
      fetch: this.fetch,
    });
    const changed: string[] = [];
    const deleted: string[] = [];
    for (const response of this.members(collection, responses)) (response.status === 404 ? deleted : changed).push(response.href!);
    if (changed.length === 0 && deleted.length === 0) return { kind: 'unchanged' };

    const stillThere: string[] = [];
    for (let i = 0; i < changed.length; i += MULTIGET_BATCH) {
      const got = await this.report(collection.url, {
        'calendar-multiget': {
          _attributes: getDAVAttribute(CALDAV_NAMESPACES),
          'd:prop': { 'd:getetag': {}, 'c:calendar-data': {} },
          'd:href': changed.slice(i, i + MULTIGET_BATCH),
        },
      });
      for (const response of this.members(collection, got)) {
        // Deleted between the two reports: the next sync lists it as deleted too, so saying so now is safe.
        if (response.status === 404) deleted.push(response.href!);
        else {
          stillThere.push(response.href!);
          this.take(response, this.request.window);
        }
      }
    }
    const newToken = text((responses[0]?.raw as { multistatus?: { syncToken?: unknown } } | undefined)?.multistatus?.syncToken) ?? collection.syncToken;
    return {
      kind: 'read',
      snapshot: { kind: 'delta', changedObjects: stillThere, deletedObjects: deleted, occurrences: this.occurrences },
      cursor: newToken,
    };
  }

  private report(url: string, body: Record<string, unknown>): Promise<DAVResponse[]> {
    return davRequest({
      url,
      init: { method: 'REPORT', namespace: 'c', headers: { ...this.headers, depth: '1' }, body },
      fetch: this.fetch,
    });
  }

  /** The answer's calendar objects: not the collection itself, nor a member collection some servers list at sync level 1. */
  private members(collection: Collection, responses: DAVResponse[]): DAVResponse[] {
    return responses.filter((response) => response.href && !response.href.endsWith('/') && !urlEquals(new URL(response.href, collection.url).href, collection.url));
  }

  private take(response: DAVResponse, window: SyncWindow) {
    const ics = text(response.props?.calendarData);
    if (ics === null) throw new SourceFailure('not-a-calendar', `${response.href} came without calendar data (status ${response.status})`);
    const href = response.href!;
    const { timeZone, ownerEmail } = this.request.connection;
    const found = busyOccurrences(ics, {
      window,
      timeZone,
      ownerEmail,
      maxOccurrences: this.options.limits.maxOccurrences - this.occurrences.length,
      object: () => href,
    });
    for (const occurrence of found) this.occurrences.push(occurrence);
  }
}
