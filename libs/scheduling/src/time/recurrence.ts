/**
 * Series expansion of recurrence rules (rrule.ts parses them). Pure and synchronous: no clock, no I/O.
 *
 * Conventions (shared by everything under `time/`):
 * - Instants are JS Dates (UTC). Local date-times are 'YYYY-MM-DDTHH:mm' (seconds optional ':ss'), no offset,
 *   in the series' zone; occurrences report theirs as 'YYYY-MM-DDTHH:mm:ss'.
 * - A local time in a spring-forward gap moves forward by the gap (02:30 -> 03:30 when clocks jump 02:00 -> 03:00);
 *   an ambiguous local time in a fall-back overlap takes the earlier instant (see local-time.ts).
 * - Intervals are half-open [start, end): an occurrence overlaps a window when start < window.to && end > window.from.
 *
 * Expansion semantics:
 * - Occurrences are generated on the wall clock from DTSTART (= localStart): every one keeps DTSTART's time of day.
 *   Per RFC 5545, BYDAY/BYMONTHDAY expand MONTHLY (both given: days matching both), expand WEEKLY (BYDAY) and only
 *   filter DAILY. WEEKLY without BYDAY uses DTSTART's weekday; MONTHLY without either uses DTSTART's day of month
 *   and, like BYMONTHDAY=31, skips months that lack it; BYMONTHDAY=-1 is the last day of the month.
 * - INTERVAL counts periods from DTSTART's period: its day, its week (weeks start on WKST) or its month.
 * - DTSTART is always the first occurrence (even when it does not match BYDAY/BYMONTHDAY, and regardless of UNTIL);
 *   rule hits before DTSTART are dropped. COUNT counts DTSTART.
 * - Each occurrence's local end is its local start plus the wall-clock difference localStart -> localEnd (whole
 *   days plus time of day), so 09:00-10:00 stays 09:00-10:00 across DST and 22:00-06:00 keeps 06:00 as its end;
 *   both are then turned into instants with the gap/overlap rules. If a gap pushes the start past the end
 *   (start 01:30 in the gap, end 02:15), the end becomes start + the nominal duration.
 * - Hits that land on the same instant (Pacific/Apia's skipped 2011-12-30: its hit moves 24 h onto the 31st's)
 *   collapse into one occurrence and count once for COUNT.
 * - UNTIL is inclusive. The UTC form bounds the start instant; the local and date forms bound the wall-clock
 *   reading the rule produced (before any gap shift).
 * - EXDATE entries are local date-times in the series zone; an occurrence is removed when its start instant is the
 *   entry's instant (so an entry written at the nominal time removes a gap-shifted occurrence too). Removal happens
 *   after COUNT, as RFC 5545 says: excluded occurrences still count.
 * - Performance: without COUNT, expansion jumps arithmetically to the period containing the window (less a margin
 *   for the occurrence length and zone offsets) instead of walking from DTSTART. With COUNT it walks from DTSTART
 *   (COUNT is bounded by MAX_COUNT). Offsets come from a per-zone, per-year cache (local-time.ts).
 */
import { DomainError, uuidV5 } from '@kairos/core';
import { DAY_MS, civilFromDays, daysFromCivil, daysInMonth, formatNaive, isoWeekday, parseNaive } from './calendar';
import { Resolved, localNaiveOf, requireNaive, requireZone, resolveNaive } from './local-time';
import { DEFAULT_EXPANSION_LIMIT, Frequency, RecurrenceRule, WEEKDAYS } from './rrule';

export interface SeriesSpec {
  /** DTSTART: local date-time in timeZone. */
  localStart: string;
  /** The first occurrence's local end (after localStart; may be on a later day). */
  localEnd: string;
  timeZone: string;
  /** null: a single session. */
  rule: RecurrenceRule | null;
  /** Local date-times (series zone) of occurrences to leave out. */
  exdates?: readonly string[];
}

export interface Occurrence {
  /** The instant the rule produced, before any override: the instance key (see instanceIdOf). */
  originalStart: Date;
  start: Date;
  end: Date;
  /** Wall-clock readings in the series zone, 'YYYY-MM-DDTHH:mm:ss'. */
  localStart: string;
  localEnd: string;
}

/** Stable id of one instance of a series: UUIDv5 with the series id (a UUID) as namespace. */
export const instanceIdOf = (seriesId: string, originalStart: Date): string => uuidV5(seriesId, originalStart.toISOString());

const invalid = (field: string, reason: string): DomainError =>
  new DomainError('validation', `${field}: ${reason}`, [{ field, reason }]);

/**
 * How many periods without a single candidate day prove a rule never matches again: the Gregorian calendar repeats
 * every 400 years (146097 days = 20871 weeks = 4800 months), weekdays included.
 */
const EMPTY_PERIODS_CAP: Record<Frequency, number> = { DAILY: 146097, WEEKLY: 20871, MONTHLY: 4800 };
/** Margin between naive readings and instants: offsets (LMT included) stay within ±16 h, gaps within 24 h. */
const MARGIN_MS = 3 * DAY_MS;

