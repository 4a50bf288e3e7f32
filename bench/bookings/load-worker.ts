import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { BookingView } from '@kairos/bookings';
import { cpuMsOf, currentThreadId } from '../kit/cpu';
import { Answer, HttpClient } from '../kit/http-client';
import { mulberry32 } from '../kit/random';
import { ProjectionLagProbe, watchKafka } from './lags';
import {
  CLASS_CAPACITY,
  FromWorker,
  HOT_DAY,
  HOT_STARTS,
  MINUTE,
  MIX,
  OPS,
  Op,
  OpStats,
  ROOMS,
  ROOM_SERVICE_STAFF,
  STAFF,
  WEEKDAYS,
  WorkerInput,
  WorkerResult,
  iso,
  london,
} from './scenario';

/**
 * The load, in a worker thread of its own so that the app's event loop (the main thread) carries
 * only the app, as it would in production: the clients, the projection-lag prober and the Kafka
 * consumer, all timed on this thread's clock. Each client books, cancels and reschedules its own
 * bookings: ~70 % creates (a fifth of them on the hot set, some class joins, some paid with a plan
 * order's credits), ~15 % cancels (giving back a plan-paid booking's credit), ~15 % reschedules.
 * First a closed loop (each client waits for its answer: the service at saturation), then an open
 * loop at a fixed offered rate (the latency a client sees at a load the service should carry).
 */

const KAFKA_DRAIN_MS = 20_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const newOpStats = () => Object.fromEntries(OPS.map((op): [Op, OpStats] => [op, { latencies: [], ok: 0, slotTaken: 0, capacityExceeded: 0, errors: 0 }])) as Record<Op, OpStats>;

interface Owned {
  id: string;
  kind: 'A' | 'B' | 'class';
  start: number;
  classIndex: number;
  sessionId: string | null;
  revision: number;
  /** A cancel or reschedule of it is in flight (the open loop sends a client's requests without waiting). */
  busy: boolean;
}

