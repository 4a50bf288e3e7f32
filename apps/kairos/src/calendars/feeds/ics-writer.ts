import ICAL from 'ical.js';
import { toLocal } from '@kairos/scheduling';
import { vtimezone } from './vtimezone';

export type FeedStatus = 'CONFIRMED' | 'TENTATIVE' | 'CANCELLED';

/** One VEVENT: a single event, a series' master (with `rrule`) or one overridden instance of it (with `recurrenceId`). */
export interface FeedEntry {
  uid: string;
  sequence: number;
  status: FeedStatus;
  summary: string;
  start: Date;
  end: Date;
  /** DTSTART, DTEND, RECURRENCE-ID and EXDATE are written in this zone's wall clock, with its VTIMEZONE. */
  timeZone: string;
  /** DTSTAMP and LAST-MODIFIED: when the entry last changed (not when the feed was asked for, so an unchanged feed is the same bytes). */
  changedAt: Date;
  rrule?: string;
  exdates?: Date[];
  /** The instance's start as the master's rule gives it. */
  recurrenceId?: Date;
}

export interface FeedCalendar {
  name: string;
  entries: FeedEntry[];
  /** The span the VTIMEZONEs must cover: every instant written, and as far ahead as clients are expected to expand series. */
  zoneSpan: { from: Date; to: Date };
}

const zonedTime = (instant: Date, timeZone: string): ICAL.Time => {
  const [date, time] = toLocal(instant, timeZone).split('T');
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute, second] = time.split(':').map(Number);
  return ICAL.Time.fromData({ year, month, day, hour, minute, second });
};

const zonedProperty = (name: string, instant: Date, timeZone: string): ICAL.Property => {
  const property = new ICAL.Property(name);
  // UTC needs no VTIMEZONE: its times carry a Z.
  if (timeZone === 'UTC') {
    property.setValue(ICAL.Time.fromJSDate(instant, true));
  } else {
    property.setParameter('tzid', timeZone);
    property.setValue(zonedTime(instant, timeZone));
  }
  return property;
};

const utcTime = (instant: Date) => ICAL.Time.fromJSDate(instant, true);

const vevent = (entry: FeedEntry): ICAL.Component => {
  const event = new ICAL.Component('vevent');
  event.addPropertyWithValue('uid', entry.uid);
  event.addPropertyWithValue('dtstamp', utcTime(entry.changedAt));
  event.addPropertyWithValue('last-modified', utcTime(entry.changedAt));
  event.addPropertyWithValue('sequence', entry.sequence);
  if (entry.recurrenceId) event.addProperty(zonedProperty('recurrence-id', entry.recurrenceId, entry.timeZone));
  event.addProperty(zonedProperty('dtstart', entry.start, entry.timeZone));
  event.addProperty(zonedProperty('dtend', entry.end, entry.timeZone));
  if (entry.rrule) event.addPropertyWithValue('rrule', ICAL.Recur.fromString(entry.rrule));
  for (const exdate of entry.exdates ?? []) event.addProperty(zonedProperty('exdate', exdate, entry.timeZone));
  event.addPropertyWithValue('summary', entry.summary);
  event.addPropertyWithValue('status', entry.status);
  event.addPropertyWithValue('transp', entry.status === 'CANCELLED' ? 'TRANSPARENT' : 'OPAQUE');
  return event;
};

/** An RFC 5545 calendar (folded, escaped and CRLF-ended by ical.js) with a VTIMEZONE for every zone its entries use. */
export const writeCalendar = ({ name, entries, zoneSpan }: FeedCalendar): string => {
  const calendar = new ICAL.Component('vcalendar');
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('prodid', '-//Kairos//Calendar feed//EN');
  calendar.addPropertyWithValue('calscale', 'GREGORIAN');
  calendar.addPropertyWithValue('method', 'PUBLISH');
  calendar.addPropertyWithValue('x-wr-calname', name);
  const zones = [...new Set(entries.map((e) => e.timeZone))].filter((zone) => zone !== 'UTC').sort();
  for (const zone of zones) calendar.addSubcomponent(vtimezone(zone, zoneSpan.from, zoneSpan.to));
  for (const entry of entries) calendar.addSubcomponent(vevent(entry));
  return `${calendar.toString()}\r\n`;
};
