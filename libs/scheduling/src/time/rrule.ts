/**
 * Recurrence rules: the RFC 5545 RRULE subset Kairos accepts, parsed and written back. Pure: no clock, no I/O.
 *
 * Supported: FREQ=DAILY|WEEKLY|MONTHLY; INTERVAL=n (default 1); BYDAY=MO,WE or, with MONTHLY only, 2TU,-1FR;
 * BYMONTHDAY=1,15,-1 (not with WEEKLY, as RFC 5545 says); COUNT=n or UNTIL=20261231T235959Z (UTC instant) |
 * 20261231T235959 (local, series zone) | 20261231 (through the end of that local day); WKST=MO (default MO).
 * An optional leading 'RRULE:' is accepted. Anything else (BYHOUR, BYSETPOS, FREQ=YEARLY...) is refused by name.
 */
import { DomainError } from '@kairos/core';
import { parseNaive } from './calendar';

export type Frequency = 'DAILY' | 'WEEKLY' | 'MONTHLY';
export type Weekday = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU';
/** Index = ISO weekday - 1 (0 = Monday). */
export const WEEKDAYS: readonly Weekday[] = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

export interface ByDay {
  weekday: Weekday;
  /** MONTHLY only: 1..5 (first..fifth) or -1..-5 (last..fifth-to-last); null = every such weekday. */
  ordinal: number | null;
}

/** JSON-friendly, in ISO-8601 extended form. */
export type RecurrenceUntil =
  | { kind: 'utc'; value: string } // '2026-12-31T23:59:59Z': an instant
  | { kind: 'local'; value: string } // '2026-12-31T23:59:59': a wall-clock reading in the series zone
  | { kind: 'date'; value: string }; // '2026-12-31': through the end of that local day

export interface RecurrenceRule {
  freq: Frequency;
  /** >= 1. */
  interval: number;
  /** Empty = not given. */
  byDay: ByDay[];
  /** -31..-1, 1..31; empty = not given. */
  byMonthDay: number[];
  count: number | null;
  until: RecurrenceUntil | null;
  wkst: Weekday;
}

export const MAX_INTERVAL = 1000;
export const MAX_COUNT = 10_000;
export const DEFAULT_EXPANSION_LIMIT = 10_000;

