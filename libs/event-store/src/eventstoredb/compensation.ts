import { KAIROS_NAMESPACE, NewEvent, RecordedEvent, uuidV5 } from '@kairos/core';

/** Type of the event that takes back the events a multi-stream append wrote before it failed on a later stream. */
export const APPEND_REVERTED = 'kairos.append-reverted';

export interface AppendReverted {
  eventIds: string[];
}

/**
 * The event that takes back `claim` in its stream. Its id derives from the claim's ids, so a
 * compensation retried by a second attempt of the same append lands once.
 */
export const revertMarker = (claim: NewEvent[]): NewEvent<AppendReverted> => {
  const eventIds = claim.map((event) => event.id);
  return {
    id: uuidV5(KAIROS_NAMESPACE, `${APPEND_REVERTED}:${eventIds.join(',')}`),
    type: APPEND_REVERTED,
    schemaVersion: 1,
    data: { eventIds },
    // It is the outcome of the same command as the claim: same tenant, actor and correlation.
    metadata: claim[0].metadata,
  };
};

const isMarker = (event: RecordedEvent): event is RecordedEvent<AppendReverted> => event.type === APPEND_REVERTED;

export const revertedIds = (events: RecordedEvent[]): Set<string> =>
  new Set(events.filter(isMarker).flatMap((marker) => marker.data.eventIds));

/**
 * A stream as its aggregate must see it: without the events of appends that were compensated and
 * without the markers that compensated them. Revisions stay as stored, so they may have gaps.
 * A marker always comes after the events it reverts, so any tail of a stream can be filtered alone.
 */
export const hideReverted = (events: RecordedEvent[]): RecordedEvent[] => {
  const reverted = revertedIds(events);
  return events.filter((event) => !isMarker(event) && !reverted.has(event.id));
};

/** What the events stored after the revision a writer expected mean for its append. */
export type Verdict =
  /** Only hidden events came after: the writer saw everything there is to see and may append after them. */
  | { kind: 'current' }
  /** An earlier attempt of this very append stored its events, ending at `lastRevision`. */
  | { kind: 'stored'; lastRevision: number; reverted: boolean }
  /** Someone else appended something the writer has not seen. */
  | { kind: 'conflict' };

/**
 * Judges `window`, the events of a stream after the revision the writer expected, for an append of
 * the events `claim` (their ids, in order).
 */
export const judgeWindow = (window: RecordedEvent[], claim: string[]): Verdict => {
  const visible = new Set(hideReverted(window).map((event) => event.id));
  const start = claim.length > 0 ? window.findIndex((event) => event.id === claim[0]) : -1;
  if (start < 0) return visible.size === 0 ? { kind: 'current' } : { kind: 'conflict' };

  const stored = window.slice(start, start + claim.length);
  const whole = stored.length === claim.length && stored.every((event, i) => event.id === claim[i]);
  const seenBefore = window.slice(0, start).every((event) => !visible.has(event.id));
  if (!whole || !seenBefore) return { kind: 'conflict' };
  return { kind: 'stored', lastRevision: stored[stored.length - 1].streamRevision, reverted: revertedIds(window).has(claim[0]) };
};
