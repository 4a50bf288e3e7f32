import { toInstant, toLocal } from '@kairos/scheduling';
import { AvailabilityData, availability, calendarWindow, gridWorking } from './availability';
import { Window } from './calendar';
import { Slot, SlotQuery, anchorOf } from './slots';

/**
 * A query's span walked in chunks of local days, so that the work done is in proportion to the page
 * asked for, not to the span: each chunk gets calendars of its own (calendarWindow of the chunk) and
 * runs the engine, and the walk stops as soon as it has what it needs. The slots a walk gives,
 * chunk after chunk and page after page, are exactly those `availability` gives for the whole span
 * at once (a property test holds it to that):
 *  - chunks begin at local midnights of the answer's zone (the first at `from`), so that slotsPerDay
 *    counts every local day within one chunk;
 *  - a chunk keeps only the slots starting in it (a class session that began in the previous chunk
 *    was given there), except the first, which keeps what the query itself would;
 *  - a working span that began before a chunk's calendars reach back keeps the grid it had in the
 *    chunk before (GridAnchors), so grids do not move at chunk edges;
 *  - buffers, links and sessions across a chunk's edges are within its calendars' margins.
 * Everything here is pure: the caller reads each chunk's data, keeps time and decides when to stop.
 */

/** Where a slot sorts: by start, end, then session. */
export interface SlotKey {
  start: number;
  end: number;
  sessionId: string | null;
}

/** Where a walk stands: what to compute next and what was given already. */
export interface WalkPosition {
  /** Where the next chunk begins: the query's `from`, or a local midnight of the answer's zone. */
  at: number;
  /** The last slot given (by an earlier page): only slots after it are new. */
  after: SlotKey | null;
  /** Grid anchors of working spans that reach into the next chunk from before its calendars (GridAnchors). */
  anchors: Record<string, number>;
}

const DAY = 86_400_000;

export const keyOf = (slot: Slot): SlotKey => ({ start: Date.parse(slot.start), end: Date.parse(slot.end), sessionId: slot.sessionId });

const compareKeys = (a: SlotKey, b: SlotKey): number =>
  a.start - b.start || a.end - b.end || ((a.sessionId ?? '') < (b.sessionId ?? '') ? -1 : (a.sessionId ?? '') > (b.sessionId ?? '') ? 1 : 0);

export const walkStart = (query: Pick<SlotQuery, 'from'>): WalkPosition => ({ at: query.from, after: null, anchors: {} });

/** What the walk itself needs to know of a service, before any chunk is read. */
export type WalkSetting = Pick<AvailabilityData, 'service' | 'policy' | 'schedules'>;

/** The zone whose local days the answer is counted in (slotsPerDay, localStart). */
const answerZone = (data: WalkSetting, query: SlotQuery): string => query.timeZone || data.schedules.get(data.service.scheduleId)?.timeZone || 'UTC';

const localMidnight = (date: string, zone: string): number => toInstant(`${date}T00:00`, zone).getTime();

const dayAfter = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/**
 * Where the walk ends: the query's `to`, or earlier when nothing after that can be given. Unless
 * unbookable slots are asked for, none starts later than the booking window lets one book, and a
 * service not bookable online gives nothing. The first chunk runs even when the booking window
 * closes before `from`: a session begun before `from` and still running is given, and bookable by
 * its own start.
 */
export const walkEnd = (data: WalkSetting, query: SlotQuery): number => {
  if (query.includeUnbookable) return query.to;
  if (!data.service.onlineBookingEnabled) return query.from;
  const earliest = data.policy.earliestBookingMinutes;
  return earliest === null ? query.to : Math.min(query.to, Math.max(query.from + 1, query.now + earliest * 60_000 + 1));
};

/**
 * The next chunk: `days` local days from where the walk stands (the first chunk ends at the local
 * midnight `days` days after `from`'s), cut at `end`. A course is one slot for its whole schedule:
 * one chunk.
 */
export const nextChunk = (data: WalkSetting, query: SlotQuery, position: WalkPosition, days: number, end: number): Window => {
  if (data.service.type === 'COURSE') return { from: position.at, to: end };
  const zone = answerZone(data, query);
  const date = dayAfter(toLocal(new Date(position.at), zone).slice(0, 10), Math.max(1, Math.floor(days)));
  // Past year 9999 there is no local date to name, and no query reaches there.
  return { from: position.at, to: date > '9999-12-31' ? end : Math.min(end, localMidnight(date, zone)) };
};

