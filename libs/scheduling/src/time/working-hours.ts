/**
 * Working hours: weekly wall-clock rules turned into instants. Pure and synchronous: no clock, no I/O.
 *
 * Conventions (shared by everything under `time/`):
 * - Instants are JS Dates (UTC). startTime/endTime are wall-clock 'HH:mm' (00:00-23:59) in the schedule's zone;
 *   validFrom/validUntil are local dates 'YYYY-MM-DD'.
 * - A local time in a spring-forward gap moves forward by the gap; an ambiguous one takes the earlier instant
 *   (see local-time.ts). So 09:00-17:00 is always 09:00-17:00 on the wall clock (8 h of it); only a span that
 *   crosses the transition itself (an overnight 22:00-06:00) lasts 7 or 9 real hours.
 * - Intervals are half-open [start, end).
 *
 * Rule semantics:
 * - endTime <= startTime: the interval ends on the next day (endTime == startTime: 24 h of wall clock).
 * - everyWeeks: the rule applies in every n-th ISO week (weeks start Monday), counted from the week holding
 *   validFrom, or from the week of Monday 1970-01-05 when validFrom is null.
 * - validFrom/validUntil (inclusive, either may be null) bound the local date an interval STARTS on; an overnight
 *   interval starting on validUntil runs into the next day.
 * - daysOfWeek: the local weekday an interval starts on.
 */
import { DomainError, FieldError } from '@kairos/core';
import { DAY_MS, daysFromCivil, isoWeekday, mondayOf, parseDay, parseTimeOfDay } from './calendar';
import { Interval, Span, clipSpans, fromSpans, mergeSpans } from './intervals';
import { localNaiveOf, requireZone, resolveNaive } from './local-time';

export type DayOfWeek = 'MON' | 'TUE' | 'WED' | 'THU' | 'FRI' | 'SAT' | 'SUN';
/** Index = ISO weekday - 1 (0 = Monday). */
export const DAYS_OF_WEEK: readonly DayOfWeek[] = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];

export interface WorkingHoursRule {
  daysOfWeek: DayOfWeek[];
  /** 'HH:mm' */
  startTime: string;
  /** 'HH:mm'; <= startTime means the next day. */
  endTime: string;
  /** 1..52 */
  everyWeeks: number;
  /** 'YYYY-MM-DD' or null */
  validFrom: string | null;
  /** 'YYYY-MM-DD' or null */
  validUntil: string | null;
}

const EPOCH_MONDAY = daysFromCivil(1970, 1, 5);
const MAX_EVERY_WEEKS = 52;

/** Every problem of every rule, as field errors like `workingHours[0].startTime`. Empty = valid. */
export const validateWorkingHours = (rules: readonly WorkingHoursRule[], field = 'workingHours'): FieldError[] => {
  const errors: FieldError[] = [];
  if (!Array.isArray(rules)) return [{ field, reason: 'must be a list of working-hours rules' }];
  rules.forEach((rule, i) => {
    const at = `${field}[${i}]`;
    const add = (name: string, reason: string) => errors.push({ field: `${at}.${name}`, reason });
    if (rule === null || typeof rule !== 'object') {
      errors.push({ field: at, reason: 'must be a working-hours rule' });
      return;
    }
    const days: unknown = rule.daysOfWeek;
    if (!Array.isArray(days) || days.length === 0) {
      add('daysOfWeek', `must list at least one of ${DAYS_OF_WEEK.join(', ')}`);
    } else {
      const seen = new Set<unknown>();
      for (const d of days) {
        if (!(DAYS_OF_WEEK as readonly unknown[]).includes(d)) add('daysOfWeek', `${JSON.stringify(d)} is not one of ${DAYS_OF_WEEK.join(', ')}`);
        else if (seen.has(d)) add('daysOfWeek', `${d} is listed more than once`);
        seen.add(d);
      }
    }
    if (parseTimeOfDay(rule.startTime) === null) add('startTime', `must be a time HH:mm from 00:00 to 23:59, not ${JSON.stringify(rule.startTime)}`);
    if (parseTimeOfDay(rule.endTime) === null) add('endTime', `must be a time HH:mm from 00:00 to 23:59, not ${JSON.stringify(rule.endTime)}`);
    if (!Number.isInteger(rule.everyWeeks) || rule.everyWeeks < 1 || rule.everyWeeks > MAX_EVERY_WEEKS) {
      add('everyWeeks', `must be an integer from 1 to ${MAX_EVERY_WEEKS}`);
    }
    const from = rule.validFrom === null ? null : parseDay(rule.validFrom);
    const until = rule.validUntil === null ? null : parseDay(rule.validUntil);
    if (rule.validFrom !== null && from === null) add('validFrom', `must be a date YYYY-MM-DD or null, not ${JSON.stringify(rule.validFrom)}`);
    if (rule.validUntil !== null && until === null) add('validUntil', `must be a date YYYY-MM-DD or null, not ${JSON.stringify(rule.validUntil)}`);
    if (from !== null && until !== null && from > until) add('validUntil', 'must not be before validFrom');
  });
  return errors;
};

