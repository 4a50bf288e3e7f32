import { randomUUID } from 'node:crypto';

/** The Radicale the global setup started (scripts/radicale.sh): its root URL, or undefined when it is skipped. */
export const radicaleUrl = (): string | undefined => process.env.KAIROS_TEST_CALDAV_URL;

/** Radicale logs anyone in; a user may create collections only under its own principal, /<user>/. */
export const CALDAV_USER = 'kairos';
export const CALDAV_PASSWORD = 'any-password';

const authorization = (user: string) => `Basic ${Buffer.from(`${user}:${CALDAV_PASSWORD}`).toString('base64')}`;

/** One calendar collection of its own per test, and the events a test writes into it as an outside client would. */
export interface TestCalendar {
  /** The collection's URL, ending in a slash. */
  url: string;
  user: string;
  password: string;
  /** The path a server names an object by (what sync-collection and calendar-query answer as href). */
  href(name: string): string;
  /** Creates or replaces the object `name` (e.g. `standup.ics`); answers its new ETag. */
  put(name: string, ics: string): Promise<string>;
  remove(name: string): Promise<void>;
  /** Every object in the collection as a calendar client downloads it: its path and its iCalendar text. */
  objects(): Promise<{ href: string; ics: string }[]>;
}

const CALENDAR_QUERY =
  '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>';
const xmlText = (text: string) => text.replace(/&#13;/g, '\r').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

const send = async (url: string, init: RequestInit & { headers?: Record<string, string> }, user: string, expected: number[]): Promise<Response> => {
  const response = await fetch(url, { ...init, headers: { authorization: authorization(user), ...init.headers } });
  if (!expected.includes(response.status)) throw new Error(`${init.method} ${url} answered ${response.status}: ${await response.text()}`);
  return response;
};

/** MKCALENDAR of a fresh collection under the user's principal (Radicale creates the principal on first use). */
export const newCalendar = async (root = radicaleUrl()!, user = CALDAV_USER): Promise<TestCalendar> => {
  const url = new URL(`${user}/${randomUUID()}/`, root).href;
  await send(url, { method: 'MKCALENDAR' }, user, [201]);
  return {
    url,
    user,
    password: CALDAV_PASSWORD,
    href: (name) => new URL(name, url).pathname,
    put: async (name, ics) => {
      const response = await send(new URL(name, url).href, { method: 'PUT', headers: { 'content-type': 'text/calendar; charset=utf-8' }, body: ics }, user, [201, 204]);
      return response.headers.get('etag') ?? '';
    },
    remove: async (name) => {
      await send(new URL(name, url).href, { method: 'DELETE' }, user, [200, 204]);
    },
    objects: async () => {
      const response = await send(url, { method: 'REPORT', headers: { depth: '1', 'content-type': 'application/xml' }, body: CALENDAR_QUERY }, user, [207]);
      const answer = await response.text();
      return [...answer.matchAll(/<(?:\w+:)?response>([\s\S]*?)<\/(?:\w+:)?response>/g)].flatMap(([, part]) => {
        const href = /<(?:\w+:)?href>([^<]*)</.exec(part)?.[1];
        const ics = /<(?:\w+:)?calendar-data[^>]*>([\s\S]*?)<\/(?:\w+:)?calendar-data>/.exec(part)?.[1];
        return href && ics ? [{ href: decodeURIComponent(xmlText(href)), ics: xmlText(ics) }] : [];
      });
    },
  };
};

/** An address book (a CardDAV collection, no calendar), to prove a source refuses what is not a calendar. */
export const newAddressBook = async (root = radicaleUrl()!, user = CALDAV_USER): Promise<string> => {
  const url = new URL(`${user}/${randomUUID()}/`, root).href;
  // Radicale lets a user create only calendars and address books under its principal, not plain collections.
  const body =
    '<mkcol xmlns="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><set><prop><resourcetype><collection/><CR:addressbook/></resourcetype></prop></set></mkcol>';
  await send(url, { method: 'MKCOL', headers: { 'content-type': 'application/xml' }, body }, user, [201]);
  return url;
};
