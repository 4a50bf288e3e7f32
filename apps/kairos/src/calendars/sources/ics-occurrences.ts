import { createHash } from 'node:crypto';
import ICAL from 'ical.js';
import { IANAZone } from 'luxon';
import { findIana } from 'windows-iana';
import { BusyOccurrence, SyncWindow } from '@kairos/calendars';
import { SourceFailure } from './source';

export interface IcsReadOptions {
  window: SyncWindow;
  /** The zone of all-day and floating events, and of TZIDs nothing resolves. */
  timeZone: string;
  /** Whose invitations these are: an event this attendee declined is not busy. */
  ownerEmail: string | null;
  maxOccurrences: number;
  /**
   * The object every occurrence of this text belongs to (CalDAV keys by href); without it, each
   * event's UID. Data rather than a mapping, so a read can be handed to the parsing thread.
   */
  object?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A zone as this reader needs it: the UTC offset in force at an instant. */
interface Zone {
  offsetAt(utcMs: number): number;
}

const ianaZone = (name: string): Zone => {
  const zone = IANAZone.create(name);
  return { offsetAt: (utcMs) => zone.offset(utcMs) * 60_000 };
};

/** One change of offset in an ical.js Timezone's expansion of its VTIMEZONE rules, at a UTC instant. */
interface ZoneChange {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  utcOffset: number;
  prevUtcOffset: number;
}

/**
 * A VTIMEZONE of the file itself, read from its own rules: never registered in ical.js's global
 * TimezoneService, so two feeds with the same TZID cannot see each other's. The offset at an
 * instant is looked up in the changes ical.js expands from the rules, not taken from its UTC to
 * local conversion, which gives the summer offset for the hour after a fall-back change.
 */
const fileZone = (zone: ICAL.Timezone): Zone => {
  const rules = zone as unknown as { changes: ZoneChange[]; _ensureCoverage(year: number): void };
  let coveredTo = -Infinity;
  let instants: number[] = [];
  return {
    offsetAt(utcMs) {
      const year = new Date(utcMs).getUTCFullYear() + 1;
      if (year > coveredTo) {
        rules._ensureCoverage(year);
        instants = rules.changes.map((change) => Date.UTC(change.year, change.month - 1, change.day, change.hour, change.minute, change.second));
        coveredTo = year;
      }
      let low = 0;
      let high = instants.length - 1;
      let found = -1;
      while (low <= high) {
        const middle = (low + high) >> 1;
        if (instants[middle] <= utcMs) {
          found = middle;
          low = middle + 1;
        } else high = middle - 1;
      }
      if (found >= 0) return rules.changes[found].utcOffset * 1000;
      return (rules.changes[0]?.prevUtcOffset ?? 0) * 1000;
    },
  };
};

/** An ICAL.Time's wall-clock fields as if they were UTC: the arithmetic recurrence works in. */
const wallOf = (time: ICAL.Time) => Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);

/**
 * The instant a wall-clock time names in a zone, as RFC 5545 §3.3.5 says: a time that occurs twice
 * (fall-back overlap) is the first of the two; a time that does not occur (spring-forward gap) is
 * read with the offset in force before the gap. Assumes at most one transition within a day.
 */
const instantIn = (zone: Zone, wall: number): number => {
  const before = zone.offsetAt(wall - DAY_MS);
  const after = zone.offsetAt(wall + DAY_MS);
  const valid = [before, after].filter((offset) => zone.offsetAt(wall - offset) === offset);
  if (valid.length === 0) return wall - before;
  return Math.min(...valid.map((offset) => wall - offset));
};

const toIso = (ms: number) => new Date(ms).toISOString();

type Length = { kind: 'days'; days: number } | { kind: 'exact'; ms: number } | { kind: 'nominal'; days: number; ms: number };

interface Instance {
  start: number;
  end: number;
}

const upper = (value: unknown) => (typeof value === 'string' ? value.trim().toUpperCase() : '');

/**
 * Every busy occurrence an iCalendar text holds within the window: VEVENTs (recurrences expanded,
 * overrides applied) and VFREEBUSY busy periods. Work is bounded: past `maxOccurrences` occurrences,
 * or a recurrence expansion that would need more steps than a read may take, it throws `too-large`.
 */
