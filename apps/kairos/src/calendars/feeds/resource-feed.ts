import { DateTime } from 'luxon';
import { calendarUid } from '@kairos/calendars';
import {
  ALL_TIME,
  RecurrenceRule,
  SessionDoc,
  SessionInstance,
  SessionView,
  Window,
  expandSeries,
  formatRecurrence,
  offsetMinutes,
  parseRecurrence,
  resolvedAffected,
  sessionInstances,
  toInstant,
  toLocal,
} from '@kairos/scheduling';
import { FeedEntry, clearOfOffsetChange } from './ics-writer';

const DAY_MS = 86_400_000;

/**
 * The span over which a series' instances are compared with what its master VEVENT alone gives:
 * a year back, 400 days ahead (as far as instance ids are indexed). Overrides, cancellations and
 * exclusions outside it are not written; the master's rule (and its UNTIL) still is.
 */
export const FEED_PAST_DAYS = 365;
export const FEED_AHEAD_DAYS = 400;
/** At most this many VEVENTs in one feed (masters, overrides and single events together). */
export const MAX_FEED_ENTRIES = 2000;

export const feedSpan = (now: Date): Window => ({ from: new Date(now.getTime() - FEED_PAST_DAYS * DAY_MS), to: new Date(now.getTime() + FEED_AHEAD_DAYS * DAY_MS) });

/** Whether an instance holds the resource whose schedule this is: an EVENT on it, or naming it BUSY (as session claims and availability read it). */
export const holdsSchedule = (instance: SessionInstance, scheduleId: string): boolean =>
  instance.type === 'EVENT' &&
  (instance.scheduleId === scheduleId || resolvedAffected(instance).some((a) => a.scheduleId === scheduleId && a.transparency === 'BUSY'));

const summaryOf = (title: string | null) => title ?? 'Busy';
const statusOf = (status: 'ACTIVE' | 'CANCELED') => (status === 'CANCELED' ? 'CANCELLED' : 'CONFIRMED');
const secondBefore = (instant: number) => Math.floor((instant - 1) / 1000) * 1000;
const utcUntil = (instant: number): RecurrenceRule['until'] => ({ kind: 'utc', value: `${new Date(instant).toISOString().slice(0, 19)}Z` });

/**
 * The latest start the stored rule's UNTIL allows, as an instant. A local or date UNTIL bounds the
 * wall-clock reading: the last occurrence near it is read from the expansion itself, so the UTC
 * UNTIL written (RFC 5545 asks UTC with a TZID'd DTSTART) keeps exactly the same occurrences.
 */
const untilInstant = (view: SessionView, rule: RecurrenceRule): number | null => {
  const until = rule.until;
  if (until === null) return null;
  if (until.kind === 'utc') return Date.parse(until.value);
  const reading = until.kind === 'date' ? `${until.value}T23:59:59` : until.value;
  const near = toInstant(reading, view.timeZone).getTime();
  const around = expandSeries({ ...view, rule }, { from: new Date(near - 2 * DAY_MS), to: new Date(near + 2 * DAY_MS) });
  return around.length > 0 ? around[around.length - 1].start.getTime() : near;
};

/**
 * The rule the master VEVENT carries: the stored one, ended (UNTIL in UTC) where the series was
 * canceled from. A COUNT that runs out before `canceledFrom` stays as it is.
 */
export const masterRuleOf = (view: SessionView): RecurrenceRule => {
  const rule = parseRecurrence(view.recurrence!);
  const canceledFrom = view.canceledFrom === null ? null : Date.parse(view.canceledFrom);
  if (rule.count !== null) {
    if (canceledFrom === null) return rule;
    const reachesCancel = expandSeries({ ...view, rule, exdates: [] }, { from: new Date(canceledFrom), to: ALL_TIME.to }, 2).some((o) => o.start.getTime() >= canceledFrom);
    return reachesCancel ? { ...rule, count: null, until: utcUntil(secondBefore(canceledFrom)) } : rule;
  }
  const ends = [untilInstant(view, rule), canceledFrom === null ? null : secondBefore(canceledFrom)].filter((t): t is number => t !== null);
  return ends.length === 0 ? rule : { ...rule, until: utcUntil(Math.min(...ends)) };
};

/** Details the series gives instances from now on: its own, with every series-wide change made so far. */
const currentDetails = (view: SessionView) => view.versions.reduce((acc, v) => ({ ...acc, ...v.changes }), { title: view.title });

interface EntryIdentity {
  uid: string;
  sequence: number;
}

const singleEntry = (instance: SessionInstance, view: SessionView, identity: EntryIdentity): FeedEntry => ({
  ...identity,
  status: statusOf(instance.status),
  summary: summaryOf(instance.title),
  start: new Date(instance.start),
  end: new Date(instance.end),
  timeZone: view.timeZone,
  changedAt: new Date(view.updatedAt),
});

/**
 * Whether DTSTART is a hit of its own rule. Kairos counts DTSTART as the first occurrence whatever
 * the rule says (a weekly Monday/Wednesday series may start on a Tuesday); RFC 5545 leaves such a
 * recurrence set undefined, and clients differ (ical.js keeps DTSTART, rrule.js drops it). The same
 * rule started one period earlier hits DTSTART exactly when DTSTART is on the rule.
 */