/** Compiled form of a rule anchored at DTSTART, producing candidate days (day numbers) period by period. */
class RulePlan {
  private readonly startDay: number;
  private readonly weekStart0: number;
  private readonly month0: number;
  private readonly weekOffsets: number[];
  private readonly filterWeekdays: boolean[] | null;
  private readonly dtstartMonthDay: number;

  constructor(
    private readonly rule: RecurrenceRule,
    startNaive: number,
  ) {
    this.startDay = Math.floor(startNaive / DAY_MS);
    const wkst = WEEKDAYS.indexOf(rule.wkst);
    this.weekStart0 = this.startDay - ((isoWeekday(this.startDay) - wkst + 7) % 7);
    const c = civilFromDays(this.startDay);
    this.month0 = c.year * 12 + c.month - 1;
    this.dtstartMonthDay = c.day;
    const weekdays = rule.byDay.length > 0 ? rule.byDay.map((d) => WEEKDAYS.indexOf(d.weekday)) : [isoWeekday(this.startDay)];
    this.weekOffsets = [...new Set(weekdays.map((w) => (w - wkst + 7) % 7))].sort((a, b) => a - b);
    if (rule.byDay.length > 0) {
      this.filterWeekdays = WEEKDAYS.map((_, i) => weekdays.includes(i));
    } else {
      this.filterWeekdays = null;
    }
  }

  /** First period that can hold a hit at or after `naive` (0 = DTSTART's period). */
  periodAt(naive: number): number {
    const day = Math.floor(naive / DAY_MS);
    const { interval } = this.rule;
    switch (this.rule.freq) {
      case 'DAILY':
        return Math.max(0, Math.floor((day - this.startDay) / interval));
      case 'WEEKLY':
        return Math.max(0, Math.floor((day - this.weekStart0) / (7 * interval)));
      case 'MONTHLY': {
        const c = civilFromDays(day);
        return Math.max(0, Math.floor((c.year * 12 + c.month - 1 - this.month0) / interval));
      }
    }
  }

  /** First day number of period p. */
  periodStart(p: number): number {
    const { interval } = this.rule;
    switch (this.rule.freq) {
      case 'DAILY':
        return this.startDay + p * interval;
      case 'WEEKLY':
        return this.weekStart0 + p * 7 * interval;
      case 'MONTHLY': {
        const m = this.month0 + p * interval;
        return daysFromCivil(Math.floor(m / 12), (m % 12) + 1, 1);
      }
    }
  }

  /** Candidate days of period p, ascending. */
  days(p: number): number[] {
    const first = this.periodStart(p);
    switch (this.rule.freq) {
      case 'DAILY':
        return this.passesFilters(first) ? [first] : [];
      case 'WEEKLY': {
        const out: number[] = [];
        for (const o of this.weekOffsets) {
          const d = first + o;
          if (this.rule.byMonthDay.length === 0 || this.monthDayMatches(d)) out.push(d);
        }
        return out;
      }
      case 'MONTHLY':
        return this.monthDays(first);
    }
  }

  private passesFilters(day: number): boolean {
    if (this.filterWeekdays !== null && !this.filterWeekdays[isoWeekday(day)]) return false;
    return this.rule.byMonthDay.length === 0 || this.monthDayMatches(day);
  }

  private monthDayMatches(day: number): boolean {
    const c = civilFromDays(day);
    const dim = daysInMonth(c.year, c.month);
    return this.rule.byMonthDay.some((md) => (md > 0 ? md : dim + md + 1) === c.day);
  }

  private monthDays(first: number): number[] {
    const { year, month } = civilFromDays(first);
    const dim = daysInMonth(year, month);
    const { byDay, byMonthDay } = this.rule;
    let fromMonthDays: boolean[] | null = null;
    if (byMonthDay.length > 0) {
      fromMonthDays = new Array<boolean>(32).fill(false);
      for (const md of byMonthDay) {
        const d = md > 0 ? md : dim + md + 1;
        if (d >= 1 && d <= dim) fromMonthDays[d] = true;
      }
    }
    let fromWeekdays: boolean[] | null = null;
    if (byDay.length > 0) {
      fromWeekdays = new Array<boolean>(32).fill(false);
      const firstWeekday = isoWeekday(first);
      for (const { weekday, ordinal } of byDay) {
        const firstHit = 1 + ((WEEKDAYS.indexOf(weekday) - firstWeekday + 7) % 7);
        if (ordinal === null) {
          for (let d = firstHit; d <= dim; d += 7) fromWeekdays[d] = true;
        } else if (ordinal > 0) {
          const d = firstHit + 7 * (ordinal - 1);
          if (d <= dim) fromWeekdays[d] = true;
        } else {
          const lastHit = firstHit + 7 * Math.floor((dim - firstHit) / 7);
          const d = lastHit + 7 * (ordinal + 1);
          if (d >= 1) fromWeekdays[d] = true;
        }
      }
    }
    const out: number[] = [];
    if (fromMonthDays === null && fromWeekdays === null) {
      if (this.dtstartMonthDay <= dim) out.push(first + this.dtstartMonthDay - 1);
      return out;
    }
    for (let d = 1; d <= dim; d++) {
      if ((fromMonthDays === null || fromMonthDays[d]) && (fromWeekdays === null || fromWeekdays[d])) out.push(first + d - 1);
    }
    return out;
  }
}

