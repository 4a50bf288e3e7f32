/**
 * TEST-ONLY brute-force oracles for the time specs: deliberately naive, and independent of calendar.ts and
 * local-time.ts (they use only JS Date UTC arithmetic and luxon), so the specs compare two implementations.
 *
 * Conventions (same as the code under test): local date-times in the zone; a nonexistent local time moves forward
 * by the gap; an ambiguous one takes the earlier instant; intervals are half-open [start, end).
 */
import { DateTime, IANAZone } from 'luxon';
import { DomainError } from '@kairos/core';
import type { Occurrence, SeriesSpec } from './recurrence';
import { RecurrenceRule, parseRecurrence } from './rrule';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Wall-clock reading (as if UTC) of a naive ms. */
const parts = (naive: number) => {
  const d = new Date(naive);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
};

/**
 * The instant of a naive local reading, by brute force: every offset the zone shows within ±2 days (sampled every
 * 3 h) is tried; the valid readings are the ones where the zone really has that offset; the earliest wins. None
 * valid = a gap, where luxon itself moves the reading forward by the gap.
 */
export const oracleInstant = (naive: number, zone: string): number => {
  const z = IANAZone.create(zone);
  const offsets = new Set<number>();
  for (let t = naive - 2 * DAY; t <= naive + 2 * DAY; t += 3 * HOUR) offsets.add(Math.round(z.offset(t) * MIN));
  const valid = [...offsets].map((o) => naive - o).filter((i) => Math.round(z.offset(i) * MIN) === naive - i);
  if (valid.length > 0) return Math.min(...valid);
  return DateTime.fromObject(parts(naive), { zone }).toMillis();
};

