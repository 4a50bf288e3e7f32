/**
 * Local wall-clock time <-> instants, in an IANA zone. Pure and synchronous: no clock reads, no I/O.
 *
 * Conventions (shared by everything under `time/`):
 * - Instants are JS Dates (UTC). Local date-times are strings 'YYYY-MM-DDTHH:mm' (seconds optional ':ss'),
 *   without an offset, read in the zone of their series/schedule. `toLocal` always writes 'YYYY-MM-DDTHH:mm:ss'.
 * - A local time that does not exist (spring-forward gap) moves forward by the length of the gap: 02:30 on a day
 *   whose clocks jump 02:00 -> 03:00 becomes 03:30 (i.e. it is read with the offset in force before the jump).
 *   Pacific/Apia skipped 2011-12-30 entirely, so any time that day moves 24 h forward onto the 31st.
 * - An ambiguous local time (fall-back overlap) takes the earlier instant: the first occurrence, read with the
 *   offset in force before the transition.
 * - Intervals are half-open [start, end).
 *
 * luxon's native behaviour (3.7): gaps already move forward by the gap, but overlaps are resolved
 * inconsistently: it picks the LATER instant in Europe/London, America/New_York and America/Sao_Paulo, and the
 * earlier one in Australia/Lord_Howe, Pacific/Chatham and Africa/Casablanca (it guesses the offset at the naive
 * reading taken as UTC). So we do not use DateTime.fromISO: we list the candidate offsets around the reading and
 * pick explicitly (the same approach as Temporal's 'compatible' disambiguation).
 *
 * luxon is only asked for a zone's offset at an instant (IANAZone#offset, which goes through Intl and costs
 * several µs). Those answers are cached per zone and calendar year as a list of transitions, found by sampling
 * the offset once a day and bisecting each change to the millisecond. Assumption (true of the whole tz database
 * in practice): a zone never changes offset and changes back within the same 24 h.
 */
import { IANAZone } from 'luxon';
import { DomainError } from '@kairos/core';
import { DAY_MS, daysFromCivil, formatInstant, formatNaive, parseNaive } from './calendar';

interface YearOffsets {
  /** starts[0] is the year's first instant; starts[i] the instant offsets[i] takes effect. */
  starts: number[];
  offsets: number[];
}

const yearStart = (year: number): number => daysFromCivil(year, 1, 1) * DAY_MS;

class ZoneOffsets {
  private readonly years = new Map<number, YearOffsets>();
  private last: { from: number; to: number; table: YearOffsets } | null = null;

  constructor(private readonly zone: IANAZone) {}

  /** Offset (local - UTC) in ms at an instant. */
  offset(instant: number): number {
    let last = this.last;
    if (last === null || instant < last.from || instant >= last.to) {
      const year = new Date(instant).getUTCFullYear();
      let table = this.years.get(year);
      if (table === undefined) {
        table = this.build(year);
        this.years.set(year, table);
      }
      last = this.last = { from: yearStart(year), to: yearStart(year + 1), table };
    }
    const { starts, offsets } = last.table;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= instant) lo = mid;
      else hi = mid - 1;
    }
    return offsets[lo];
  }

  private raw(instant: number): number {
    return Math.round(this.zone.offset(instant) * 60_000);
  }

  private build(year: number): YearOffsets {
    const start = yearStart(year);
    const end = yearStart(year + 1);
    const starts = [start];
    const offsets = [this.raw(start)];
    let at = start;
    let current = offsets[0];
    while (at < end) {
      const next = Math.min(at + DAY_MS, end);
      const target = this.raw(next);
      // Bisect every change in (at, next]; usually there is none or one.
      while (current !== target) {
        let lo = at;
        let hi = next;
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (this.raw(mid) === current) lo = mid;
          else hi = mid;
        }
        current = this.raw(hi);
        at = hi;
        if (hi < end) {
          starts.push(hi);
          offsets.push(current);
        }
      }
      at = next;
    }
    return { starts, offsets };
  }
}

const cache = new Map<string, ZoneOffsets>();