/** Marks the entries Kairos writes for its own bookings (caldav-writer.ts): the booking holds that time already, so reading it back would count it twice. */
export const BOOKING_PROPERTY = 'X-KAIROS-BOOKING';

export const busyOccurrences = (ics: string, options: IcsReadOptions): BusyOccurrence[] => {
  const calendars = parseCalendars(ics);
  try {
    const reader = new CalendarReader(options);
    for (const calendar of calendars) reader.read(calendar);
    return reader.occurrences;
  } catch (error) {
    if (error instanceof SourceFailure) throw error;
    throw new SourceFailure('not-a-calendar', `the calendar has a value that cannot be read: ${(error as Error).message}`);
  }
};

const parseCalendars = (ics: string): ICAL.Component[] => {
  const text = ics.replace(/^\uFEFF/, '');
  if (!/^\s*BEGIN:VCALENDAR\r?\n/i.test(text)) throw new SourceFailure('not-a-calendar', 'the text does not begin with BEGIN:VCALENDAR');
  // A calendar cut short would read as one whose missing events were deleted.
  if (!/\nEND:VCALENDAR\s*$/i.test(text)) throw new SourceFailure('not-a-calendar', 'the text does not end with END:VCALENDAR');
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text);
  } catch (error) {
    throw new SourceFailure('not-a-calendar', `the calendar does not parse: ${(error as Error).message}`);
  }
  // One VCALENDAR parses to one jCal component, several to a list of them.
  const jcals = (Array.isArray(parsed) && typeof parsed[0] === 'string' ? [parsed] : (parsed as unknown[])) as unknown[];
  const calendars = jcals.map((jcal) => new ICAL.Component(jcal as unknown[])).filter((component) => component.name === 'vcalendar');
  if (calendars.length === 0) throw new SourceFailure('not-a-calendar', 'the text holds no VCALENDAR');
  return calendars;
};

class CalendarReader {
  readonly occurrences: BusyOccurrence[] = [];
  private readonly from: number;
  private readonly to: number;
  private readonly owner: string | null;
  private readonly localZone: Zone;
  private readonly ianaZones = new Map<string, Zone>();
  /** Recurrence iterations left for this read: a rule that starts decades before the window costs steps though it yields nothing. */
  private stepsLeft: number;

  constructor(readonly options: IcsReadOptions) {
    this.from = options.window.from.getTime();
    this.to = options.window.to.getTime();
    this.owner = options.ownerEmail?.trim().toLowerCase() || null;
    this.localZone = this.iana(options.timeZone) ?? ianaZone('UTC');
    this.stepsLeft = Math.max(100_000, options.maxOccurrences * 4);
  }

  read(calendar: ICAL.Component) {
    const zones = new Map<string, Zone>();
    const zoneOf = (tzid: string): Zone => {
      let zone = zones.get(tzid);
      if (!zone) {
        zone = this.resolveZone(calendar, tzid);
        zones.set(tzid, zone);
      }
      return zone;
    };
    const reading = new ComponentTimes(this, zoneOf);
    const byUid = new Map<string, { masters: ICAL.Component[]; overrides: ICAL.Component[] }>();
    for (const event of calendar.getAllSubcomponents('vevent')) {
      const uid = String(event.getFirstPropertyValue('uid') ?? '').trim() || `sha256:${createHash('sha256').update(event.toString()).digest('hex')}`;
      const group = byUid.get(uid) ?? { masters: [], overrides: [] };
      (event.hasProperty('recurrence-id') ? group.overrides : group.masters).push(event);
      byUid.set(uid, group);
    }
    for (const [uid, group] of byUid) {
      try {
        this.readEvent(uid, group.masters, group.overrides, reading);
      } catch (error) {
        if (error instanceof SourceFailure) throw error;
        throw new SourceFailure('not-a-calendar', `the event ${uid} cannot be read: ${(error as Error).message}`);
      }
    }
    for (const freeBusy of calendar.getAllSubcomponents('vfreebusy')) this.readFreeBusy(freeBusy, reading);
  }

