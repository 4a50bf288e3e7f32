import { BookingState, BookingView, bookingDecider } from '@kairos/bookings';
import { SqlEventStore } from '@kairos/event-store';
import { HttpClient } from '../kit/http-client';
import { CLASS_CAPACITY, MINUTE, PLAN_CREDITS, Seed } from './scenario';

/** After the load: what the read model and the event store hold, and whether anything is held twice. */

export interface Held {
  id: string;
  serviceType: string;
  start: number;
  end: number;
  resourceIds: string[];
  sessionId: string | null;
  partySize: number;
}

export const heldOf = (b: BookingView): Held | null => {
  if (!(b.status === 'CONFIRMED' || (b.status === 'PENDING' && b.holdsSlot !== false))) return null;
  return {
    id: b.id,
    serviceType: b.serviceType,
    start: Date.parse(b.slot.start) - (b.slot.bufferBeforeMinutes ?? 0) * MINUTE,
    end: Date.parse(b.slot.end) + (b.slot.bufferAfterMinutes ?? 0) * MINUTE,
    resourceIds: b.slot.resourceIds ?? [],
    sessionId: b.sessionId,
    partySize: b.partySize ?? 1,
  };
};

/** Overlapping buffered spans on one resource (one per booking that starts inside another), and classes over capacity. */
export const violations = (held: Held[]) => {
  const byResource = new Map<string, Held[]>();
  const seats = new Map<string, number>();
  for (const h of held) {
    for (const r of h.resourceIds) byResource.set(r, [...(byResource.get(r) ?? []), h]);
    if (h.serviceType !== 'APPOINTMENT' && h.sessionId) seats.set(h.sessionId, (seats.get(h.sessionId) ?? 0) + h.partySize);
  }
  let overlaps = 0;
  for (const list of byResource.values()) {
    list.sort((a, b) => a.start - b.start);
    let reach = -Infinity;
    for (const h of list) {
      if (h.start < reach) overlaps++;
      reach = Math.max(reach, h.end);
    }
  }
  const overCapacity = [...seats.values()].filter((taken) => taken > CLASS_CAPACITY).length;
  return { overlaps, overCapacity, total: overlaps + overCapacity };
};

export const readModelBookings = async (client: HttpClient, minPosition: number): Promise<BookingView[]> => {
  const all: BookingView[] = [];
  for (const status of ['CONFIRMED', 'PENDING']) {
    let cursor: string | null = null;
    do {
      const query: string = `status=${status}&limit=500&minPosition=${minPosition}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await client.okOnceAvailable<{ items: BookingView[]; nextCursor: string | null }>('GET', `/v1/bookings?${query}`);
      all.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
  }
  return all;
};

/** The same check on the source of truth: every booking stream folded with the booking decider. */
export const eventStoreBookings = async (store: SqlEventStore): Promise<{ bookings: BookingView[]; events: number }> => {
  const states = new Map<string, BookingState>();
  let after: number | null = null;
  let events = 0;
  for (;;) {
    const page = await store.readAll({ after, limit: 5000 });
    if (page.length === 0) break;
    events += page.length;
    for (const e of page) {
      if (!e.streamId.startsWith('booking:')) continue;
      const state = states.get(e.streamId) ?? bookingDecider.initialState();
      states.set(e.streamId, bookingDecider.evolve(state, { type: e.type, data: e.data } as Parameters<typeof bookingDecider.evolve>[1]));
    }
    after = page[page.length - 1].position;
  }
  const bookings = [...states.values()].flatMap((s) => (s.status === 'exists' ? [s.view] : []));
  return { bookings, events };
};

/** p99 of the runner lag histogram (upper bucket bound, ms) between two scrapes of /metrics. */
export const runnerLagP99 = (before: string, after: string, runner: string): number => {
  const buckets = (text: string) => {
    const out = new Map<string, number>();
    for (const line of text.split('\n')) {
      const m = /^kairos_runner_lag_seconds_bucket\{([^}]*)\} (\S+)$/.exec(line);
      if (!m) continue;
      const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
      if (labels.runner === runner) out.set(labels.le, Number(m[2]));
    }
    return out;
  };
  const b0 = buckets(before);
  const b1 = buckets(after);
  const diffs = [...b1].map(([le, n]) => ({ le: le === '+Inf' ? Infinity : Number(le), n: n - (b0.get(le) ?? 0) })).sort((a, b) => a.le - b.le);
  const total = diffs.find((d) => d.le === Infinity)?.n ?? 0;
  if (total === 0) return NaN;
  return (diffs.find((d) => d.n >= 0.99 * total)?.le ?? Infinity) * 1000;
};

/**
 * Plan orders whose balance in the read model is not their credits less the plan-paid bookings that
 * still stand on them: a credit redeemed twice, or not given back with a cancel.
 */
export const planBalanceMismatches = async (client: HttpClient, seed: Seed, standing: BookingView[], minPosition: number): Promise<number> => {
  const spent = new Map<string, number>();
  for (const b of standing) if (b.planOrderId) spent.set(b.planOrderId, (spent.get(b.planOrderId) ?? 0) + b.partySize);
  let mismatches = 0;
  for (const id of seed.planOrders) {
    const order = await client.okOnceAvailable<{ credits: { remaining: number } }>('GET', `/v1/plan-orders/${id}?minPosition=${minPosition}`);
    if (order.body.credits.remaining !== PLAN_CREDITS - (spent.get(id) ?? 0)) mismatches++;
  }
  return mismatches;
};
