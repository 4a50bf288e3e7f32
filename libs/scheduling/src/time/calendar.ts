/**
 * Proleptic-Gregorian calendar arithmetic on plain numbers (no Date, no zone, no clock).
 *
 * Conventions shared by everything under `time/`:
 * - A local date-time is a string 'YYYY-MM-DDTHH:mm' (seconds optional ':ss'), without an offset, read in the
 *   zone of the series or schedule it belongs to. A local date is 'YYYY-MM-DD'.
 * - Internally a local date-time is a "naive" number: the milliseconds of that wall-clock reading counted as if
 *   it were UTC (so 1970-01-01T00:00 local is 0). Naive arithmetic has no DST: a naive day is always 24 h, which
 *   is exactly wall-clock arithmetic. A local date is a day number (days since 1970-01-01).
 * - A nonexistent local time (spring-forward gap) moves forward by the gap; an ambiguous one (fall-back overlap)
 *   takes the earlier instant. That happens in local-time.ts; nothing here knows about zones.
 * - Intervals are half-open [start, end).
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a civil date (month 1-12); works for any year, no Date.UTC two-digit-year trap. */
export const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
};

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export const civilFromDays = (days: number): CivilDate => {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
};

export const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

export const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (isLeapYear(year) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;

/** ISO weekday of a day number: 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday). */
export const isoWeekday = (days: number): number => (((days + 3) % 7) + 7) % 7;

/** Day number of the Monday starting the ISO week that contains `days`. */
export const mondayOf = (days: number): number => days - isoWeekday(days);

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

// Slots come in runs on the same day: the last day's text is kept to spare the civil-date arithmetic.
let lastDay = NaN;
let lastDayText = '';

export const formatDay = (days: number): string => {
  if (days === lastDay) return lastDayText;
  const { year, month, day } = civilFromDays(days);
  lastDayText = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  lastDay = days;
  return lastDayText;
};

/** 'YYYY-MM-DDTHH:mm:ss' (milliseconds are dropped). */
export const formatNaive = (naive: number): string => {
  const days = Math.floor(naive / DAY_MS);
  const rest = naive - days * DAY_MS;
  const h = Math.floor(rest / HOUR_MS);
  const m = Math.floor((rest % HOUR_MS) / MINUTE_MS);
  const s = Math.floor((rest % MINUTE_MS) / 1000);
  return `${formatDay(days)}T${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}`;
};

const FIRST_FOUR_DIGIT_MS = daysFromCivil(0, 1, 1) * DAY_MS;
const LAST_FOUR_DIGIT_MS = daysFromCivil(10000, 1, 1) * DAY_MS - 1;

/**
 * What Date#toISOString writes for an instant, for hot paths where it is the bulk of the cost: worked out here,
 * several times cheaper, in years 0–9999; beyond them left to the Date method, which writes signed six-digit years.
 */
export const formatInstant = (ms: number): string =>
  ms >= FIRST_FOUR_DIGIT_MS && ms <= LAST_FOUR_DIGIT_MS ? `${formatNaive(ms)}.${pad(((ms % 1000) + 1000) % 1000, 3)}Z` : new Date(ms).toISOString();

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

const validDate = (year: number, month: number, day: number): boolean =>
  month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);

/** Naive ms of a 'YYYY-MM-DDTHH:mm[:ss]' string, or null when it is malformed or not a real calendar reading. */
export const parseNaive = (value: unknown): number | null => {
  if (typeof value !== 'string') return null;
  const m = LOCAL_DATE_TIME.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute] = [+m[1], +m[2], +m[3], +m[4], +m[5]];
  const second = m[6] === undefined ? 0 : +m[6];
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  return daysFromCivil(year, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * 1000;
};

/** Day number of a 'YYYY-MM-DD' string, or null. */
export const parseDay = (value: unknown): number | null => {
  if (typeof value !== 'string') return null;
  const m = LOCAL_DATE.exec(value);
  if (!m) return null;
  const [year, month, day] = [+m[1], +m[2], +m[3]];
  return validDate(year, month, day) ? daysFromCivil(year, month, day) : null;
};

/** Milliseconds since local midnight of an 'HH:mm' string (00:00-23:59), or null. */
export const parseTimeOfDay = (value: unknown): number | null => {
  if (typeof value !== 'string') return null;
  const m = TIME_OF_DAY.exec(value);
  return m ? +m[1] * HOUR_MS + +m[2] * MINUTE_MS : null;
};
