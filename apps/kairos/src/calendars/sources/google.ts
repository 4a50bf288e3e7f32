import { BusyOccurrence, SyncWindow } from '@kairos/calendars';
import { httpRead } from './http-read';
import { CalendarSource, ReadRequest, SourceAnswer, SourceFailure, SourceOptions } from './source';

/**
 * The longest range one freeBusy query asks for. Google answers "The requested time range is too
 * long" past about 90 days (calcom/cal.com#11962 splits at 90); 60 stays well clear of it.
 */
const QUERY_DAYS = 60;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A 403 with one of these reasons is Google's rate limiting, not a refusal of the calendar (developers.google.com/workspace/calendar/api/guides/errors). */
const RATE_LIMITS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'dailyLimitExceeded', 'quotaExceeded']);

interface GoogleError {
  domain?: string;
  reason?: string;
  message?: string;
}

/** The freeBusy answer, as developers.google.com/workspace/calendar/api/v3/reference/freebusy/query documents it (the part read here). */
interface FreeBusyAnswer {
  kind?: string;
  calendars?: Record<string, { busy?: { start: string; end: string }[]; errors?: GoogleError[] }>;
}

/** Google's error body (developers.google.com/workspace/calendar/api/guides/errors). */
interface ErrorAnswer {
  error?: { code?: number; message?: string; errors?: GoogleError[] };
}

const parseJson = <T>(body: Buffer): T | null => {
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch {
    return null;
  }
};

/**
 * A Google calendar read through the freeBusy query, with an OAuth access token as the connection's
 * secret and the calendar id as its URL. Google says only when the calendar is busy, not which
 * events make it so: each busy range is its own object (`start/end`), every read is the whole
 * window, and ranges cut at the edge of one query are joined again.
 */
export class GoogleCalendarSource implements CalendarSource {
  private readonly apiUrl: string;

  constructor(private readonly options: SourceOptions) {
    this.apiUrl = (options.googleApiUrl ?? 'https://www.googleapis.com').replace(/\/+$/, '');
  }

  async read({ connection, window, signal }: ReadRequest): Promise<SourceAnswer> {
    if (!connection.secret) throw new SourceFailure('unauthorized', 'the Google connection has no access token');
    const { limits } = this.options;
    const deadline = Date.now() + limits.timeoutMs;
    let bytesLeft = limits.maxBytes;
    const ranges: { start: number; end: number }[] = [];
    for (const query of queries(window)) {
      const timeoutMs = deadline - Date.now();
      if (timeoutMs <= 0) throw new SourceFailure('timeout', `Google did not answer within ${limits.timeoutMs} ms`);
      const answer = await httpRead({
        url: `${this.apiUrl}/calendar/v3/freeBusy`,
        method: 'POST',
        headers: { authorization: `Bearer ${connection.secret}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ timeMin: query.from.toISOString(), timeMax: query.to.toISOString(), items: [{ id: connection.url }] }),
        limits: { ...limits, timeoutMs, maxBytes: bytesLeft },
        allowPrivateHosts: this.options.allowPrivateHosts,
        signal,
      });
      bytesLeft -= answer.body.length;
      if (answer.status !== 200) throw failureOf(answer.status, parseJson<ErrorAnswer>(answer.body));
      const freeBusy = parseJson<FreeBusyAnswer>(answer.body);
      if (freeBusy?.kind !== 'calendar#freeBusy' || !freeBusy.calendars) throw new SourceFailure('not-a-calendar', 'Google answered something that is not a freeBusy answer');
      // One calendar is asked for: its entry is that one even if Google spells the id otherwise (an address's case).
      const entries = Object.values(freeBusy.calendars);
      const calendar = freeBusy.calendars[connection.url] ?? (entries.length === 1 ? entries[0] : undefined);
      if (!calendar) throw new SourceFailure('not-a-calendar', `Google's answer has no entry for the calendar ${connection.url}`);
      if (calendar.errors?.length) throw calendarFailure(calendar.errors);
      for (const busy of calendar.busy ?? []) {
        const start = Date.parse(busy.start);
        const end = Date.parse(busy.end);
        if (!Number.isFinite(start) || !Number.isFinite(end)) throw new SourceFailure('not-a-calendar', `Google answered a busy range that is not one: ${busy.start}/${busy.end}`);
        if (ranges.length >= limits.maxOccurrences) throw new SourceFailure('too-large', `the calendar has more than ${limits.maxOccurrences} busy ranges in the window`);
        ranges.push({ start, end });
      }
    }
    return { kind: 'read', snapshot: { kind: 'full', occurrences: joined(ranges) }, cursor: null };
  }
}

/**
 * The queries that cover the window, at most QUERY_DAYS each, from the UTC midnight it starts on:
 * while the window moves within a day the queries stay the same, so a busy range cut at the first
 * one's start keeps its key from one sync to the next.
 */
const queries = (window: SyncWindow): SyncWindow[] => {
  const from = Math.floor(window.from.getTime() / DAY_MS) * DAY_MS;
  const to = window.to.getTime();
  const result: SyncWindow[] = [];
  for (let start = from; start < to; start += QUERY_DAYS * DAY_MS) result.push({ from: new Date(start), to: new Date(Math.min(start + QUERY_DAYS * DAY_MS, to)) });
  return result;
};

/** Busy ranges that overlap or touch, as a range cut where two queries meet does, made one again. */
const joined = (ranges: { start: number; end: number }[]): BusyOccurrence[] => {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: { start: number; end: number }[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged.map(({ start, end }) => {
    const [from, to] = [new Date(start), new Date(end)];
    return { object: `${from.toISOString()}/${to.toISOString()}`, occurrence: '', start: from, end: to };
  });
};

const reasonsOf = (errors: GoogleError[] | undefined) => (errors ?? []).map((error) => error.reason ?? 'unknown');

const failureOf = (status: number, body: ErrorAnswer | null): SourceFailure => {
  const reasons = reasonsOf(body?.error?.errors);
  const detail = `Google answered ${status}${body?.error?.message ? ` (${body.error.message})` : ''}`;
  if (status === 401) return new SourceFailure('unauthorized', `${detail}: the access token is expired or invalid`);
  if (status === 403 && !reasons.some((reason) => RATE_LIMITS.has(reason))) return new SourceFailure('unauthorized', `${detail}: the token may not read this calendar`);
  if (status === 404 || status === 410) return new SourceFailure('not-found', detail);
  if (status === 403 || status === 429) return new SourceFailure('refused', `${detail}: rate limited, a later sync tries again`);
  return new SourceFailure('refused', detail);
};

/** The errors freeBusy gives one calendar within a 200 answer: notFound when the token's account cannot see it. */
const calendarFailure = (errors: GoogleError[]): SourceFailure => {
  const reasons = reasonsOf(errors);
  if (reasons.includes('notFound')) return new SourceFailure('not-found', 'Google does not know the calendar, or the account may not see it (notFound)');
  return new SourceFailure('refused', `Google could not answer for the calendar (${reasons.join(', ')})`);
};
