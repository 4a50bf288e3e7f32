import ICAL from 'ical.js';
import { DateTime, IANAZone } from 'luxon';

const DAY_MS = 86_400_000;
/** A zone never changes offset and back within a day (the same assumption as the scheduling library's offset tables). */
const SAMPLE_MS = DAY_MS;

export interface OffsetChange {
  /** The instant the new offset takes effect. */
  at: number;
  /** Offsets (local − UTC) in minutes before and after. */
  from: number;
  to: number;
  daylight: boolean;
}

const offsetAt = (zone: IANAZone, instant: number): number => zone.offset(instant);

/** Every change of the zone's UTC offset in [from, to), each found to the minute by bisection of daily samples. */
export const offsetChanges = (timeZone: string, from: number, to: number): OffsetChange[] => {
  const zone = IANAZone.create(timeZone);
  const changes: OffsetChange[] = [];
  let at = from;
  let current = offsetAt(zone, from);
  while (at < to) {
    const next = Math.min(at + SAMPLE_MS, to);
    const target = offsetAt(zone, next);
    if (target !== current) {
      let lo = at;
      let hi = next;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (offsetAt(zone, mid) === current) lo = mid;
        else hi = mid;
      }
      changes.push({ at: hi, from: current, to: target, daylight: DateTime.fromMillis(hi, { zone }).isInDST });
      current = target;
    }
    at = next;
  }
  return changes;
};

const localTime = (instant: number, offsetMinutes: number): ICAL.Time => {
  const wall = new Date(instant + offsetMinutes * 60_000);
  return ICAL.Time.fromData({
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
  });
};

const observance = (daylight: boolean, start: ICAL.Time, fromMinutes: number, toMinutes: number): ICAL.Component => {
  const component = new ICAL.Component(daylight ? 'daylight' : 'standard');
  component.addPropertyWithValue('dtstart', start);
  component.addPropertyWithValue('tzoffsetfrom', ICAL.UtcOffset.fromSeconds(fromMinutes * 60));
  component.addPropertyWithValue('tzoffsetto', ICAL.UtcOffset.fromSeconds(toMinutes * 60));
  return component;
};

/**
 * A VTIMEZONE for an IANA zone over [from, to): one observance holding the offset at `from`, then
 * one per offset change, each dated at the local time before the change (RFC 5545 §3.6.5), with no
 * RRULE: clients read the offsets listed, exactly as luxon (the IANA database) gives them, rather
 * than a rule of their own. Past `to`, clients keep the last offset, so `to` must reach past every
 * instant the calendar names or expands to.
 */
export const vtimezone = (timeZone: string, from: Date, to: Date): ICAL.Component => {
  const zone = IANAZone.create(timeZone);
  const start = from.getTime();
  const component = new ICAL.Component('vtimezone');
  component.addPropertyWithValue('tzid', timeZone);
  const first = offsetAt(zone, start);
  const firstDaylight = DateTime.fromMillis(start, { zone }).isInDST;
  component.addSubcomponent(observance(firstDaylight, localTime(start, first), first, first));
  for (const change of offsetChanges(timeZone, start, to.getTime())) {
    component.addSubcomponent(observance(change.daylight, localTime(change.at, change.from), change.from, change.to));
  }
  return component;
};