  /**
   * TZIDs resolve as the file defines them, else as IANA names, else as Windows names; what none
   * knows is read in the calendar's zone. A VTIMEZONE without STANDARD or DAYLIGHT defines nothing.
   */
  private resolveZone(calendar: ICAL.Component, tzid: string): Zone {
    const defined = calendar.getTimeZoneByID(tzid);
    if (defined?.component?.getAllSubcomponents().some((observance) => observance.name === 'standard' || observance.name === 'daylight')) return fileZone(defined);
    const name = tzid.replace(/^"|"$/g, '').replace(/^\/+/, '').trim();
    return this.iana(name) ?? this.iana(findIana(name)?.[0] ?? '') ?? this.localZone;
  }

  private iana(name: string): Zone | null {
    if (!name || !IANAZone.isValidZone(name)) return null;
    let zone = this.ianaZones.get(name);
    if (!zone) {
      zone = ianaZone(name);
      this.ianaZones.set(name, zone);
    }
    return zone;
  }

  /** Local midnight of a date in the calendar's zone: where an all-day event's day begins. */
  midnight(year: number, month: number, day: number) {
    return instantIn(this.localZone, Date.UTC(year, month - 1, day));
  }

  floating(wall: number) {
    return instantIn(this.localZone, wall);
  }

  step() {
    this.stepsLeft -= 1;
    if (this.stepsLeft < 0) throw new SourceFailure('too-large', 'the recurrence rules need more iterations than one read may take');
  }

  private busy(event: ICAL.Component) {
    if (event.hasProperty(BOOKING_PROPERTY.toLowerCase())) return false;
    if (upper(event.getFirstPropertyValue('transp')) === 'TRANSPARENT') return false;
    if (upper(event.getFirstPropertyValue('status')) === 'CANCELLED') return false;
    const owner = this.owner;
    if (!owner) return true;
    return !event.getAllProperties('attendee').some((attendee) => {
      const address = String(attendee.getFirstValue() ?? '')
        .trim()
        .replace(/^mailto:/i, '')
        .toLowerCase();
      return address === owner && upper(attendee.getParameter('partstat')) === 'DECLINED';
    });
  }

  private add(object: string, occurrence: string, start: number, end: number) {
    if (!(end > this.from && start < this.to)) return;
    if (this.occurrences.length >= this.options.maxOccurrences) {
      throw new SourceFailure('too-large', `the calendar has more than ${this.options.maxOccurrences} busy occurrences in the window`);
    }
    this.occurrences.push({ object, occurrence, start: new Date(start), end: new Date(end) });
  }

  private readEvent(uid: string, masters: ICAL.Component[], overrides: ICAL.Component[], times: ComponentTimes) {
    const object = this.options.object ?? uid;
    const replaced = overrides.map((override) => {
      const property = override.getFirstProperty('recurrence-id')!;
      return {
        override,
        original: times.instant(property.getFirstValue() as ICAL.Time, property),
        range: upper(property.getParameter('range')) === 'THISANDFUTURE',
        span: times.span(override),
      };
    });
    // A THISANDFUTURE override moves every later instance by as much as it moves its own: expand that much wider so none moved into the window is missed.
    const reach = Math.max(0, ...replaced.filter((r) => r.range && r.span).map((r) => Math.abs(r.span!.start - r.original)));
    const taken = new Set(replaced.map((r) => r.original));
    const ranges = replaced.filter((r) => r.range && r.span).sort((a, b) => a.original - b.original);
    // Events that share a UID (exports that reuse one) would share the block id of a single event: each is keyed by its start instead.
    const shared = masters.length > 1;
    for (const master of masters) {
      const instances = times.expand(master, this.from - reach, this.to + reach);
      if (!instances) continue;
      const busy = this.busy(master);
      const recurring = instances.recurring;
      for (const [original, instance] of instances.starts) {
        if (taken.has(original)) continue;
        const range = ranges.findLast((r) => r.original <= original);
        if (range) {
          const span = range.span!;
          const start = original + (span.start - range.original);
          if (this.busy(range.override)) this.add(object, toIso(original), start, start + (span.end - span.start));
          continue;
        }
        if (busy) this.add(object, recurring || shared ? toIso(original) : '', instance.start, instance.end);
      }
    }
    for (const { override, original, span } of replaced) {
      if (span && this.busy(override)) this.add(object, toIso(original), span.start, span.end);
    }
  }