export const oracleLocal = (instant: number, zone: string): string => DateTime.fromMillis(instant, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss");

/** Naive ms of 'YYYY-MM-DDTHH:mm[:ss]' (or a date, at midnight), via Date.UTC. */
export const naiveOf = (local: string): number => {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?Z?$/.exec(local);
  if (!m) throw new Error(`bad local ${local}`);
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
};

const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const mondayIndex = (dayMs: number) => (new Date(dayMs).getUTCDay() + 6) % 7;
const daysIn = (dayMs: number) => {
  const d = new Date(dayMs);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
};

/** Does the rule (anchored at the DTSTART day) hit this day? Straight from the RFC 5545 wording, day by day. */
const ruleHits = (rule: RecurrenceRule, startDay: number, dayMs: number): boolean => {
  const date = new Date(dayMs);
  const wd = mondayIndex(dayMs);
  const dom = date.getUTCDate();
  const dim = daysIn(dayMs);
  const monthDayOk = () => rule.byMonthDay.some((md) => (md > 0 ? dom === md : dom === dim + md + 1));
  const weekdayOk = () =>
    rule.byDay.some(
      (b) =>
        WEEKDAYS.indexOf(b.weekday) === wd &&
        (b.ordinal === null || (b.ordinal > 0 ? Math.ceil(dom / 7) === b.ordinal : Math.ceil((dim - dom + 1) / 7) === -b.ordinal)),
    );
  switch (rule.freq) {
    case 'DAILY':
      return ((dayMs - startDay) / DAY) % rule.interval === 0 && (rule.byDay.length === 0 || weekdayOk()) && (rule.byMonthDay.length === 0 || monthDayOk());
    case 'WEEKLY': {
      const wkst = WEEKDAYS.indexOf(rule.wkst);
      const weekStart = (d: number) => d - ((mondayIndex(d) - wkst + 7) % 7) * DAY;
      const weeks = Math.round((weekStart(dayMs) - weekStart(startDay)) / (7 * DAY));
      const day = rule.byDay.length === 0 ? wd === mondayIndex(startDay) : weekdayOk();
      return weeks % rule.interval === 0 && day;
    }
    case 'MONTHLY': {
      const s = new Date(startDay);
      const months = date.getUTCFullYear() * 12 + date.getUTCMonth() - (s.getUTCFullYear() * 12 + s.getUTCMonth());
      if (months % rule.interval !== 0) return false;
      if (rule.byDay.length === 0 && rule.byMonthDay.length === 0) return dom === s.getUTCDate();
      return (rule.byDay.length === 0 || weekdayOk()) && (rule.byMonthDay.length === 0 || monthDayOk());
    }
  }
};

export interface OracleOccurrence {
  start: string;
  end: string;
  localStart: string;
  localEnd: string;
}

/** The occurrences of a series overlapping [from, to), walking every day from DTSTART. */
export const oracleExpand = (
  spec: { localStart: string; localEnd: string; timeZone: string; rule: RecurrenceRule | null; exdates?: readonly string[] },
  from: number,
  to: number,
): OracleOccurrence[] => {
  const zone = spec.timeZone;
  const startNaive = naiveOf(spec.localStart);
  const duration = naiveOf(spec.localEnd) - startNaive;
  const startDay = Math.floor(startNaive / DAY) * DAY;
  const timeOfDay = startNaive - startDay;
  const rule = spec.rule;
  const excluded = new Set((spec.exdates ?? []).map((e) => oracleInstant(naiveOf(e), zone)));
  const until = rule?.until ?? null;
  const untilNaive = until === null || until.kind === 'utc' ? Infinity : until.kind === 'local' ? naiveOf(until.value) : naiveOf(until.value) + DAY - 1;
  const untilInstant = until?.kind === 'utc' ? Date.parse(until.value) : Infinity;
  const out: OracleOccurrence[] = [];
  let last = NaN;
  let produced = 0;
  for (let day = startDay; day <= to + 3 * DAY; day += DAY) {
    const naive = day + timeOfDay;
    const isFirst = day === startDay;
    if (!isFirst && (rule === null || !ruleHits(rule, startDay, day))) continue;
    if (!isFirst && naive > untilNaive) break;
    // Far before the window only COUNT needs the instant (to count collapsed hits once).
    if (rule?.count == null && naive + duration < from - 3 * DAY) continue;
    const start = oracleInstant(naive, zone);
    if (!isFirst && start > untilInstant) break;
    if (start === last) continue;
    last = start;
    produced += 1;
    if (rule?.count != null && produced > rule.count) break;
    if (excluded.has(start)) continue;
    let end = oracleInstant(naive + duration, zone);
    if (end <= start) end = start + duration;
    if (start < to && end > from) {
      out.push({ start: new Date(start).toISOString(), end: new Date(end).toISOString(), localStart: oracleLocal(start, zone), localEnd: oracleLocal(end, zone) });
    }
  }
  return out;
};

export interface OracleWorkingRule {
  daysOfWeek: string[];
  startTime: string;
  endTime: string;
  everyWeeks: number;
  validFrom: string | null;
  validUntil: string | null;
}

/** Working intervals overlapping [from, to), clipped and merged, day by day with luxon. */
export const oracleWorkingIntervals = (rules: readonly OracleWorkingRule[], zone: string, from: number, to: number): [number, number][] => {
  const DAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];
  const firstLocal = DateTime.fromMillis(from, { zone });
  const lastLocal = DateTime.fromMillis(to, { zone });
  const firstDay = Date.UTC(firstLocal.year, firstLocal.month - 1, firstLocal.day) - 2 * DAY;
  const lastDay = Date.UTC(lastLocal.year, lastLocal.month - 1, lastLocal.day) + DAY;
  const raw: [number, number][] = [];
  for (const r of rules) {
    const minutes = (t: string) => +t.slice(0, 2) * 60 + +t.slice(3, 5);
    const s = minutes(r.startTime);
    let e = minutes(r.endTime);
    if (e <= s) e += 24 * 60;
    const anchorDay = r.validFrom === null ? Date.UTC(1970, 0, 5) : naiveOf(r.validFrom);
    const anchorMonday = anchorDay - mondayIndex(anchorDay) * DAY;
    for (let day = firstDay; day <= lastDay; day += DAY) {
      if (!r.daysOfWeek.includes(DAYS[mondayIndex(day)])) continue;
      if (r.validFrom !== null && day < naiveOf(r.validFrom)) continue;
      if (r.validUntil !== null && day > naiveOf(r.validUntil)) continue;
      const weeks = Math.round((day - mondayIndex(day) * DAY - anchorMonday) / (7 * DAY));
      if (((weeks % r.everyWeeks) + r.everyWeeks) % r.everyWeeks !== 0) continue;
      const start = oracleInstant(day + s * MIN, zone);
      const end = oracleInstant(day + e * MIN, zone);
      if (end > start) raw.push([Math.max(start, from), Math.min(end, to)]);
    }
  }
  const merged: [number, number][] = [];
  for (const [s, e] of raw.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0])) {
    const lastSpan = merged[merged.length - 1];
    if (lastSpan && s <= lastSpan[1]) lastSpan[1] = Math.max(lastSpan[1], e);
    else merged.push([s, e]);
  }
  return merged;
};

/** The validation DomainError a call throws; fails the test when it throws nothing or something else. */
export const validationError = (fn: () => unknown): DomainError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('validation');
    return e as DomainError;
  }
  throw new Error('expected a validation error');
};

// Shorthands the expansion specs share.
export const win = (from: string, to: string) => ({ from: new Date(from), to: new Date(to) });
export const starts = (o: Occurrence[]) => o.map((x) => x.start.toISOString());
export const localStarts = (o: Occurrence[]) => o.map((x) => x.localStart);
export const hours = (x: Occurrence) => (x.end.getTime() - x.start.getTime()) / 3_600_000;
export const series = (localStart: string, localEnd: string, timeZone: string, rule: string | null, exdates?: string[]): SeriesSpec => ({
  localStart,
  localEnd,
  timeZone,
  rule: rule === null ? null : parseRecurrence(rule),
  exdates,
});