const runWorker = async (input: WorkerInput): Promise<void> => {
  const { seed, seconds } = input;
  const client = new HttpClient(input.port, { tenant: seed.tenant, headers: { accept: 'application/json' } });
  const errorSamples: string[] = [];
  let lastPosition = seed.lastPosition;
  let writes = 0;
  const threadCpuMs = () => cpuMsOf(process.pid, currentThreadId());

  const kafka = await watchKafka(input.brokers, seed.tenant);
  parentPort!.postMessage({ type: 'ready' } satisfies FromWorker);
  await new Promise<void>((resolveGo) => parentPort!.once('message', () => resolveGo()));
  const cpuAtGo = threadCpuMs();

  const start = performance.now();
  const deadline = start + seconds * 1000;
  let projection = new ProjectionLagProbe(client, seconds, start);

  const wrote = (id: string, revision: number, position: number | null, at: number) => {
    writes++;
    kafka.onWrite(`${id}@${revision}`, at);
    if (position === null) return;
    lastPosition = Math.max(lastPosition, position);
    projection.wrote(id, position, at);
  };

  // What the clients believe is held, to aim at free-looking slots (the server decides).
  const staffHeld = new Map<number, number>();
  const roomHeld = new Map<number, number>();
  const seatsHeld = new Map<string, number>();
  const bump = (map: Map<number, number>, key: number, by: number) => map.set(key, (map.get(key) ?? 0) + by);
  const hold = (b: Owned, by: 1 | -1) => {
    if (b.kind === 'A') bump(staffHeld, b.start, by);
    else if (b.kind === 'B') {
      for (const t of [b.start, b.start + 30 * MINUTE]) {
        bump(staffHeld, t, by);
        bump(roomHeld, t, by);
      }
    } else seatsHeld.set(b.sessionId!, (seatsHeld.get(b.sessionId!) ?? 0) + by);
  };

  /** One client: its own bookings, and a step that sends its next request and records it in `ops`, timed from `begin`. */
  const clientOf = (index: number) => {
    const random = mulberry32(20260301 + index);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const own: Owned[] = [];
    const contactId = seed.contacts[index];

    const slotA = () => {
      let t = 0;
      for (let tries = 0; tries < 5; tries++) {
        t = london(pick(WEEKDAYS.filter((d) => d !== HOT_DAY)), 8 * 60 + 30 * Math.floor(random() * 24));
        if ((staffHeld.get(t) ?? 0) < STAFF) break;
      }
      return t;
    };
    const slotB = () => {
      let t = 0;
      for (let tries = 0; tries < 5; tries++) {
        t = london(pick(WEEKDAYS.filter((d) => d !== HOT_DAY)), 8 * 60 + 30 * Math.floor(random() * 22));
        const next = t + 30 * MINUTE;
        if (Math.max(staffHeld.get(t) ?? 0, staffHeld.get(next) ?? 0) < ROOM_SERVICE_STAFF && Math.max(roomHeld.get(t) ?? 0, roomHeld.get(next) ?? 0) < ROOMS) break;
      }
      return t;
    };
    const sessionOf = (classIndex: number, except?: string) => {
      const sessions = seed.classes[classIndex].sessions.filter((s) => s !== except);
      const open = sessions.filter((s) => (seatsHeld.get(s) ?? 0) < CLASS_CAPACITY);
      return pick(open.length > 0 ? open : sessions);
    };

    const timed = async (ops: Record<Op, OpStats>, begin: number, op: Op, method: string, path: string, body: unknown, expected: number): Promise<Answer | null> => {
      let answer: Answer | null = null;
      let failure = '';
      try {
        answer = await client.call(method, path, body);
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
      const stats = ops[op];
      stats.latencies.push(performance.now() - begin);
      const type = (answer?.body as { type?: string } | undefined)?.type;
      if (answer?.status === expected) stats.ok++;
      else if (answer?.status === 409 && type === 'urn:kairos:problem:slot-taken' && op !== 'cancel') stats.slotTaken++;
      else if (answer?.status === 422 && type === 'urn:kairos:problem:capacity-exceeded' && op !== 'cancel') stats.capacityExceeded++;
      else {
        stats.errors++;
        if (errorSamples.length < 20) errorSamples.push(`${op} ${method} ${path} → ${answer ? `${answer.status} ${answer.text.slice(0, 300)}` : failure}`);
      }
      return answer?.status === expected ? answer : null;
    };

    const create = async (ops: Record<Op, OpStats>, begin: number) => {
      const r = random();
      let op: Op;
      let body: Record<string, unknown>;
      let kind: Owned['kind'];
      let start = 0;
      let classIndex = -1;
      let sessionId: string | null = null;
      if (r < 0.2) {
        op = 'create-hot';
        kind = 'A';
        start = london(HOT_DAY, pick(HOT_STARTS));
        body = { serviceId: seed.serviceA, slot: { start: iso(start), end: iso(start + 30 * MINUTE) }, contactId };
      } else if (r < 0.35) {
        op = 'create-class';
        kind = 'class';
        classIndex = Math.floor(random() * seed.classes.length);
        sessionId = sessionOf(classIndex);
        body = { serviceId: seed.classes[classIndex].serviceId, sessionId, contactId };
      } else if (r < 0.55) {
        op = 'create-room';
        kind = 'B';
        start = slotB();
        body = { serviceId: seed.serviceB, slot: { start: iso(start), end: iso(start + 60 * MINUTE) }, contactId };
      } else {
        // A third of the haircuts are paid with the client's plan order: its credit is redeemed in the booking's append.
        op = r < 0.7 ? 'create-plan' : 'create-appt';
        kind = 'A';
        start = slotA();
        body = { serviceId: seed.serviceA, slot: { start: iso(start), end: iso(start + 30 * MINUTE) }, contactId, ...(op === 'create-plan' ? { selectedPaymentOption: 'MEMBERSHIP' } : {}) };
      }
      const answer = await timed(ops, begin, op, 'POST', '/v1/bookings', body, 201);
      if (!answer) return;
      const booking = answer.body as BookingView;
      const owned: Owned = { id: booking.id, kind, start, classIndex, sessionId, revision: booking.revision, busy: false };
      own.push(owned);
      hold(owned, 1);
      wrote(booking.id, booking.revision, answer.position, performance.now());
    };

    const cancel = async (ops: Record<Op, OpStats>, begin: number, b: Owned) => {
      const answer = await timed(ops, begin, 'cancel', 'POST', `/v1/bookings/${b.id}/cancel`, { reason: 'bench' }, 200);
      if (!answer) return;
      own.splice(own.indexOf(b), 1);
      hold(b, -1);
      wrote(b.id, (answer.body as BookingView).revision, answer.position, performance.now());
    };

    const reschedule = async (ops: Record<Op, OpStats>, begin: number, b: Owned) => {
      let body: Record<string, unknown>;
      let start = 0;
      let sessionId: string | null = null;
      if (b.kind === 'class') {
        sessionId = sessionOf(b.classIndex, b.sessionId!);
        body = { sessionId };
      } else if (b.kind === 'A') {
        start = slotA();
        body = { slot: { start: iso(start), end: iso(start + 30 * MINUTE) } };
      } else {
        start = slotB();
        body = { slot: { start: iso(start), end: iso(start + 60 * MINUTE) } };
      }
      const answer = await timed(ops, begin, 'reschedule', 'POST', `/v1/bookings/${b.id}/reschedule`, body, 200);
      if (!answer) return;
      hold(b, -1);
      b.start = start;
      b.sessionId = sessionId ?? b.sessionId;
      b.revision = (answer.body as BookingView).revision;
      hold(b, 1);
      wrote(b.id, b.revision, answer.position, performance.now());
    };

    const step = async (ops: Record<Op, OpStats>, begin: number) => {
      const r = random();
      const idle = own.filter((b) => !b.busy);
      if (r < MIX.create || idle.length === 0) return create(ops, begin);
      const b = pick(idle);
      b.busy = true;
      try {
        await (r < MIX.create + MIX.cancel ? cancel(ops, begin, b) : reschedule(ops, begin, b));
      } finally {
        b.busy = false;
      }
    };
    return { own, step };
  };

  const clients = Array.from({ length: input.clients }, (_, i) => clientOf(i));
  const ops = newOpStats();
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < deadline) await c.step(ops, performance.now());
    }),
  );
  const elapsedMs = performance.now() - start;
  parentPort!.postMessage({ type: 'loaded' } satisfies FromWorker);
  await projection.finished();
  const kafkaDrainMs = await kafka.drain(KAFKA_DRAIN_MS);
  const closedKafka = kafka.nextPhase();
  const loadThreadCpuMs = threadCpuMs() - cpuAtGo;
  parentPort!.postMessage({ type: 'settled' } satisfies FromWorker);
  const closed = { projectionLags: projection.lags, probeRequests: projection.requests, probeTimeouts: projection.timeouts, probeErrors: projection.errors };

  // The open loop: requests due on a fixed schedule, sent whether or not earlier ones have been
  // answered, each timed from when it was due, so that time spent queueing (in this thread's agent,
  // the server's accept queue, the app) counts as latency; round-robin over the same clients.
  const openOps = newOpStats();
  const offeredPerSec = input.open.bookingsPerSec / MIX.create;
  const openStart = performance.now();
  projection = new ProjectionLagProbe(client, input.open.seconds, openStart);
  const inFlight: Promise<void>[] = [];
  let maxSendDelayMs = 0;
  for (let i = 0; i < Math.floor(input.open.seconds * offeredPerSec); i++) {
    const due = openStart + (i * 1000) / offeredPerSec;
    const early = due - performance.now();
    if (early > 0) await sleep(early);
    maxSendDelayMs = Math.max(maxSendDelayMs, performance.now() - due);
    inFlight.push(clients[i % clients.length].step(openOps, due));
  }
  await Promise.all(inFlight);
  const openElapsedMs = performance.now() - openStart;
  await projection.finished();
  await kafka.drain(KAFKA_DRAIN_MS);
  const openKafka = kafka.nextPhase();
  await kafka.disconnect();
  client.close();

  const result: WorkerResult = {
    elapsedMs,
    ops,
    errorSamples,
    active: clients.flatMap((c) => c.own.map((b) => b.id)),
    lastPosition,
    ...closed,
    kafkaLags: closedKafka.lags,
    kafkaMissing: closedKafka.missing,
    kafkaDrainMs,
    writes,
    loadThreadCpuMs,
    open: {
      elapsedMs: openElapsedMs,
      offeredPerSec,
      ops: openOps,
      maxSendDelayMs,
      projectionLags: projection.lags,
      probeTimeouts: projection.timeouts,
      kafkaLags: openKafka.lags,
      kafkaMissing: openKafka.missing,
    },
  };
  parentPort!.postMessage({ type: 'done', result } satisfies FromWorker);
};
if (!isMainThread) {
  runWorker(workerData as WorkerInput).catch((error: unknown) => {
    parentPort!.postMessage({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies FromWorker);
  });
}