  private readFreeBusy(freeBusy: ICAL.Component, times: ComponentTimes) {
    const object = this.options.object ?? (String(freeBusy.getFirstPropertyValue('uid') ?? '').trim() || 'VFREEBUSY');
    for (const property of freeBusy.getAllProperties('freebusy')) {
      const type = upper(property.getParameter('fbtype')) || 'BUSY';
      if (!type.startsWith('BUSY')) continue;
      for (const value of property.getValues()) {
        const period = value as ICAL.Period;
        const start = times.instant(period.start, property);
        const end = period.end ? times.instant(period.end, property) : start + period.duration!.toSeconds() * 1000;
        this.add(object, `${toIso(start)}/${toIso(end)}`, start, end);
      }
    }
  }
}

/** When a component's times fall, in UTC milliseconds: zones resolved within one VCALENDAR. */
class ComponentTimes {
  constructor(
    private readonly reader: CalendarReader,
    private readonly zoneOf: (tzid: string) => Zone,
  ) {}

  /** The instant a DATE or DATE-TIME value of a property names; a DATE is its local midnight in the calendar's zone. */
  instant(time: ICAL.Time, property: ICAL.Property | null, tzid = property?.getParameter('tzid') as string | undefined): number {
    if (time.isDate) return this.reader.midnight(time.year, time.month, time.day);
    const wall = wallOf(time);
    if (time.zone?.tzid === 'UTC') return wall;
    return tzid ? instantIn(this.zoneOf(tzid), wall) : this.reader.floating(wall);
  }

  private length(event: ICAL.Component, start: ICAL.Time, startProperty: ICAL.Property): Length {
    const endProperty = event.getFirstProperty('dtend');
    const duration = event.getFirstPropertyValue('duration') as ICAL.Duration | null;
    if (start.isDate) {
      if (endProperty) {
        const end = endProperty.getFirstValue() as ICAL.Time;
        return { kind: 'days', days: Math.max(1, Math.ceil((Date.UTC(end.year, end.month - 1, end.day) - Date.UTC(start.year, start.month - 1, start.day)) / DAY_MS)) };
      }
      if (duration && !duration.isNegative) return { kind: 'days', days: Math.max(1, Math.ceil(duration.toSeconds() / 86400)) };
      return { kind: 'days', days: 1 };
    }
    if (endProperty) {
      const span = this.instant(endProperty.getFirstValue() as ICAL.Time, endProperty) - this.instant(start, startProperty);
      return { kind: 'exact', ms: Math.max(0, span) };
    }
    if (duration && !duration.isNegative) {
      return { kind: 'nominal', days: duration.weeks * 7 + duration.days, ms: (duration.hours * 3600 + duration.minutes * 60 + duration.seconds) * 1000 };
    }
    return { kind: 'exact', ms: 0 };
  }

  /** An instance's end: a day or week of DURATION is a calendar day (the same wall-clock time), hours are exact (RFC 5545 §3.3.6). */
  private endOf(length: Length, start: number, wall: ICAL.Time, property: ICAL.Property) {
    switch (length.kind) {
      case 'days':
        return this.dayAfter(wall, length.days);
      case 'exact':
        return start + length.ms;
      case 'nominal': {
        if (length.days === 0) return start + length.ms;
        const later = wall.clone();
        later.adjust(length.days, 0, 0, 0);
        return this.instant(later, property) + length.ms;
      }
    }
  }

  private dayAfter(date: ICAL.Time, days: number) {
    const later = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
    return this.reader.midnight(later.getUTCFullYear(), later.getUTCMonth() + 1, later.getUTCDate());
  }

