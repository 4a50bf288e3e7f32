import { DateTime } from 'luxon';

/**
 * The bookings benchmark's tenant and load, shared by the main thread (the app, the seed, the
 * checks) and the load worker: what is seeded, what the clients ask for, and what they report.
 */

export const NOW = new Date('2026-03-01T00:00:00Z');
export const ZONE = 'Europe/London';
export const STAFF = 20;
export const ROOMS = 3;
/** The staff + room service uses the first ten staff only, so both services contend for them. */
export const ROOM_SERVICE_STAFF = 10;
export const CLASSES = 3;
export const SESSIONS_PER_CLASS = 2;
export const CLASS_CAPACITY = 20;
export const TOPIC = 'kairos.bookings.v1';
export const MINUTE = 60_000;

/** The weekdays of March 2026 (1 March is a Sunday); London is on GMT until the 29th. */
export const WEEKDAYS = [2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 23, 24, 25, 26, 27, 30, 31];
export const HOT_DAY = 2;
/** The hot set: four half-hours of one Monday morning, any staff, that a fifth of the creates go for. */
export const HOT_STARTS = [9 * 60, 9 * 60 + 30, 10 * 60, 10 * 60 + 30];

export const pad = (n: number) => String(n).padStart(2, '0');
/** A London wall-clock time in March 2026 as epoch milliseconds. */
export const london = (day: number, minutes: number) =>
  DateTime.fromObject({ year: 2026, month: 3, day, hour: Math.floor(minutes / 60), minute: minutes % 60 }, { zone: ZONE }).toMillis();
export const iso = (ms: number) => new Date(ms).toISOString();

/** What the seed made, by id, for the clients to book. */
export interface Seed {
  tenant: string;
  /** One contact per client, each holding an ACTIVE plan order that pays for its plan-paid bookings. */
  contacts: string[];
  planOrders: string[];
  serviceA: string;
  serviceB: string;
  classes: { serviceId: string; sessions: string[] }[];
  lastPosition: number;
}

export interface WorkerInput {
  port: number;
  brokers: string[];
  seconds: number;
  clients: number;
  seed: Seed;
  /** The open-loop phase after the closed loop: creates offered per second (plus cancels and reschedules in the mix's proportion). */
  open: { seconds: number; bookingsPerSec: number };
}

/** Each request's operation: creates, then cancels, the rest reschedules (of a client's own bookings). */
export const MIX = { create: 0.7, cancel: 0.15 } as const;

export type Op = 'create-appt' | 'create-plan' | 'create-hot' | 'create-room' | 'create-class' | 'cancel' | 'reschedule';
export const OPS: Op[] = ['create-appt', 'create-plan', 'create-hot', 'create-room', 'create-class', 'cancel', 'reschedule'];
export const CREATES = ['create-appt', 'create-plan', 'create-hot', 'create-room', 'create-class'] as const;
/** Credits of each client's plan order: more than a client can book in any run, so a refusal is an error. */
export const PLAN_CREDITS = 10_000;

export interface OpStats {
  latencies: number[];
  ok: number;
  slotTaken: number;
  capacityExceeded: number;
  errors: number;
}

export interface WorkerResult {
  elapsedMs: number;
  ops: Record<Op, OpStats>;
  errorSamples: string[];
  active: string[];
  lastPosition: number;
  projectionLags: number[];
  probeRequests: number;
  probeTimeouts: number;
  probeErrors: number;
  kafkaLags: number[];
  kafkaMissing: number;
  kafkaDrainMs: number;
  writes: number;
  /** The load thread's own CPU from its first request to the closed loop's lags being measured. */
  loadThreadCpuMs: number;
  open: OpenLoopResult;
}

/** The open-loop phase: requests sent on a schedule, each timed from when it was due. */
export interface OpenLoopResult {
  elapsedMs: number;
  /** Requests per second the schedule offered (creates and the rest of the mix). */
  offeredPerSec: number;
  ops: Record<Op, OpStats>;
  /** How late the generator sent its latest-sent request: above a few ms, it did not keep up. */
  maxSendDelayMs: number;
  projectionLags: number[];
  probeTimeouts: number;
  kafkaLags: number[];
  kafkaMissing: number;
}

/**
 * The worker says when its consumer has joined, when the closed loop's clients stopped, when what
 * they wrote has reached the read model and Kafka (the end of the closed loop's CPU window), and
 * what it measured.
 */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'loaded' }
  | { type: 'settled' }
  | { type: 'done'; result: WorkerResult }
  | { type: 'failed'; error: string };

/** The tenant's default policy in the benches: no booking or cancellation windows, so any slot of the load may be booked and changed. */
export const NO_WINDOWS_POLICY = {
  name: 'Bench: no windows',
  isDefault: true,
  earliestBookingMinutes: null,
  latestBookingMinutes: null,
  latestCancelMinutes: null,
  latestRescheduleMinutes: null,
};
