/**
 * Interval-list algebra for the availability engine. Pure, synchronous.
 *
 * Conventions (shared by everything under `time/`):
 * - Intervals are half-open [start, end); an interval with end <= start is empty and is dropped.
 * - A normalized list is sorted by start, every interval non-empty, and neither overlapping nor touching
 *   (next.start > previous.end): touching intervals merge, [09:00, 12:00) + [12:00, 13:00) = [09:00, 13:00).
 * - Instants are JS Dates (UTC); the `Span` API works on epoch-ms pairs and is what the Date API runs on.
 *   Everything here is already in instants: local wall-clock times (and their gap -> moved forward / overlap ->
 *   earlier instant rules, see local-time.ts) are resolved before intervals get here.
 *
 * subtract/intersect/clip expect normalized input and sweep it in linear time; input that is not normalized is
 * detected (linear check) and merged first, so results are always correct and always normalized.
 */

export interface Interval {
  start: Date;
  end: Date;
}

/** [startMs, endMs) */
export type Span = [start: number, end: number];

/** Sorted, non-empty, neither overlapping nor touching. */
export const isNormalized = (spans: readonly Span[]): boolean => {
  for (let i = 0; i < spans.length; i++) {
    if (!(spans[i][1] > spans[i][0])) return false;
    if (i > 0 && !(spans[i][0] > spans[i - 1][1])) return false;
  }
  return true;
};

const normalized = (spans: readonly Span[]): readonly Span[] => (isNormalized(spans) ? spans : mergeSpans(spans));

/** Any spans -> the normalized list covering the same instants. O(n) on sorted input, O(n log n) otherwise. */
export const mergeSpans = (spans: readonly Span[]): Span[] => {
  const items = spans.filter(([s, e]) => e > s);
  let sorted = true;
  for (let i = 1; i < items.length && sorted; i++) sorted = items[i - 1][0] <= items[i][0];
  if (!sorted) items.sort((x, y) => x[0] - y[0]);
  const out: Span[] = [];
  for (const [s, e] of items) {
    const last = out[out.length - 1];
    if (last !== undefined && s <= last[1]) {
      if (e > last[1]) last[1] = e;
    } else {
      out.push([s, e]);
    }
  }
  return out;
};

/** Instants in `a` and not in `b`. */
export const subtractSpans = (a: readonly Span[], b: readonly Span[]): Span[] => {
  const as = normalized(a);
  const bs = normalized(b);
  const out: Span[] = [];
  let j = 0;
  for (const [aStart, aEnd] of as) {
    let s = aStart;
    while (j < bs.length && bs[j][1] <= s) j++;
    for (let k = j; k < bs.length && bs[k][0] < aEnd; k++) {
      if (bs[k][0] > s) out.push([s, bs[k][0]]);
      if (bs[k][1] > s) s = bs[k][1];
      if (s >= aEnd) break;
    }
    if (s < aEnd) out.push([s, aEnd]);
  }
  return out;
};

/** Instants in both `a` and `b`. */
export const intersectSpans = (a: readonly Span[], b: readonly Span[]): Span[] => {
  const as = normalized(a);
  const bs = normalized(b);
  const out: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < as.length && j < bs.length) {
    const s = Math.max(as[i][0], bs[j][0]);
    const e = Math.min(as[i][1], bs[j][1]);
    if (s < e) {
      const last = out[out.length - 1];
      if (last !== undefined && last[1] === s) last[1] = e;
      else out.push([s, e]);
    }
    if (as[i][1] < bs[j][1]) i++;
    else j++;
  }
  return out;
};

/** Every span grown by `beforeMs` at its start and `afterMs` at its end (negative values shrink), then merged. */
export const widenSpans = (spans: readonly Span[], beforeMs: number, afterMs: number): Span[] =>
  mergeSpans(spans.map(([s, e]): Span => [s - beforeMs, e + afterMs]));

/** The parts of the spans inside [from, to). */
export const clipSpans = (spans: readonly Span[], from: number, to: number): Span[] => {
  const out: Span[] = [];
  if (!(from < to)) return out;
  for (const [s, e] of normalized(spans)) {
    if (e <= from) continue;
    if (s >= to) break;
    out.push([Math.max(s, from), Math.min(e, to)]);
  }
  return out;
};

export const toSpans = (intervals: readonly Interval[]): Span[] => intervals.map((i): Span => [i.start.getTime(), i.end.getTime()]);

export const fromSpans = (spans: readonly Span[]): Interval[] => spans.map(([s, e]) => ({ start: new Date(s), end: new Date(e) }));

/** Any intervals -> sorted, merged (overlapping or touching intervals join), empty ones dropped. */
export const mergeIntervals = (intervals: readonly Interval[]): Interval[] => fromSpans(mergeSpans(toSpans(intervals)));

/** Instants in `a` and not in `b`. */
export const subtractIntervals = (a: readonly Interval[], b: readonly Interval[]): Interval[] =>
  fromSpans(subtractSpans(toSpans(a), toSpans(b)));

/** Instants in both `a` and `b`. */
export const intersectIntervals = (a: readonly Interval[], b: readonly Interval[]): Interval[] =>
  fromSpans(intersectSpans(toSpans(a), toSpans(b)));

/** Each interval widened by `beforeMs` before and `afterMs` after (e.g. buffers around bookings), then merged. */
export const widen = (intervals: readonly Interval[], beforeMs: number, afterMs: number): Interval[] =>
  fromSpans(widenSpans(toSpans(intervals), beforeMs, afterMs));

/** The parts of the intervals inside [window.from, window.to). */
export const clip = (intervals: readonly Interval[], window: { from: Date; to: Date }): Interval[] =>
  fromSpans(clipSpans(toSpans(intervals), window.from.getTime(), window.to.getTime()));