const zoneOffsets = (zone: string): ZoneOffsets | null => {
  let z = cache.get(zone);
  if (z === undefined) {
    if (typeof zone !== 'string' || !IANAZone.isValidZone(zone)) return null;
    z = new ZoneOffsets(IANAZone.create(zone));
    cache.set(zone, z);
  }
  return z;
};

/** An IANA zone name the runtime knows ('Europe/Lisbon', 'Asia/Kathmandu', 'UTC'). */
export const isValidZone = (zone: unknown): zone is string => typeof zone === 'string' && zoneOffsets(zone) !== null;

const invalid = (field: string, reason: string): DomainError =>
  new DomainError('validation', `${field}: ${reason}`, [{ field, reason }]);

/** @internal the cached offset table of a valid zone; throws a validation error naming `field` otherwise. */
export const requireZone = (zone: string, field = 'timeZone'): ZoneOffsets => {
  const z = zoneOffsets(zone);
  if (z === null) throw invalid(field, `must be an IANA time zone such as Europe/Lisbon, not ${JSON.stringify(zone)}`);
  return z;
};

/** @internal parses a local date-time to naive ms; throws a validation error naming `field`. */
export const requireNaive = (local: string, field: string): number => {
  const naive = parseNaive(local);
  if (naive === null) {
    throw invalid(field, `must be a local date-time 'YYYY-MM-DDTHH:mm' or 'YYYY-MM-DDTHH:mm:ss', not ${JSON.stringify(local)}`);
  }
  return naive;
};

export interface Resolved {
  /** Epoch ms. */
  instant: number;
  /** Naive ms of the wall-clock reading at that instant: the input, or later by the gap it fell in. */
  local: number;
}

/**
 * @internal a naive local reading -> instant with the gap/overlap rules. Candidate offsets are the ones in force a
 * day before and a day after the reading (offsets are within -12 h..+14 h, so every instant that can show this
 * reading lies between them).
 */
export const resolveNaive = (z: ZoneOffsets, naive: number): Resolved => {
  const before = z.offset(naive - DAY_MS);
  const after = z.offset(naive + DAY_MS);
  if (before === after) return { instant: naive - before, local: naive };
  const early = naive - before;
  const late = naive - after;
  const earlyOk = z.offset(early) === before;
  const lateOk = z.offset(late) === after;
  if (earlyOk && lateOk) {
    // Overlap: both readings exist; the earlier instant wins.
    const instant = Math.min(early, late);
    return { instant, local: naive };
  }
  if (earlyOk) return { instant: early, local: naive };
  if (lateOk) return { instant: late, local: naive };
  // Gap: read with the offset before the jump, which lands after it, later on the wall clock by (after - before).
  return { instant: early, local: early + z.offset(early) };
};

/** @internal naive local reading of an instant. */
export const localNaiveOf = (z: ZoneOffsets, instant: number): number => instant + z.offset(instant);

/**
 * The instant a local date-time stands for in `zone` (gap: moved forward by the gap; overlap: earlier instant).
 * Throws DomainError('validation') naming `field` for a malformed or impossible reading ('2026-02-30T10:00'),
 * and naming `zoneField` for an unknown zone.
 */
export const toInstant = (local: string, zone: string, field = 'localStart', zoneField = 'timeZone'): Date => {
  const naive = requireNaive(local, field);
  return new Date(resolveNaive(requireZone(zone, zoneField), naive).instant);
};

/** The wall-clock reading 'YYYY-MM-DDTHH:mm:ss' of an instant in `zone`. */
export const toLocal = (instant: Date, zone: string, zoneField = 'timeZone'): string => {
  const z = requireZone(zone, zoneField);
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw invalid('instant', 'must be a valid date');
  return formatNaive(localNaiveOf(z, ms));
};

/** The zone's offset (local - UTC) in minutes at an instant, from the cached transition table. */
export const offsetMinutes = (instant: Date, zone: string, zoneField = 'timeZone'): number =>
  requireZone(zone, zoneField).offset(instant.getTime()) / 60_000;

export type { ZoneOffsets };
export { formatInstant };