  /** A non-recurring component's start and end (an override's own time); null without DTSTART. */
  span(event: ICAL.Component): { start: number; end: number } | null {
    const property = event.getFirstProperty('dtstart');
    if (!property) return null;
    const wall = property.getFirstValue() as ICAL.Time;
    const start = this.instant(wall, property);
    return { start, end: this.endOf(this.length(event, wall, property), start, wall, property) };
  }

  /**
   * The instances of a master event that start before `to` and end after `from`, keyed by their
   * original start: RRULEs iterated in the wall-clock time of DTSTART's zone (so a weekly 09:00
   * stays 09:00 across DST), RDATEs added, EXDATEs removed. Null without DTSTART.
   */
  expand(event: ICAL.Component, from: number, to: number): { recurring: boolean; starts: Map<number, Instance> } | null {
    const property = event.getFirstProperty('dtstart');
    if (!property) return null;
    const dtstart = property.getFirstValue() as ICAL.Time;
    const length = this.length(event, dtstart, property);
    const starts = new Map<number, Instance>();
    const put = (start: number, end: number) => {
      if (end > from && start < to) starts.set(start, { start, end });
    };
    const rules = event.getAllProperties('rrule');
    const rdates = event.getAllProperties('rdate');
    const first = this.instant(dtstart, property);
    if (rules.length === 0 && rdates.length === 0) {
      put(first, this.endOf(length, first, dtstart, property));
      return { recurring: false, starts };
    }
    put(first, this.endOf(length, first, dtstart, property));
    const longest = length.kind === 'days' ? length.days * DAY_MS : length.kind === 'exact' ? length.ms : length.days * DAY_MS + length.ms;
    for (const rule of rules) this.iterate(rule.getFirstValue() as ICAL.Recur, dtstart, property, from - longest - 2 * DAY_MS, to, (wall, start) => put(start, this.endOf(length, start, wall, property)));
    for (const rdate of rdates) {
      for (const value of rdate.getValues()) {
        if (value instanceof ICAL.Period) {
          const start = this.instant(value.start, rdate);
          put(start, value.end ? this.instant(value.end, rdate) : start + value.duration!.toSeconds() * 1000);
        } else {
          const wall = value as ICAL.Time;
          const start = this.instant(wall, rdate);
          put(start, this.endOf(length, start, wall, rdate));
        }
      }
    }
    for (const exdate of event.getAllProperties('exdate')) {
      for (const value of exdate.getValues()) starts.delete(this.instant(value as ICAL.Time, exdate));
    }
    if (starts.size > this.reader.options.maxOccurrences) throw new SourceFailure('too-large', `an event recurs more than ${this.reader.options.maxOccurrences} times in the window`);
    return { recurring: true, starts };
  }

  /**
   * Walks one RRULE from DTSTART until `to`, UNTIL or COUNT. UNTIL is compared here, as an instant,
   * because ical.js would compare it in a zone it may not know (a Windows or an IANA TZID without
   * VTIMEZONE). A DAILY or WEEKLY rule without COUNT starts from a later instance of itself, whole
   * periods on, so a rule begun years ago does not walk those years.
   */
  private iterate(recur: ICAL.Recur, dtstart: ICAL.Time, property: ICAL.Property, from: number, to: number, emit: (wall: ICAL.Time, start: number) => void) {
    const rule = recur.clone();
    const until = rule.until ? (rule.until.isDate && !dtstart.isDate ? this.instant(rule.until, null) + DAY_MS - 1 : this.instant(rule.until, rule.until.isDate ? null : property)) : Infinity;
    rule.until = null;
    let start = dtstart;
    const periodDays = rule.freq === 'DAILY' ? rule.interval : rule.freq === 'WEEKLY' ? rule.interval * 7 : 0;
    if (periodDays > 0 && !rule.count) {
      const skip = Math.floor((from - this.instant(dtstart, property)) / (periodDays * DAY_MS));
      if (skip > 0) {
        start = dtstart.clone();
        start.adjust(skip * periodDays, 0, 0, 0);
      }
    }
    const iterator = rule.iterator(start);
    for (let wall = iterator.next(); wall; wall = iterator.next()) {
      this.reader.step();
      const instant = this.instant(wall, property);
      if (instant > until || instant >= to) return;
      emit(wall, instant);
    }
  }
}