interface CompiledRule {
  weekdays: boolean[];
  startMs: number;
  /** ms after the start day's midnight (may exceed a day for overnight rules). */
  endMs: number;
  everyWeeks: number;
  anchorMonday: number;
  validFrom: number;
  validUntil: number;
}

const compile = (rule: WorkingHoursRule): CompiledRule => {
  const startMs = parseTimeOfDay(rule.startTime) as number;
  const endOfDay = parseTimeOfDay(rule.endTime) as number;
  const validFrom = rule.validFrom === null ? -Infinity : (parseDay(rule.validFrom) as number);
  return {
    weekdays: DAYS_OF_WEEK.map((d) => rule.daysOfWeek.includes(d)),
    startMs,
    endMs: endOfDay <= startMs ? endOfDay + DAY_MS : endOfDay,
    everyWeeks: rule.everyWeeks,
    anchorMonday: validFrom === -Infinity ? EPOCH_MONDAY : mondayOf(validFrom),
    validFrom,
    validUntil: rule.validUntil === null ? Infinity : (parseDay(rule.validUntil) as number),
  };
};

/**
 * The instants covered by any of the rules within [window.from, window.to): sorted, merged (overlapping or
 * touching intervals join) and clipped to the window. Intervals that start on the local day before `from` and run
 * into it are included. Throws DomainError('validation') for an unknown zone or rules that fail
 * validateWorkingHours (with its field errors).
 */
export const workingIntervals = (
  rules: readonly WorkingHoursRule[],
  timeZone: string,
  window: { from: Date; to: Date },
): Interval[] => fromSpans(workingSpans(rules, timeZone, window.from.getTime(), window.to.getTime()));

/** workingIntervals on epoch ms, for the availability engine, which works on spans: no Dates made and read back. */
export const workingSpans = (rules: readonly WorkingHoursRule[], timeZone: string, from: number, to: number): Span[] => {
  const z = requireZone(timeZone);
  if (!(from < to)) return [];
  const errors = validateWorkingHours(rules);
  if (errors.length > 0) {
    throw new DomainError('validation', errors.map((e) => `${e.field}: ${e.reason}`).join('; '), errors);
  }
  const compiled = rules.map(compile);
  const firstDay = Math.floor(localNaiveOf(z, from) / DAY_MS) - 1;
  const lastDay = Math.floor(localNaiveOf(z, to) / DAY_MS);
  const spans: Span[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const weekday = isoWeekday(day);
    const midnight = day * DAY_MS;
    for (const r of compiled) {
      if (!r.weekdays[weekday] || day < r.validFrom || day > r.validUntil) continue;
      const weeks = (mondayOf(day) - r.anchorMonday) / 7;
      if (((weeks % r.everyWeeks) + r.everyWeeks) % r.everyWeeks !== 0) continue;
      const start = resolveNaive(z, midnight + r.startMs).instant;
      const end = resolveNaive(z, midnight + r.endMs).instant;
      if (end > start) spans.push([start, end]);
    }
  }
  return clipSpans(mergeSpans(spans), from, to);
};