/**
 * The occurrences of a series that overlap [window.from, window.to), sorted by start, unique by start instant,
 * at most `limit` of them (the earliest). See the file comment for the rules.
 * Throws DomainError('validation') for an unknown zone, malformed local date-times or localEnd <= localStart.
 */
export const expandSeries = (
  series: SeriesSpec,
  window: { from: Date; to: Date },
  limit: number = DEFAULT_EXPANSION_LIMIT,
): Occurrence[] => {
  const z = requireZone(series.timeZone);
  const startNaive = requireNaive(series.localStart, 'localStart');
  const endNaive = requireNaive(series.localEnd, 'localEnd');
  const duration = endNaive - startNaive;
  if (duration <= 0) throw invalid('localEnd', 'must be after localStart');
  const excluded = new Set<number>();
  (series.exdates ?? []).forEach((ex, i) => excluded.add(resolveNaive(z, requireNaive(ex, `exdates[${i}]`)).instant));

  const from = window.from.getTime();
  const to = window.to.getTime();
  if (Number.isNaN(from) || Number.isNaN(to)) throw invalid('window', 'from and to must be valid dates');
  if (!(from < to) || !(limit > 0)) return [];

  const rule = series.rule;
  const until = rule?.until ?? null;
  const untilInstant = until?.kind === 'utc' ? Date.parse(until.value) : null;
  const untilNaive =
    until === null || until.kind === 'utc'
      ? Infinity
      : until.kind === 'local'
        ? (parseNaive(until.value) ?? -Infinity)
        : (parseNaive(`${until.value}T00:00`) ?? -Infinity) + DAY_MS - 1;
  // Readings beyond maxNaive cannot start before `to` (or are past UNTIL); readings before lowNaive end before `from`.
  const maxNaive = Math.min(to + MARGIN_MS, untilNaive, untilInstant === null ? Infinity : untilInstant + MARGIN_MS);
  const lowNaive = from - duration - MARGIN_MS;
  const count = rule?.count ?? null;

  const out: Occurrence[] = [];
  let lastInstant = NaN;
  let produced = 0;
  /** Handles one rule hit (chronological); false = stop. */
  const visit = (naive: number, isDtstart: boolean): boolean => {
    if (!isDtstart && naive > maxNaive) return false;
    const start: Resolved = resolveNaive(z, naive);
    if (!isDtstart && untilInstant !== null && start.instant > untilInstant) return false;
    if (start.instant === lastInstant) return true; // collapses onto the previous hit
    lastInstant = start.instant;
    produced += 1;
    if (count !== null && produced > count) return false;
    if (excluded.has(start.instant) || start.instant >= to || naive < lowNaive) return true;
    let end = resolveNaive(z, naive + duration);
    if (end.instant <= start.instant) {
      const instant = start.instant + duration;
      end = { instant, local: localNaiveOf(z, instant) };
    }
    if (end.instant > from) {
      out.push({
        originalStart: new Date(start.instant),
        start: new Date(start.instant),
        end: new Date(end.instant),
        localStart: formatNaive(start.local),
        localEnd: formatNaive(end.local),
      });
    }
    return out.length < limit;
  };

  if (rule === null) {
    visit(startNaive, true);
  } else {
    expandRule(rule, startNaive, count === null ? lowNaive : -Infinity, maxNaive, visit);
  }
  // Hits come out in instant order already (one per local day at most, gaps never exceed a day); keep it certain.
  out.sort((a, b) => a.start.getTime() - b.start.getTime());
  return out.filter((o, i) => i === 0 || o.start.getTime() !== out[i - 1].start.getTime());
};

const expandRule = (
  rule: RecurrenceRule,
  startNaive: number,
  lowNaive: number,
  maxNaive: number,
  visit: (naive: number, isDtstart: boolean) => boolean,
): void => {
  const plan = new RulePlan(rule, startNaive);
  const timeOfDay = startNaive - Math.floor(startNaive / DAY_MS) * DAY_MS;
  let p = lowNaive === -Infinity ? 0 : plan.periodAt(lowNaive);
  if (p === 0 && !visit(startNaive, true)) return;
  const cap = EMPTY_PERIODS_CAP[rule.freq];
  for (let empty = 0; empty < cap; p++) {
    if (plan.periodStart(p) * DAY_MS > maxNaive) return;
    const days = plan.days(p);
    empty = days.length === 0 ? empty + 1 : 0;
    for (const day of days) {
      const naive = day * DAY_MS + timeOfDay;
      if (naive <= startNaive) continue;
      if (!visit(naive, false)) return;
    }
  }
};