export const startsOnRule = (view: SessionView, rule: RecurrenceRule): boolean => {
  // Without BYDAY or BYMONTHDAY the rule takes its day from DTSTART.
  if (rule.byDay.length === 0 && rule.byMonthDay.length === 0) return true;
  const back = rule.freq === 'DAILY' ? { days: rule.interval } : rule.freq === 'WEEKLY' ? { weeks: rule.interval } : { months: rule.interval };
  const earlier = (local: string) => DateTime.fromISO(local, { zone: 'UTC' }).minus(back).toFormat("yyyy-MM-dd'T'HH:mm:ss");
  const start = toInstant(view.localStart, view.timeZone).getTime();
  const shifted = { localStart: earlier(view.localStart), localEnd: earlier(view.localEnd), timeZone: view.timeZone, rule: { ...rule, count: null, until: null } };
  return expandSeries(shifted, { from: new Date(start), to: new Date(start + 1) }).some((o) => o.start.getTime() === start);
};

/**
 * Every instant a client could take a wall-clock reading for: the instants that show it (two in a
 * fall-back hour), or, for a reading a DST gap skips, the reading with the offset before the gap
 * (Kairos, node-ical) and with the one after (ical.js).
 */
export const readingInstants = (reading: string, timeZone: string): Date[] => {
  const naive = Date.parse(`${reading.length === 16 ? `${reading}:00` : reading}Z`);
  const offsets = new Set([offsetMinutes(new Date(naive - DAY_MS), timeZone), offsetMinutes(new Date(naive + DAY_MS), timeZone)]);
  const candidates = [...offsets].map((offset) => new Date(naive - offset * 60_000)).sort((a, b) => a.getTime() - b.getTime());
  const showing = candidates.filter((at) => toLocal(at, timeZone).slice(0, 16) === reading.slice(0, 16));
  return showing.length > 0 ? showing : candidates;
};

interface MasterSpec {
  localStart: string;
  localEnd: string;
  rule: RecurrenceRule;
}

/**
 * A series as one master VEVENT plus what differs from it: every occurrence the master's rule gives
 * within `span` is matched (by its original start) with the instance Kairos holds. None, or one that
 * no longer holds this schedule → EXDATE; one whose start, end, title or status the master would
 * render otherwise → a RECURRENCE-ID VEVENT with what it is. The master's rule never gives fewer
 * occurrences than Kairos (it is the stored rule, only ended where the series was canceled), so
 * every instance has its occurrence to match. Where clients would not all read the rule alike (a
 * DTSTART off its rule, an occurrence near a change of offset) the instance is an event of its own,
 * with its instance's UID, and the master starts at the rule's first hit or leaves the occurrence
 * out. Null when no instance in the span holds the schedule.
 */
export const seriesEntries = (view: SessionView, scheduleId: string, span: Window): FeedEntry[] | null => {
  const rule = masterRuleOf(view);
  const first = toInstant(view.localStart, view.timeZone);
  let spec: MasterSpec | null = { localStart: view.localStart, localEnd: view.localEnd, rule };
  let offRule: Date | null = null;
  if (!startsOnRule(view, rule)) {
    offRule = first;
    const [, next] = expandSeries({ ...view, rule, exdates: [] }, { from: first, to: ALL_TIME.to }, 2);
    spec = next ? { localStart: next.localStart, localEnd: next.localEnd, rule: rule.count === null ? rule : { ...rule, count: rule.count - 1 } } : null;
  }
  const identity = { uid: calendarUid(view.id), sequence: view.revision - 1 };
  const inSpan = (originalStart: number) => originalStart >= span.from.getTime() && originalStart < span.to.getTime();
  // Instances keyed by where the rule put them, wherever they were moved to.
  const moves = Object.entries(view.overrides).flatMap(([original, o]) => (o.localStart ? [Math.abs(toInstant(o.localStart, view.timeZone).getTime() - Date.parse(original))] : []));
  const reach = Math.max(0, ...moves) + DAY_MS;
  const actual = new Map(
    sessionInstances(view, { from: new Date(span.from.getTime() - reach), to: new Date(span.to.getTime() + reach) })
      .filter((i) => inSpan(Date.parse(i.originalStart)))
      .map((i) => [i.originalStart, i]),
  );
  const held = (originalStart: Date) => {
    const instance = actual.get(originalStart.toISOString());
    return instance && holdsSchedule(instance, scheduleId) ? instance : null;
  };
  const entries: FeedEntry[] = [];
  const alone = offRule && held(offRule);
  if (alone) entries.push(singleEntry(alone, view, { uid: calendarUid(alone.id), sequence: identity.sequence }));
  if (spec === null) return entries.length > 0 ? entries : null;

  const master: FeedEntry = {
    ...identity,
    status: statusOf(view.status),
    summary: summaryOf(currentDetails(view).title),
    start: toInstant(spec.localStart, view.timeZone),
    end: toInstant(spec.localEnd, view.timeZone),
    wallClock: { start: spec.localStart, end: spec.localEnd },
    timeZone: view.timeZone,
    changedAt: new Date(view.updatedAt),
    rrule: formatRecurrence(spec.rule),
  };
  const exdates: (string | Date)[] = [...view.exdates];
  const exceptions: FeedEntry[] = [];
  let heldByMaster = 0;
  const timeOfDay = spec.localStart.slice(11);
  const plain = expandSeries({ ...spec, timeZone: view.timeZone, exdates: view.exdates }, span).filter((o) => inSpan(o.originalStart.getTime()));
  for (const occurrence of plain) {
    // The reading the rule gives, before a DST gap moves it: what clients match RECURRENCE-ID and EXDATE with.
    const reading = `${occurrence.localStart.slice(0, 10)}T${timeOfDay}`;
    // Near a change of offset clients expand the rule each their own way (ical.js and node-ical
    // disagree on a gap's and a fall-back hour's readings, and node-ical even with itself):
    // the occurrence is left out at every instant a client could read, and the instance written as an event of its own.
    const nearChange = occurrence.localStart.slice(0, 16) !== reading.slice(0, 16) || !clearOfOffsetChange(occurrence.start, view.timeZone) || !clearOfOffsetChange(occurrence.end, view.timeZone);
    const instance = held(occurrence.originalStart);
    if (!instance || nearChange) exdates.push(reading, ...(nearChange ? readingInstants(reading, view.timeZone) : []));
    if (!instance) continue;
    heldByMaster += 1;
    if (nearChange) {
      entries.push(singleEntry(instance, view, { uid: calendarUid(instance.id), sequence: identity.sequence }));
      continue;
    }
    const entry = { ...singleEntry(instance, view, identity), recurrenceId: reading };
    const asMaster = entry.start.getTime() === occurrence.start.getTime() && entry.end.getTime() === occurrence.end.getTime() && entry.summary === master.summary && entry.status === master.status;
    if (!asMaster) exceptions.push(entry);
  }
  if (heldByMaster === 0) return entries.length > 0 ? entries : null;
  master.exdates = exdates;
  return [master, ...exceptions, ...entries];
};

