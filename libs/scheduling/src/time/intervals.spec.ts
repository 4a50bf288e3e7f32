/** Interval algebra on half-open [start, end) intervals; results are normalized (sorted, disjoint, non-touching). */
import fc from 'fast-check';
import {
  Interval,
  Span,
  clip,
  clipSpans,
  intersectIntervals,
  intersectSpans,
  isNormalized,
  mergeIntervals,
  mergeSpans,
  subtractIntervals,
  subtractSpans,
  widen,
  widenSpans,
} from './intervals';

const MIN = 60_000;
const T0 = Date.parse('2026-03-29T00:00:00Z');
const iv = (a: number, b: number): Interval => ({ start: new Date(T0 + a * MIN), end: new Date(T0 + b * MIN) });
const mins = (list: Interval[]) => list.map((i) => [(i.start.getTime() - T0) / MIN, (i.end.getTime() - T0) / MIN]);

describe('interval helpers', () => {
  it('merge sorts, drops empty intervals and joins overlapping and touching ones', () => {
    expect(mins(mergeIntervals([iv(50, 60), iv(0, 10), iv(10, 20), iv(15, 18), iv(30, 30), iv(40, 35), iv(55, 70)]))).toEqual([
      [0, 20],
      [50, 70],
    ]);
  });

  it('subtract', () => {
    expect(mins(subtractIntervals([iv(0, 100)], [iv(10, 20), iv(30, 40), iv(90, 120)]))).toEqual([
      [0, 10],
      [20, 30],
      [40, 90],
    ]);
    expect(mins(subtractIntervals([iv(0, 10), iv(20, 30)], [iv(5, 25)]))).toEqual([
      [0, 5],
      [25, 30],
    ]);
    expect(mins(subtractIntervals([iv(0, 10)], [iv(0, 10)]))).toEqual([]);
  });

  it('intersect', () => {
    expect(mins(intersectIntervals([iv(0, 10), iv(20, 30)], [iv(5, 25)]))).toEqual([
      [5, 10],
      [20, 25],
    ]);
    expect(mins(intersectIntervals([iv(0, 10)], [iv(10, 20)]))).toEqual([]); // half-open: touching is not overlapping
  });

  it('widen grows each interval and merges what now overlaps or touches', () => {
    expect(mins(widen([iv(10, 20), iv(30, 40), iv(60, 70)], 5 * MIN, 5 * MIN))).toEqual([
      [5, 45],
      [55, 75],
    ]);
    expect(mins(widen([iv(10, 20)], 0, 15 * MIN))).toEqual([[10, 35]]);
  });

  it('clip keeps the parts inside the window', () => {
    expect(mins(clip([iv(0, 10), iv(20, 30), iv(40, 50)], { from: iv(5, 45).start, to: iv(5, 45).end }))).toEqual([
      [5, 10],
      [20, 30],
      [40, 45],
    ]);
    expect(mins(clip([iv(0, 10)], { from: iv(10, 10).start, to: iv(20, 20).start }))).toEqual([]);
  });

  it('unnormalized input to subtract/intersect is merged first, not mis-swept', () => {
    expect(mins(subtractIntervals([iv(20, 30), iv(0, 25)], [iv(10, 12)]))).toEqual([
      [0, 10],
      [12, 30],
    ]);
  });

  it('sweeps large lists in linear time (a quadratic sweep would take minutes here)', () => {
    const a: Span[] = Array.from({ length: 100_000 }, (_, i): Span => [i * 10, i * 10 + 6]);
    const b: Span[] = Array.from({ length: 100_000 }, (_, i): Span => [i * 10 + 3, i * 10 + 8]);
    const started = performance.now();
    const d = subtractSpans(a, b);
    const x = intersectSpans(a, b);
    const m = mergeSpans([...a, ...b]);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(d[0]).toEqual([0, 3]);
    expect(x[0]).toEqual([3, 6]);
    expect(m[0]).toEqual([0, 8]);
  });

  describe('property: agrees with a minute-by-minute set model', () => {
    const RANGE = 120;
    const spanArb = fc.tuple(fc.integer({ min: -5, max: RANGE }), fc.integer({ min: 0, max: 30 })).map(([s, len]): Span => [s, s + len]);
    const listArb = fc.array(spanArb, { maxLength: 8 });
    const set = (spans: readonly Span[]): Set<number> => {
      const out = new Set<number>();
      for (const [s, e] of spans) for (let m = s; m < e; m++) out.add(m);
      return out;
    };
    const sorted = (s: Set<number>) => [...s].sort((x, y) => x - y);
    const check = (result: Span[], expected: Set<number>) => {
      expect(isNormalized(result)).toBe(true);
      expect(sorted(set(result))).toEqual(sorted(expected));
    };

    it('merge', () => {
      fc.assert(fc.property(listArb, (a) => check(mergeSpans(a), set(a))));
    });

    it('subtract and intersect (on normalized and on raw input)', () => {
      fc.assert(
        fc.property(listArb, listArb, fc.boolean(), (rawA, rawB, normalizeFirst) => {
          const a = normalizeFirst ? mergeSpans(rawA) : rawA;
          const b = normalizeFirst ? mergeSpans(rawB) : rawB;
          const sa = set(rawA);
          const sb = set(rawB);
          check(subtractSpans(a, b), new Set([...sa].filter((m) => !sb.has(m))));
          check(intersectSpans(a, b), new Set([...sa].filter((m) => sb.has(m))));
        }),
      );
    });

    it('widen and clip', () => {
      fc.assert(
        fc.property(listArb, fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: -5, max: 100 }), fc.integer({ min: 0, max: 60 }), (raw, before, after, from, len) => {
          const a = mergeSpans(raw);
          const widened = new Set<number>();
          for (const [s, e] of a) for (let m = s - before; m < e + after; m++) widened.add(m);
          check(widenSpans(a, before, after), widened);
          check(clipSpans(a, from, from + len), new Set([...set(a)].filter((m) => m >= from && m < from + len)));
        }),
      );
    });

    it('the Date API wraps the span API', () => {
      fc.assert(
        fc.property(listArb, listArb, (a, b) => {
          const toIv = (l: Span[]) => l.map(([s, e]) => iv(s, e));
          expect(mins(subtractIntervals(toIv(mergeSpans(a)), toIv(mergeSpans(b))))).toEqual(subtractSpans(mergeSpans(a), mergeSpans(b)));
          expect(mins(intersectIntervals(toIv(a), toIv(b)))).toEqual(intersectSpans(a, b));
          expect(mins(mergeIntervals(toIv(a)))).toEqual(mergeSpans(a));
        }),
      );
    });
  });
});