const SUPPORTED_PARTS = ['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'COUNT', 'UNTIL', 'WKST'];
const FREQUENCIES: readonly Frequency[] = ['DAILY', 'WEEKLY', 'MONTHLY'];
const BYDAY_ITEM = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/;
const UNTIL_UTC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const UNTIL_LOCAL = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/;
const UNTIL_DATE = /^(\d{4})(\d{2})(\d{2})$/;

const isWeekday = (v: string): v is Weekday => (WEEKDAYS as readonly string[]).includes(v);

/** Parses an RRULE value; every problem found is reported (as a validation DomainError naming `field`). */
export const parseRecurrence = (value: string, field = 'recurrence'): RecurrenceRule => {
  const problems: string[] = [];
  const fail = (): DomainError =>
    new DomainError(
      'validation',
      `${field}: ${problems.join('; ')}`,
      problems.map((reason) => ({ field, reason })),
    );
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push('must be a recurrence rule such as FREQ=WEEKLY;BYDAY=MO,WE');
    throw fail();
  }
  let body = value.trim();
  if (/^RRULE:/i.test(body)) body = body.slice('RRULE:'.length);

  const parts = new Map<string, string>();
  const unsupported: string[] = [];
  for (const part of body.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      problems.push(`malformed part ${JSON.stringify(part)}: expected NAME=VALUE`);
      continue;
    }
    const name = part.slice(0, eq).trim().toUpperCase();
    const v = part.slice(eq + 1).trim().toUpperCase();
    if (!SUPPORTED_PARTS.includes(name)) unsupported.push(name);
    else if (parts.has(name)) problems.push(`${name} is given more than once`);
    else parts.set(name, v);
  }
  if (unsupported.length > 0) {
    problems.push(`unsupported part${unsupported.length > 1 ? 's' : ''} ${unsupported.join(', ')} (supported: ${SUPPORTED_PARTS.join(', ')})`);
  }

  let freq: Frequency | null = null;
  const rawFreq = parts.get('FREQ');
  if (rawFreq === undefined) problems.push('FREQ is required');
  else if ((FREQUENCIES as readonly string[]).includes(rawFreq)) freq = rawFreq as Frequency;
  else problems.push(`unsupported FREQ=${rawFreq} (supported: ${FREQUENCIES.join(', ')})`);

  const positive = (name: string, max: number): number | null => {
    const raw = parts.get(name);
    if (raw === undefined) return null;
    if (/^\d{1,9}$/.test(raw) && +raw >= 1 && +raw <= max) return +raw;
    problems.push(`${name} must be an integer from 1 to ${max}, not ${JSON.stringify(raw)}`);
    return null;
  };
  const interval = positive('INTERVAL', MAX_INTERVAL) ?? 1;
  const count = positive('COUNT', MAX_COUNT);

  const byDay: ByDay[] = [];
  const rawByDay = parts.get('BYDAY');
  if (rawByDay !== undefined) {
    const seen = new Set<string>();
    for (const item of rawByDay.split(',')) {
      const m = BYDAY_ITEM.exec(item.trim());
      if (!m) {
        problems.push(`BYDAY item ${JSON.stringify(item)} is not a weekday (MO..SU), optionally with an ordinal (2TU, -1FR)`);
        continue;
      }
      const ordinal = m[1] === undefined ? null : Number(m[1]);
      if (ordinal !== null && (ordinal === 0 || Math.abs(ordinal) > 5)) {
        problems.push(`BYDAY ordinal in ${item} must be 1..5 or -1..-5`);
        continue;
      }
      if (ordinal !== null && freq !== null && freq !== 'MONTHLY') {
        problems.push(`BYDAY ordinals (${item}) are only allowed with FREQ=MONTHLY`);
        continue;
      }
      const key = `${ordinal ?? ''}${m[2]}`;
      if (seen.has(key)) {
        problems.push(`BYDAY lists ${key} more than once`);
        continue;
      }
      seen.add(key);
      byDay.push({ weekday: m[2] as Weekday, ordinal });
    }
  }

  const byMonthDay: number[] = [];
  const rawByMonthDay = parts.get('BYMONTHDAY');
  if (rawByMonthDay !== undefined) {
    if (freq === 'WEEKLY') problems.push('BYMONTHDAY is not allowed with FREQ=WEEKLY');
    for (const item of rawByMonthDay.split(',')) {
      const t = item.trim();
      const n = Number(t);
      if (!/^[+-]?\d{1,2}$/.test(t) || n === 0 || Math.abs(n) > 31) {
        problems.push(`BYMONTHDAY item ${JSON.stringify(item)} must be 1..31 or -31..-1`);
      } else if (byMonthDay.includes(n)) {
        problems.push(`BYMONTHDAY lists ${n} more than once`);
      } else {
        byMonthDay.push(n);
      }
    }
  }

  let until: RecurrenceUntil | null = null;
  const rawUntil = parts.get('UNTIL');
  if (rawUntil !== undefined) {
    let m: RegExpExecArray | null;
    if ((m = UNTIL_UTC.exec(rawUntil)) || (m = UNTIL_LOCAL.exec(rawUntil))) {
      const local = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
      if (parseNaive(local) === null) problems.push(`UNTIL ${rawUntil} is not a real date-time`);
      else until = rawUntil.endsWith('Z') ? { kind: 'utc', value: `${local}Z` } : { kind: 'local', value: local };
    } else if ((m = UNTIL_DATE.exec(rawUntil))) {
      const date = `${m[1]}-${m[2]}-${m[3]}`;
      if (parseNaive(`${date}T00:00`) === null) problems.push(`UNTIL ${rawUntil} is not a real date`);
      else until = { kind: 'date', value: date };
    } else {
      problems.push(`UNTIL ${JSON.stringify(rawUntil)} must be 20261231T235959Z (UTC), 20261231T235959 (local) or 20261231 (a date)`);
    }
  }
  if (parts.has('COUNT') && parts.has('UNTIL')) problems.push('COUNT and UNTIL cannot both be given');

  let wkst: Weekday = 'MO';
  const rawWkst = parts.get('WKST');
  if (rawWkst !== undefined) {
    if (isWeekday(rawWkst)) wkst = rawWkst;
    else problems.push(`WKST must be a weekday MO..SU, not ${JSON.stringify(rawWkst)}`);
  }

  if (problems.length > 0 || freq === null) throw fail();
  return { freq, interval, byDay, byMonthDay, count, until, wkst };
};

/** The canonical RRULE value of a rule (INTERVAL=1 and WKST=MO left out); parseRecurrence reads it back equal. */
export const formatRecurrence = (rule: RecurrenceRule): string => {
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.byDay.length > 0) parts.push(`BYDAY=${rule.byDay.map((d) => `${d.ordinal ?? ''}${d.weekday}`).join(',')}`);
  if (rule.byMonthDay.length > 0) parts.push(`BYMONTHDAY=${rule.byMonthDay.join(',')}`);
  if (rule.count !== null) parts.push(`COUNT=${rule.count}`);
  if (rule.until !== null) parts.push(`UNTIL=${rule.until.value.replace(/[-:]/g, '')}`);
  if (rule.wkst !== 'MO') parts.push(`WKST=${rule.wkst}`);
  return parts.join(';');
};