/**
 * The VEVENTs of a resource's feed from the sessions touching its schedule. A session an
 * appointment booking put on the calendar is the booking's entry (UID `<bookingId>@kairos`, the
 * booking emails' SEQUENCE): a reschedule cancels that session and adds another with the same
 * booking, so only one of them is written, the live one if any.
 */
export const resourceEntries = (docs: SessionDoc[], scheduleId: string, span: Window, bookingSequence: (bookingId: string) => number): FeedEntry[] => {
  const byBooking = new Map<string, { entry: FeedEntry; live: boolean; createdAt: string }>();
  const groups: { lastEnd: string; entries: FeedEntry[] }[] = [];
  let seriesWritten = 0;
  // Latest-ending first, as the cap keeps them: once series fill the cap, later ones are not expanded at all.
  for (const doc of [...docs].sort((a, b) => (a._lastEnd > b._lastEnd ? -1 : a._lastEnd < b._lastEnd ? 1 : 0))) {
    if (doc.recurrence !== null) {
      const entries = seriesWritten < MAX_FEED_ENTRIES ? seriesEntries(doc, scheduleId, span) : null;
      if (entries) groups.push({ lastEnd: doc._lastEnd, entries });
      seriesWritten += entries?.length ?? 0;
      continue;
    }
    const [instance] = sessionInstances(doc, ALL_TIME);
    if (!instance || !holdsSchedule(instance, scheduleId)) continue;
    if (doc.bookingId === undefined) {
      groups.push({ lastEnd: instance.end, entries: [singleEntry(instance, doc, { uid: calendarUid(doc.id), sequence: doc.revision - 1 })] });
      continue;
    }
    const entry = singleEntry(instance, doc, { uid: calendarUid(doc.bookingId), sequence: bookingSequence(doc.bookingId) });
    const live = instance.status === 'ACTIVE';
    const kept = byBooking.get(doc.bookingId);
    if (!kept || (live && !kept.live) || (live === kept.live && doc.createdAt > kept.createdAt)) byBooking.set(doc.bookingId, { entry, live, createdAt: doc.createdAt });
  }
  for (const { entry } of byBooking.values()) groups.push({ lastEnd: entry.end.toISOString(), entries: [entry] });
  return capped(groups);
};

/** The latest-ending sessions first, until the cap: what is coming matters more than the past. A series is kept whole or left out. */
export const capped = (groups: { lastEnd: string; entries: FeedEntry[] }[]): FeedEntry[] => {
  const kept: FeedEntry[] = [];
  for (const group of [...groups].sort((a, b) => (a.lastEnd > b.lastEnd ? -1 : a.lastEnd < b.lastEnd ? 1 : 0))) {
    if (kept.length + group.entries.length > MAX_FEED_ENTRIES) continue;
    kept.push(...group.entries);
  }
  return kept.sort((a, b) => a.start.getTime() - b.start.getTime() || a.uid.localeCompare(b.uid) || (a.recurrenceId ?? '').localeCompare(b.recurrenceId ?? ''));
};