/** The query for one chunk: its span, and the grid anchors the walk carries into it. */
export const chunkQuery = (query: SlotQuery, chunk: Window, position: WalkPosition): SlotQuery => ({
  ...query,
  from: chunk.from,
  to: chunk.to,
  grid: { edge: calendarWindow(chunk).from, origin: calendarWindow(query).from, anchors: position.anchors },
});

/** Of what the engine gave for a chunk, the slots the walk has not given yet, in order. */
export const newSlots = (slots: Slot[], query: SlotQuery, position: WalkPosition): Slot[] =>
  slots.filter((slot) => {
    const key = keyOf(slot);
    return (position.at <= query.from || key.start >= position.at) && (position.after === null || compareKeys(key, position.after) > 0);
  });

/**
 * The grid anchors for a chunk beginning at `at`, from the calendars of the chunk `chunkQuery` ran
 * on: a grid resource's working span that holds the new chunk's calendar edge and reaches `at` began
 * before that edge; it keeps the anchor it has here. Anchors equal to the origin are left out (the
 * default), so a span worked since before the query leaves the cursor short.
 */
const anchorsAt = (data: AvailabilityData, chunkQuery: SlotQuery, at: number): Record<string, number> => {
  const grid = chunkQuery.grid!;
  const edge = calendarWindow({ from: at, to: at }).from;
  const anchors: Record<string, number> = {};
  for (const [id, working] of gridWorking(data, chunkQuery)) {
    const span = working.find(([start, end]) => start <= edge && edge < end && end > at);
    if (!span) continue;
    const anchor = anchorOf(grid, id, span[0]);
    if (anchor !== grid.origin) anchors[id] = anchor;
  }
  return anchors;
};

/** Where the walk goes on after a chunk: at its end, with the anchors of spans reaching across it. */
export const afterChunk = (data: AvailabilityData, chunkQuery: SlotQuery): WalkPosition => ({
  at: chunkQuery.to,
  after: null,
  anchors: anchorsAt(data, chunkQuery, chunkQuery.to),
});

/**
 * Where the next page begins when this one ended with `given` and `next` (the first slot it had no
 * room for) came from the chunk `chunkQuery` ran on: at the local midnight of `next`'s day (so that
 * slotsPerDay counts that day whole again), skipping what was given.
 */
export const resumeBefore = (data: AvailabilityData, chunkQuery: SlotQuery, position: WalkPosition, given: Slot, next: Slot): WalkPosition => {
  const midnight = localMidnight(next.localStart.slice(0, 10), answerZone(data, chunkQuery));
  const at = Math.max(position.at, midnight);
  return { at, after: keyOf(given), anchors: anchorsAt(data, chunkQuery, at) };
};

/** What a walk asks of its caller: each chunk's data, how long chunks are, and whether to go on. */
export interface WalkDriver {
  /** The data of a chunk: calendars over calendarWindow(chunk) and the service's sessions there. */
  load(chunk: Window): Promise<AvailabilityData> | AvailabilityData;
  /** How many local days the next chunk spans. */
  chunkDays(): number;
  /** After a chunk, with more of the span to go: whether to go on (the caller's budget, and its chance to let other work run). */
  goOn(): Promise<boolean> | boolean;
}

export interface WalkedPage {
  items: Slot[];
  /** Where the next page begins; null when the span is done. */
  next: WalkPosition | null;
}

/**
 * One page of at most `limit` slots from `position`, chunk by chunk: it stops at the first slot it
 * has no room for (the next page resumes before it), at the end of the span, or after any chunk
 * when the driver says so (the next page resumes at that chunk's end).
 */
export const walkPage = async (setting: WalkSetting, query: SlotQuery, position: WalkPosition, limit: number, driver: WalkDriver): Promise<WalkedPage> => {
  const end = walkEnd(setting, query);
  const items: Slot[] = [];
  let at = position;
  while (at.at < end) {
    const chunk = nextChunk(setting, query, at, driver.chunkDays(), end);
    const data = await driver.load(chunk);
    const q = chunkQuery(query, chunk, at);
    for (const slot of newSlots(availability(data, q), query, at)) {
      if (items.length === limit) return { items, next: resumeBefore(data, q, at, items[limit - 1], slot) };
      items.push(slot);
    }
    at = afterChunk(data, q);
    if (at.at < end && !(await driver.goOn())) return { items, next: at };
  }
  return { items, next: null };
};
