import ICAL from 'ical.js';
import { offsetMinutes, toLocal } from '@kairos/scheduling';
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
  /** A master's DTSTART and DTEND: the wall-clock readings its rule expands from, written as they are. */
  wallClock?: { start: string; end: string };
  /** DTSTAMP and LAST-MODIFIED: when the entry last changed (not when the feed was asked for, so an unchanged feed is the same bytes). */
  changedAt: Date;
  rrule?: string;
  /** Occurrences left out: wall-clock readings (YYYY-MM-DDTHH:mm[:ss]) as the rule gives them, or instants (written in UTC). */
  exdates?: (string | Date)[];
  /** The instance's start as the master's rule reads it on the wall clock (before any DST gap moves it). */
  recurrenceId?: string;
}

export interface FeedCalendar {
  name: string;
  entries: FeedEntry[];
  /** The span the VTIMEZONEs must cover: every instant written, and as far ahead as clients are expected to expand series. */
  zoneSpan: { from: Date; to: Date };
}

const DAY_MS = 86_400_000;

/**
 * Whether an instant is written on the zone's wall clock: not within a day of a change of offset.
 * Clients resolve readings near a change each their own way (ical.js takes the later of a fall-back
 * hour's two instants, node-ical the earlier, and reads the change's own minute off by an hour), so
 * those instants are written in UTC, which every client reads alike.
 */
export const clearOfOffsetChange = (instant: Date, timeZone: string): boolean => {
  const at = instant.getTime();
  return offsetMinutes(new Date(at - DAY_MS), timeZone) === offsetMinutes(new Date(at + DAY_MS), timeZone);
};

const wallClockTime = (reading: string, zone?: ICAL.Timezone): ICAL.Time => {
  const [date, time] = reading.split('T');
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute, second = 0] = time.split(':').map(Number);
  return ICAL.Time.fromData({ year, month, day, hour, minute, second }, zone);
};

/** A wall-clock reading with its zone's TZID; in UTC, the same reading with a Z, which needs no VTIMEZONE. */
const wallClockProperty = (name: string, reading: string, timeZone: string): ICAL.Property => {
  const property = new ICAL.Property(name);
  if (timeZone === 'UTC') {
    property.setValue(wallClockTime(reading, ICAL.Timezone.utcTimezone));
  } else {
    property.setParameter('tzid', timeZone);
    property.setValue(wallClockTime(reading));
  }
  return property;
};

/** An instant on the zone's wall clock, or in UTC (UTC itself, or near a change of offset). */
const zonedProperty = (name: string, instant: Date, timeZone: string): ICAL.Property => {
  if (timeZone !== 'UTC' && clearOfOffsetChange(instant, timeZone)) return wallClockProperty(name, toLocal(instant, timeZone), timeZone);
  const property = new ICAL.Property(name);
  property.setValue(ICAL.Time.fromJSDate(instant, true));
  return property;
};

const utcTime = (instant: Date) => ICAL.Time.fromJSDate(instant, true);

const vevent = (entry: FeedEntry): ICAL.Component => {
  const event = new ICAL.Component('vevent');
  event.addPropertyWithValue('uid', entry.uid);
  event.addPropertyWithValue('dtstamp', utcTime(entry.changedAt));
  event.addPropertyWithValue('last-modified', utcTime(entry.changedAt));
  event.addPropertyWithValue('sequence', entry.sequence);
  // Rule readings are matched by each client as it reads the master's, so they stay on the wall clock.
  if (entry.recurrenceId) event.addProperty(wallClockProperty('recurrence-id', entry.recurrenceId, entry.timeZone));
  if (entry.wallClock) {
    event.addProperty(wallClockProperty('dtstart', entry.wallClock.start, entry.timeZone));
    event.addProperty(wallClockProperty('dtend', entry.wallClock.end, entry.timeZone));
  } else {
    event.addProperty(zonedProperty('dtstart', entry.start, entry.timeZone));
    event.addProperty(zonedProperty('dtend', entry.end, entry.timeZone));
  }
  if (entry.rrule) event.addPropertyWithValue('rrule', ICAL.Recur.fromString(entry.rrule));
  for (const exdate of entry.exdates ?? []) event.addProperty(typeof exdate === 'string' ? wallClockProperty('exdate', exdate, entry.timeZone) : zonedProperty('exdate', exdate, 'UTC'));
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
