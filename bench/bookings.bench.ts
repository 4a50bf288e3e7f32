/**
 * Booking throughput, latency and correctness on PostgreSQL with the Kafka publisher, end to end:
 *
 *  - the real app (createApp, every role) on a fresh scratch schema, listening on a real socket;
 *  - a seeded tenant: 20 staff and 3 rooms working Mon–Fri 08:00–20:00 in London, a 30-minute
 *    "any staff" appointment, a 60-minute staff + room appointment with a 10-minute buffer, three
 *    classes of 20 seats, a default policy without windows, the clock pinned to 2026-03-01;
 *  - 50 concurrent clients for BENCH_SECONDS (default 30): ~70 % creates (a fifth of them on a small
 *    hot set of slots, some class joins), ~15 % cancels and ~15 % reschedules of their own bookings;
 *  - afterwards: no resource held twice and no class over capacity, in the read model (over HTTP)
 *    and in the event store (folding the booking streams); how long the read model and Kafka take to
 *    show a write; and `pgbench` simple-update TPS on a scratch database of the same server, as the
 *    yardstick for what this PostgreSQL can do.
 *
 * The load generator and the Kafka consumer run in a worker thread, so the app's event loop (the
 * main thread) carries only the app, as it would in production, and a CPU profile of the main
 * thread is a profile of the app.
 *
 * Knobs:
 *  - BENCH_SECONDS (30): load and pgbench duration.
 *  - BENCH_PROFILE=1: counts, per route, the SQL statements, the time in the database and the time
 *    waiting for a pooled connection; per projection runner, events, statements and busy time; new
 *    connections and failed statements; and times 100 creates one at a time before the load.
 *  - BENCH_CPU_PROFILE=<file>: a V8 CPU profile of the app's thread over the load window only.
 *  - BENCH_CLIENTS (50), BENCH_POOL_SIZE (20, as main.ts), BENCH_MAX_CONCURRENT (16, as main.ts):
 *    for experiments.
 *  - BENCH_RUNNERS: `worker` (default, as main.ts runs PostgreSQL: projections and publisher in a
 *    thread of their own) or `inline` (on the request thread; BENCH_PROFILE counts their
 *    statements only then).
 *  - KAIROS_KAFKA_BROKERS, or a broker of its own from scripts/kafka.sh (stopped at the end).
 *  - KAIROS_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/test).
 */
import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import { Session } from 'node:inspector';
import { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EventLoopUtilization, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { INestApplication } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { DateTime } from 'luxon';
import { BookingState, BookingView, bookingDecider } from '@kairos/bookings';
import { SqlEventStore } from '@kairos/event-store';
import { KafkaPublisher } from '@kairos/publisher';
import { SqlReadStore } from '@kairos/read-store';
import { PgClient, SqlExecutor, ident } from '@kairos/sql';
import { createApp } from '../apps/kairos/src/bootstrap';
import { KairosConfig, loadConfig } from '../apps/kairos/src/config/config';
import { Stores, runnerLeases, withReadCache } from '../apps/kairos/src/infrastructure/stores';
import { Row, formatTable, meets, percentile, printReport } from './report';

const NOW = new Date('2026-03-01T00:00:00Z');
const ZONE = 'Europe/London';
const STAFF = 20;
const ROOMS = 3;
/** The staff + room service uses the first ten staff only, so both services contend for them. */
const ROOM_SERVICE_STAFF = 10;
const CLASSES = 3;
const SESSIONS_PER_CLASS = 2;
const CLASS_CAPACITY = 20;
/** Defaults as the brief and main.ts have them; BENCH_CLIENTS and BENCH_POOL_SIZE are for experiments. */
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const POOL_SIZE = Number(process.env.BENCH_POOL_SIZE ?? 20);
const MAX_CONCURRENT = Number(process.env.BENCH_MAX_CONCURRENT ?? 16);
const PROJECTION_SAMPLES = 200;
const PROBE_EVERY_MS = 5;
const PROBE_TIMEOUT_MS = 10_000;
const KAFKA_DRAIN_MS = 20_000;
const TOPIC = 'kairos.bookings.v1';
const MINUTE = 60_000;

const BOOKINGS_PER_PGBENCH_TPS = 0.3;
const P99_TARGET = { atMost: 50 };
const DOUBLE_BOOKINGS_TARGET = { atMost: 0 };
const PROJECTION_LAG_TARGET = { atMost: 100 };
const KAFKA_LAG_TARGET = { atMost: 250 };
const ERRORS_TARGET = { atMost: 0 };

/** The weekdays of March 2026 (1 March is a Sunday); London is on GMT until the 29th. */
const WEEKDAYS = [2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 23, 24, 25, 26, 27, 30, 31];
const HOT_DAY = 2;
/** The hot set: four half-hours of one Monday morning, any staff, that a fifth of the creates go for. */
const HOT_STARTS = [9 * 60, 9 * 60 + 30, 10 * 60, 10 * 60 + 30];

const pad = (n: number) => String(n).padStart(2, '0');
/** A London wall-clock time in March 2026 as epoch milliseconds. */
const london = (day: number, minutes: number) =>
  DateTime.fromObject({ year: 2026, month: 3, day, hour: Math.floor(minutes / 60), minute: minutes % 60 }, { zone: ZONE }).toMillis();
const iso = (ms: number) => new Date(ms).toISOString();

const mulberry32 = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (value: number, digits = 2) => Number(value.toFixed(digits));
const p = (values: number[], q: number) => (values.length === 0 ? NaN : percentile(values, q));

// ---------------------------------------------------------------------------------------------
// HTTP: node:http with a keep-alive agent (lighter than fetch on a two-core machine).

interface Answer<T = any> {
  status: number;
  body: T;
  position: number | null;
  text: string;
}

class Client {
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  constructor(private readonly port: number, private readonly tenant: string) {}

  call<T = any>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: http.OutgoingHttpHeaders = { 'kairos-tenant': this.tenant, accept: 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    return new Promise((resolvePromise, reject) => {
      const req = http.request({ host: '127.0.0.1', port: this.port, method, path, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const position = res.headers['kairos-position'];
          let parsed: unknown;
          try {
            parsed = text && String(res.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : text;
          } catch {
            parsed = text;
          }
          resolvePromise({ status: res.statusCode ?? 0, body: parsed as T, position: position === undefined ? null : Number(position), text });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  async ok<T = any>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    const answer = await this.call<T>(method, path, body);
    if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${answer.text.slice(0, 500)}`);
    return answer;
  }

  close() {
    this.agent.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// What the main thread hands the worker, and what comes back.

interface Seed {
  tenant: string;
  serviceA: string;
  serviceB: string;
  classes: { serviceId: string; sessions: string[] }[];
  lastPosition: number;
}

interface WorkerInput {
  port: number;
  brokers: string[];
  seconds: number;
  clients: number;
  seed: Seed;
}

type Op = 'create-appt' | 'create-hot' | 'create-room' | 'create-class' | 'cancel' | 'reschedule';
const OPS: Op[] = ['create-appt', 'create-hot', 'create-room', 'create-class', 'cancel', 'reschedule'];

interface OpStats {
  latencies: number[];
  ok: number;
  slotTaken: number;
  capacityExceeded: number;
  errors: number;
}

interface WorkerResult {
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
}

type FromWorker = { type: 'ready' } | { type: 'loaded' } | { type: 'done'; result: WorkerResult } | { type: 'failed'; error: string };

// ---------------------------------------------------------------------------------------------
// The worker: 50 clients, a projection-lag prober and a Kafka consumer, all timed on one clock.

interface Owned {
  id: string;
  kind: 'A' | 'B' | 'class';
  start: number;
  classIndex: number;
  sessionId: string | null;
  revision: number;
}

const runWorker = async (input: WorkerInput): Promise<void> => {
  const { seed, seconds } = input;
  const client = new Client(input.port, seed.tenant);
  const ops = Object.fromEntries(OPS.map((op): [Op, OpStats] => [op, { latencies: [], ok: 0, slotTaken: 0, capacityExceeded: 0, errors: 0 }])) as Record<Op, OpStats>;
  const errorSamples: string[] = [];
  let lastPosition = seed.lastPosition;
  let writes = 0;

  // Kafka: a write's message is matched by booking id and revision (ce_subject, kairos_revision).
  // ce_time is the app's (pinned) clock, so the lag is taken against this thread's clock instead:
  // from the write's HTTP answer to the message arriving here.
  const awaitingMessage = new Map<string, number>();
  const arrivedEarly = new Map<string, number>();
  const kafkaLags: number[] = [];
  const onMessage = (key: string) => {
    const at = performance.now();
    const wrote = awaitingMessage.get(key);
    if (wrote === undefined) arrivedEarly.set(key, at);
    else {
      awaitingMessage.delete(key);
      kafkaLags.push(Math.max(0, at - wrote));
    }
  };
  const onWrite = (key: string, at: number) => {
    const arrived = arrivedEarly.get(key);
    if (arrived === undefined) awaitingMessage.set(key, at);
    else {
      arrivedEarly.delete(key);
      kafkaLags.push(Math.max(0, arrived - at));
    }
  };
  const kafka = new Kafka({ clientId: 'kairos-bench', brokers: input.brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `kairos-bench-${randomBytes(5).toString('hex')}`, maxWaitTimeInMs: 100 });
  const joined = new Promise<void>((resolveJoin) => consumer.on(consumer.events.GROUP_JOIN, () => resolveJoin()));
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const header = (name: string) => message.headers?.[name]?.toString();
      if (header('kairos_tenant') !== seed.tenant) return;
      onMessage(`${header('ce_subject')}@${header('kairos_revision')}`);
    },
  });
  await joined;
  parentPort!.postMessage({ type: 'ready' } satisfies FromWorker);
  await new Promise<void>((resolveGo) => parentPort!.once('message', () => resolveGo()));

  const start = performance.now();
  const deadline = start + seconds * 1000;

  // Projection lag: every duration/200 ms the next successful write is followed until the bookings
  // read model answers with a position at or past it. One poller serves every pending sample: a GET
  // of the oldest pending booking every 5 ms (404 until projected; else Kairos-Position is the
  // checkpoint). Polled here rather than with ?minPosition, whose server-side back-off (2, 4, … 50
  // ms) would round the lag up by up to 2×; one poller keeps the probes' own load small.
  const projectionLags: number[] = [];
  const pendingSamples: { id: string; position: number; at: number }[] = [];
  let poller: Promise<void> | null = null;
  let probeRequests = 0;
  let probeTimeouts = 0;
  let probeErrors = 0;
  let samples = 0;
  const sampleEveryMs = (seconds * 1000) / PROJECTION_SAMPLES;
  let nextSampleAt = start;
  const poll = async () => {
    while (pendingSamples.length > 0) {
      const answer = await client.call('GET', `/v1/bookings/${pendingSamples[0].id}`).catch(() => null);
      probeRequests++;
      const at = performance.now();
      if (!answer || (answer.status !== 200 && answer.status !== 404)) probeErrors++;
      const reached = answer?.status === 200 && answer.position !== null ? answer.position : -1;
      for (let i = pendingSamples.length - 1; i >= 0; i--) {
        const sample = pendingSamples[i];
        const timedOut = at - sample.at > PROBE_TIMEOUT_MS;
        if (sample.position <= reached || timedOut) {
          if (timedOut && sample.position > reached) probeTimeouts++;
          projectionLags.push(at - sample.at);
          pendingSamples.splice(i, 1);
        }
      }
      if (pendingSamples.length > 0) await sleep(PROBE_EVERY_MS);
    }
    poller = null;
  };

  const wrote = (id: string, revision: number, position: number | null, at: number) => {
    writes++;
    onWrite(`${id}@${revision}`, at);
    if (position === null) return;
    lastPosition = Math.max(lastPosition, position);
    if (at >= nextSampleAt && samples < PROJECTION_SAMPLES) {
      samples++;
      nextSampleAt = at + sampleEveryMs;
      pendingSamples.push({ id, position, at });
      poller ??= poll();
    }
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

  const clientLoop = async (index: number) => {
    const random = mulberry32(20260301 + index);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const own: Owned[] = [];
    const contactId = randomUUID();

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

    const timed = async (op: Op, method: string, path: string, body: unknown, expected: number): Promise<Answer | null> => {
      const begin = performance.now();
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

    const create = async () => {
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
        op = 'create-appt';
        kind = 'A';
        start = slotA();
        body = { serviceId: seed.serviceA, slot: { start: iso(start), end: iso(start + 30 * MINUTE) }, contactId };
      }
      const answer = await timed(op, 'POST', '/v1/bookings', body, 201);
      if (!answer) return;
      const booking = answer.body as BookingView;
      const owned: Owned = { id: booking.id, kind, start, classIndex, sessionId, revision: booking.revision };
      own.push(owned);
      hold(owned, 1);
      wrote(booking.id, booking.revision, answer.position, performance.now());
    };

    const cancel = async () => {
      const i = Math.floor(random() * own.length);
      const b = own[i];
      const answer = await timed('cancel', 'POST', `/v1/bookings/${b.id}/cancel`, { reason: 'bench' }, 200);
      if (!answer) return;
      own.splice(i, 1);
      hold(b, -1);
      wrote(b.id, (answer.body as BookingView).revision, answer.position, performance.now());
    };

    const reschedule = async () => {
      const b = pick(own);
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
      const answer = await timed('reschedule', 'POST', `/v1/bookings/${b.id}/reschedule`, body, 200);
      if (!answer) return;
      hold(b, -1);
      b.start = start;
      b.sessionId = sessionId ?? b.sessionId;
      b.revision = (answer.body as BookingView).revision;
      hold(b, 1);
      wrote(b.id, b.revision, answer.position, performance.now());
    };

    while (performance.now() < deadline) {
      const r = random();
      if (r < 0.7 || own.length === 0) await create();
      else if (r < 0.85) await cancel();
      else await reschedule();
    }
    return own;
  };

  const owned = await Promise.all(Array.from({ length: input.clients }, (_, i) => clientLoop(i)));
  const elapsedMs = performance.now() - start;
  parentPort!.postMessage({ type: 'loaded' } satisfies FromWorker);
  await poller;

  const drainStart = performance.now();
  while (awaitingMessage.size > 0 && performance.now() - drainStart < KAFKA_DRAIN_MS) await sleep(20);
  const kafkaDrainMs = performance.now() - drainStart;
  await consumer.disconnect().catch(() => undefined);
  client.close();

  const result: WorkerResult = {
    elapsedMs,
    ops,
    errorSamples,
    active: owned.flat().map((b) => b.id),
    lastPosition,
    projectionLags,
    probeRequests,
    probeTimeouts,
    probeErrors,
    kafkaLags,
    kafkaMissing: awaitingMessage.size,
    kafkaDrainMs,
    writes,
  };
  parentPort!.postMessage({ type: 'done', result } satisfies FromWorker);
};

// ---------------------------------------------------------------------------------------------
// The main thread: Kafka, the app, the seed, checks, pgbench, the report.

const ROOT = resolve(__dirname, '..', '..');

const run = (file: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) =>
  new Promise<string>((resolveRun, reject) => {
    execFile(file, args, { cwd: ROOT, env: options.env ?? process.env, timeout: options.timeoutMs ?? 0, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolveRun(`${stdout}`);
    });
  });

/** Cleanup steps, run last-in first-out at the end (or on a signal); a step can also be run early. */
class Cleanup {
  private readonly steps: { name: string; fn: () => Promise<unknown> }[] = [];

  add(name: string, fn: () => Promise<unknown>): () => Promise<void> {
    const step = { name, fn };
    this.steps.push(step);
    return async () => {
      const i = this.steps.indexOf(step);
      if (i < 0) return;
      this.steps.splice(i, 1);
      await this.runStep(step);
    };
  }

  private async runStep(step: { name: string; fn: () => Promise<unknown> }) {
    try {
      await step.fn();
    } catch (error) {
      console.error(`cleanup: ${step.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async all() {
    while (this.steps.length > 0) await this.runStep(this.steps.pop()!);
  }
}

const log = (message: string) => console.error(`[bench:bookings] ${message}`);

/**
 * A broker of our own, from scripts/kafka.sh run unchanged but from a private copy of the layout it
 * expects (scripts/ and tools/ linked into a temporary folder), so that its state folder (.kafka) is
 * ours: other users of this checkout can neither stop our broker nor have theirs stopped by us.
 */
const startKafka = async (cleanup: Cleanup): Promise<string[]> => {
  const given = process.env.KAIROS_KAFKA_BROKERS?.trim();
  if (given) return given.split(',').map((b) => b.trim());
  const home = await mkdtemp(join(tmpdir(), 'kairos-bench-kafka-'));
  cleanup.add(`remove ${home}`, () => rm(home, { recursive: true, force: true }));
  await mkdir(join(home, 'scripts'));
  await symlink(join(ROOT, 'scripts', 'kafka.sh'), join(home, 'scripts', 'kafka.sh'));
  await symlink(join(ROOT, 'tools'), join(home, 'tools'));
  const script = join(home, 'scripts', 'kafka.sh');
  log('starting Kafka with scripts/kafka.sh');
  cleanup.add('stop Kafka', () => run('bash', [script, 'stop'], { timeoutMs: 60_000 }));
  const out = await run('bash', [script, 'start'], { timeoutMs: 240_000 });
  const address = out.trim().split('\n').pop()!.trim();
  log(`Kafka at ${address}`);
  return [address];
};

interface DbStats {
  queries: number;
  transactions: number;
  dbMs: number;
  poolWaitMs: number;
}
interface RouteStats extends DbStats {
  count: number;
  serverMs: number;
}

/**
 * BENCH_PROFILE=1: counts, per request, the SQL statements, transactions, time in the database and
 * time waiting for a pooled connection, by wrapping this bench's PgClient (no app code changes).
 */
interface RunnerStats {
  batches: number;
  events: number;
  queries: number;
  applyMs: number;
}

const instrument = (sql: PgClient, app: INestApplication, readStore: SqlReadStore, eventStore: SqlEventStore) => {
  const als = new AsyncLocalStorage<DbStats>();
  const routes = new Map<string, RouteStats>();
  // Outside any request: the projection runners and the publisher.
  const background: DbStats = { queries: 0, transactions: 0, dbMs: 0, poolWaitMs: 0 };
  const count = <T>(work: () => Promise<T>, tx = false): Promise<T> => {
    const stats = als.getStore() ?? background;
    const begin = performance.now();
    if (tx) stats.transactions++;
    else stats.queries++;
    return work().finally(() => {
      if (!tx) stats.dbMs += performance.now() - begin;
    });
  };
  // Failed statements by SQLSTATE: pg-pool's query() closes the connection on any error, expected or not.
  const failures = new Map<string, number>();
  const failed = (error: unknown) => {
    const code = (error as { code?: string }).code ?? 'no code';
    failures.set(code, (failures.get(code) ?? 0) + 1);
    throw error;
  };
  const query = sql.query.bind(sql);
  const transaction = sql.transaction.bind(sql);
  sql.query = <R>(text: string, params?: unknown[]) => count(() => query<R>(text, params).catch(failed));
  sql.transaction = <T>(fn: (tx: SqlExecutor) => Promise<T>) =>
    count(() => {
      const stats = als.getStore() ?? background;
      stats.queries += 2; // begin, commit
      return transaction((tx) => fn({ query: <R>(text: string, params?: unknown[]) => count(() => tx.query<R>(text, params)) }));
    }, true);
  // The pool is private to PgClient; timing its connect shows queueing for a connection.
  const pool = (sql as unknown as { pool?: { connect: (...args: unknown[]) => unknown; waitingCount: number; on(event: string, fn: () => void): void } }).pool;
  const connections = { opened: 0 };
  if (pool) {
    pool.on('connect', () => connections.opened++);
    const connect = pool.connect.bind(pool);
    pool.connect = (...args: unknown[]) => {
      const stats = als.getStore() ?? background;
      const begin = performance.now();
      const done = () => {
        stats.poolWaitMs += performance.now() - begin;
      };
      if (typeof args[0] === 'function') {
        const callback = args[0] as (...a: unknown[]) => void;
        return connect((...a: unknown[]) => {
          done();
          callback(...a);
        });
      }
      return (connect() as Promise<unknown>).finally(done);
    };
  }
  app.use((req: http.IncomingMessage & { route?: { path?: string } }, res: http.ServerResponse, next: () => void) => {
    const stats: DbStats = { queries: 0, transactions: 0, dbMs: 0, poolWaitMs: 0 };
    const begin = performance.now();
    res.on('finish', () => {
      const key = `${req.method} ${req.route?.path ?? req.url?.split('?')[0]} ${res.statusCode}`;
      const r = routes.get(key) ?? { count: 0, serverMs: 0, queries: 0, transactions: 0, dbMs: 0, poolWaitMs: 0 };
      r.count++;
      r.serverMs += performance.now() - begin;
      r.queries += stats.queries;
      r.transactions += stats.transactions;
      r.dbMs += stats.dbMs;
      r.poolWaitMs += stats.poolWaitMs;
      routes.set(key, r);
    });
    als.run(stats, next);
  });
  // Each runner's batches: events applied, statements and wall time inside applyBatch.
  const runners = new Map<string, RunnerStats>();
  const applyBatch = readStore.applyBatch.bind(readStore);
  readStore.applyBatch = (batch) => {
    const r = runners.get(batch.projection) ?? { batches: 0, events: 0, queries: 0, applyMs: 0 };
    runners.set(batch.projection, r);
    const stats: DbStats = { queries: 0, transactions: 0, dbMs: 0, poolWaitMs: 0 };
    const begin = performance.now();
    return als.run(stats, () => applyBatch(batch)).finally(() => {
      r.batches++;
      r.events += batch.positions.length;
      r.queries += stats.queries;
      r.applyMs += performance.now() - begin;
    });
  };
  const reads = { calls: 0, events: 0 };
  const readAll = eventStore.readAll.bind(eventStore);
  eventStore.readAll = async (options) => {
    const events = await readAll(options);
    reads.calls++;
    reads.events += events.length;
    return events;
  };

  const reset = () => {
    runners.clear();
    Object.assign(reads, { calls: 0, events: 0 });
    routes.clear();
    failures.clear();
    connections.opened = 0;
    Object.assign(background, { queries: 0, transactions: 0, dbMs: 0, poolWaitMs: 0 });
  };
  return { routes, background, failures, connections, runners, reads, reset, waiting: () => pool?.waitingCount ?? 0 };
};

/**
 * BENCH_CPU_PROFILE=<file>: a V8 CPU profile of the main thread (the app) over the load window only,
 * unlike `node --cpu-prof`, which also takes in start-up, seeding, the checks and pgbench.
 */
const windowProfiler = (file: string) => {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolvePost, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolvePost(result))));
  return {
    start: () => void post('Profiler.enable').then(() => post('Profiler.setSamplingInterval', { interval: 200 })).then(() => post('Profiler.start')),
    stop: async () => {
      const { profile } = await post('Profiler.stop');
      session.disconnect();
      await writeFile(file, JSON.stringify(profile));
      log(`CPU profile of the load window written to ${file}`);
    },
  };
};

const seedTenant = async (client: Client, tenant: string): Promise<Seed> => {
  let lastPosition = 0;
  const ok = async (method: string, path: string, body?: unknown) => {
    const answer = await client.ok(method, path, body);
    lastPosition = Math.max(lastPosition, answer.position ?? 0);
    return answer.body;
  };
  await ok('POST', '/v1/booking-policies', {
    name: 'Bench: no windows',
    isDefault: true,
    earliestBookingMinutes: null,
    latestBookingMinutes: null,
    latestCancelMinutes: null,
    latestRescheduleMinutes: null,
  });
  const hours = { timeZone: ZONE, workingHours: [{ daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: '08:00', endTime: '20:00' }] };
  const resource = async (type: string, name: string) => {
    const r = await ok('POST', '/v1/resources', { type, name });
    await ok('PATCH', `/v1/schedules/${r.scheduleId}`, hours);
    return r.id as string;
  };
  const staff = await Promise.all(Array.from({ length: STAFF }, (_, i) => resource('STAFF', `Staff ${i + 1}`)));
  const rooms = await Promise.all(Array.from({ length: ROOMS }, (_, i) => resource('ROOM', `Room ${i + 1}`)));
  const serviceA = await ok('POST', '/v1/services', {
    name: 'Haircut',
    type: 'APPOINTMENT',
    sessionDurations: [30],
    slotSplitIntervalMinutes: 30,
    timeZone: ZONE,
    resourceGroups: [{ resourceIds: staff, requiredCount: 1, selectable: true }],
  });
  const serviceB = await ok('POST', '/v1/services', {
    name: 'Treatment',
    type: 'APPOINTMENT',
    sessionDurations: [60],
    slotSplitIntervalMinutes: 30,
    bufferAfterMinutes: 10,
    timeZone: ZONE,
    resourceGroups: [
      { resourceIds: staff.slice(0, ROOM_SERVICE_STAFF), requiredCount: 1, selectable: true },
      { resourceIds: rooms, requiredCount: 1, selectable: false },
    ],
  });
  const classes: Seed['classes'] = [];
  for (let c = 0; c < CLASSES; c++) {
    const service = await ok('POST', '/v1/services', { name: `Class ${c + 1}`, type: 'CLASS', defaultCapacity: CLASS_CAPACITY, timeZone: ZONE });
    const sessions: string[] = [];
    for (let s = 0; s < SESSIONS_PER_CLASS; s++) {
      const day = WEEKDAYS[(c * SESSIONS_PER_CLASS + s) % WEEKDAYS.length];
      const session = await ok('POST', `/v1/schedules/${service.scheduleId}/sessions`, {
        type: 'EVENT',
        localStart: `2026-03-${pad(day)}T18:00`,
        localEnd: `2026-03-${pad(day)}T19:00`,
      });
      sessions.push(session.id);
    }
    classes.push({ serviceId: service.id, sessions });
  }
  // Every read model the booking path consults has caught up before the clock starts.
  for (const serviceId of [serviceA.id, serviceB.id]) {
    await ok('POST', '/v1/availability/query', { serviceId, from: iso(london(2, 0)), to: iso(london(3, 0)), minPosition: lastPosition, limit: 1 });
  }
  return { tenant, serviceA: serviceA.id, serviceB: serviceB.id, classes, lastPosition };
};

interface Held {
  id: string;
  serviceType: string;
  start: number;
  end: number;
  resourceIds: string[];
  sessionId: string | null;
  partySize: number;
}

const heldOf = (b: BookingView): Held | null => {
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
const violations = (held: Held[]) => {
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

const readModelBookings = async (client: Client, minPosition: number): Promise<BookingView[]> => {
  const all: BookingView[] = [];
  for (const status of ['CONFIRMED', 'PENDING']) {
    let cursor: string | null = null;
    do {
      const query: string = `status=${status}&limit=500&minPosition=${minPosition}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await client.ok<{ items: BookingView[]; nextCursor: string | null }>('GET', `/v1/bookings?${query}`);
      all.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
  }
  return all;
};

/** The same check on the source of truth: every booking stream folded with the booking decider. */
const eventStoreBookings = async (store: SqlEventStore): Promise<{ bookings: BookingView[]; events: number }> => {
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
const runnerLagP99 = (before: string, after: string, runner: string): number => {
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

const systemCpu = () => {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3] + (fields[4] ?? 0);
  return { idle, total: fields.reduce((a, b) => a + b, 0) };
};

/** CPU ticks used so far by this process, by PostgreSQL (every client's backends) and by Java (the Kafka broker), from /proc. */
const cpuByGroup = (): Record<string, number> => {
  const groups: Record<string, number> = { bench: 0, postgres: 0, java: 0 };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const group = Number(entry) === process.pid ? 'bench' : comm === 'postgres' ? 'postgres' : comm === 'java' ? 'java' : null;
    if (!group) continue;
    groups[group] += Number(fields[11]) + Number(fields[12]); // utime, stime
    // Backends that ended are in the postmaster's cutime and cstime (the app's pool replaces connections often).
    if (group === 'postgres') groups[group] += Number(fields[13]) + Number(fields[14]);
  }
  return groups;
};

const runPgbench = async (url: string, seconds: number, cleanup: Cleanup): Promise<{ tps: number; db: string }> => {
  const u = new URL(url);
  const env = { ...process.env, ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}) };
  const common = ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
  const adminDb = u.pathname.slice(1) || 'postgres';
  const db = `kairos_pgbench_${randomBytes(5).toString('hex')}`;
  const psql = (sqlText: string) => run('psql', [...common, '-d', adminDb, '-v', 'ON_ERROR_STOP=1', '-qc', sqlText], { env });
  await psql(`create database ${db}`);
  const drop = cleanup.add(`drop database ${db}`, () => psql(`drop database if exists ${db} with (force)`));
  try {
    log(`pgbench -i -s 10 ${db}`);
    await run('pgbench', [...common, '-i', '-s', '10', '-q', db], { env });
    log(`pgbench -b simple-update -c 50 -j 2 -T ${seconds}`);
    const out = await run('pgbench', [...common, '-b', 'simple-update', '-c', '50', '-j', '2', '-T', String(seconds), db], { env });
    const m = /tps = ([\d.]+)/.exec(out);
    if (!m) throw new Error(`no tps in pgbench output:\n${out}`);
    return { tps: Number(m[1]), db };
  } finally {
    await drop();
  }
};

const main = async () => {
  const seconds = Number(process.env.BENCH_SECONDS ?? 30);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`BENCH_SECONDS must be a positive number, got ${process.env.BENCH_SECONDS}`);
  for (const [name, value] of [['BENCH_CLIENTS', CLIENTS], ['BENCH_POOL_SIZE', POOL_SIZE]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
  }
  const profiling = process.env.BENCH_PROFILE === '1';
  const url = process.env.KAIROS_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const cleanup = new Cleanup();
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: cleaning up`);
    void cleanup.all().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const brokers = await startKafka(cleanup);

    // The app on a scratch schema, as test/harness.ts builds it, with the pool size main.ts uses (20).
    const schema = `bench_bookings_${randomBytes(5).toString('hex')}`;
    const sql = new PgClient({ url, schema, poolSize: POOL_SIZE });
    const eventStore = new SqlEventStore(sql);
    const publisher = new KafkaPublisher({ brokers });
    const config: KairosConfig = {
      ...loadConfig({}),
      eventStore: 'postgres',
      readStore: 'postgres',
      publisher: 'kafka',
      postgresUrl: url,
      kafkaBrokers: brokers,
      postgresSchema: schema,
      roles: ['api', 'projector', 'publisher'],
      runners: process.env.BENCH_RUNNERS === 'inline' ? 'inline' : 'worker',
      maxConcurrentRequests: MAX_CONCURRENT,
    };
    const sqlReadStore = new SqlReadStore(sql);
    const leases = await runnerLeases(config, sqlReadStore);
    const stores: Stores = {
      eventStore,
      // Wrapped as openStores wraps it: this process runs the projector, so it keeps the read cache.
      readStore: withReadCache(sqlReadStore, config),
      publisher,
      leases,
      close: async () => {
        await leases.close();
        await publisher.close();
        await eventStore.close().catch(() => undefined);
        try {
          await sql.query(`drop schema if exists ${ident(schema)} cascade`);
        } finally {
          await sql.close();
        }
      },
    };
    const closeStores = cleanup.add(`drop schema ${schema}`, () => stores.close());
    await eventStore.init();
    const app = await createApp(config, stores, { clock: () => NOW });
    const closeApp = cleanup.add('close the app', () => app.close());
    const profile = profiling ? instrument(sql, app, sqlReadStore, eventStore) : null;
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as AddressInfo).port;
    const tenant = `bench_${randomBytes(5).toString('hex')}`;
    const client = new Client(port, tenant);
    cleanup.add('close the HTTP client', async () => client.close());
    log(`app on :${port}, schema ${schema}, tenant ${tenant}`);

    const seedStart = performance.now();
    const seed = await seedTenant(client, tenant);
    await publisher.ping(); // creates the topics before the consumer subscribes
    log(`seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    // Unloaded baseline (profile mode): creates one at a time show the cost without queueing.
    const sequential: number[] = [];
    if (profile) {
      profile.reset();
      for (let i = 0; i < 100; i++) {
        const start = london(WEEKDAYS[i % WEEKDAYS.length], 8 * 60 + 30 * (i % 24));
        const begin = performance.now();
        const a = await client.ok('POST', '/v1/bookings', { serviceId: seed.serviceB, slot: { start: iso(start), end: iso(start + 60 * MINUTE) }, contactId: randomUUID() }).catch(() => null);
        sequential.push(performance.now() - begin);
        if (a?.status === 201) await client.ok('POST', `/v1/bookings/${(a.body as BookingView).id}/cancel`, {});
      }
      console.error('\nsequential (1 client) per route, before the load:');
      for (const [route, r] of profile.routes) {
        console.error(
          `  ${route.padEnd(48)} n=${String(r.count).padStart(5)} server ${(r.serverMs / r.count).toFixed(2)} ms, ${(r.queries / r.count).toFixed(1)} SQL, ${(r.transactions / r.count).toFixed(2)} tx, db ${(r.dbMs / r.count).toFixed(2)} ms, pool wait ${(r.poolWaitMs / r.count).toFixed(2)} ms`,
        );
      }
      profile.reset();
    }

    const cpuProfile = process.env.BENCH_CPU_PROFILE ? windowProfiler(process.env.BENCH_CPU_PROFILE) : null;
    const metricsBefore = (await client.ok('GET', '/metrics')).text;
    const worker = new Worker(__filename, { workerData: { port, brokers, seconds, clients: CLIENTS, seed } satisfies WorkerInput });
    const terminateWorker = cleanup.add('stop the load worker', () => worker.terminate());
    const window: { elu?: number; systemBusy?: number; proc?: NodeJS.CpuUsage; background?: DbStats; groups?: Record<string, number>; ticks?: number; busyTicks?: number; opened?: number; failures?: [string, number][]; runners?: [string, RunnerStats][]; reads?: { calls: number; events: number } } = {};
    const stopSampling = cleanup.add('stop sampling', async () => {
      loadStats.delay.disable();
      if (loadStats.waitTimer) clearInterval(loadStats.waitTimer);
    });
    const result = await new Promise<WorkerResult>((resolveResult, reject) => {
      let started = false;
      let done = false;
      let elu0: EventLoopUtilization;
      let profileWritten: Promise<void> = Promise.resolve();
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready' && !started) {
          started = true;
          log(`load: ${CLIENTS} clients for ${seconds} s`);
          loadStats.loadAvg = loadavg()[0];
          elu0 = performance.eventLoopUtilization();
          loadStats.cpu0 = systemCpu();
          loadStats.groups0 = cpuByGroup();
          loadStats.proc0 = process.cpuUsage();
          loadStats.delay.enable();
          loadStats.waitTimer = profile ? setInterval(() => loadStats.waiting.push(profile.waiting()), 50) : undefined;
          if (cpuProfile) cpuProfile.start();
          worker.postMessage('go');
        } else if (message.type === 'loaded') {
          // The load window ends when the clients stop; the lag probes and the Kafka drain come after.
          window.elu = performance.eventLoopUtilization(elu0).utilization;
          const cpu1 = systemCpu();
          window.systemBusy = 1 - (cpu1.idle - loadStats.cpu0!.idle) / (cpu1.total - loadStats.cpu0!.total);
          window.proc = process.cpuUsage(loadStats.proc0);
          const groups1 = cpuByGroup();
          window.groups = Object.fromEntries(Object.entries(groups1).map(([g, t]) => [g, t - (loadStats.groups0?.[g] ?? 0)]));
          window.ticks = cpu1.total - loadStats.cpu0!.total;
          window.busyTicks = window.ticks - (cpu1.idle - loadStats.cpu0!.idle);
          window.background = profile ? { ...profile.background } : undefined;
          window.opened = profile?.connections.opened;
          window.runners = profile ? [...profile.runners].map(([name, r]) => [name, { ...r }]) : undefined;
          window.reads = profile ? { ...profile.reads } : undefined;
          window.failures = profile ? [...profile.failures] : undefined;
          void stopSampling();
          if (cpuProfile) profileWritten = cpuProfile.stop();
        } else if (message.type === 'done') {
          done = true;
          profileWritten.then(() => resolveResult(message.result), reject);
        } else if (message.type === 'failed') reject(new Error(`load worker failed: ${message.error}`));
      });
      worker.on('error', reject);
      worker.on('exit', (code) => {
        if (!done) reject(new Error(`load worker exited with ${code} before reporting`));
      });
    });
    const systemBusy = window.systemBusy!;
    const proc = window.proc!;
    loadStats.elu = window.elu!;
    await terminateWorker();
    const metricsAfter = (await client.ok('GET', '/metrics')).text;
    log(`load done in ${(result.elapsedMs / 1000).toFixed(1)} s; checking`);

    // Correctness: the read model (at the last write's position) and the event store.
    const listed = await readModelBookings(client, result.lastPosition);
    const readModel = violations(listed.flatMap((b) => heldOf(b) ?? []));
    const listedIds = new Set(listed.map((b) => b.id));
    const activeIds = new Set(result.active);
    const mismatches = [...activeIds].filter((id) => !listedIds.has(id)).length + [...listedIds].filter((id) => !activeIds.has(id)).length;
    const fromStore = await eventStoreBookings(eventStore);
    const storeHeld = fromStore.bookings.flatMap((b) => heldOf(b) ?? []);
    const store = violations(storeHeld);
    const profileRoutes = profile ? [...profile.routes] : [];
    const background = window.background;

    await closeApp();
    await closeStores();
    // Kafka is idle from here; stopping it first gives pgbench the machine to itself.
    await cleanup.all();
    const pgbench = await runPgbench(url, seconds, cleanup);

    // Report.
    const ops = result.ops;
    const creates = ['create-appt', 'create-hot', 'create-room', 'create-class'] as const;
    const sum = (field: keyof Omit<OpStats, 'latencies'>, which: readonly Op[] = OPS) => which.reduce((n, op) => n + ops[op][field], 0);
    const latencies = OPS.flatMap((op) => ops[op].latencies);
    const requests = latencies.length;
    const bookingsPerSec = (sum('ok', creates) / result.elapsedMs) * 1000;
    const p50Ms = p(latencies, 50);
    const p99Ms = p(latencies, 99);
    const errors = sum('errors');
    const doubleBookings = readModel.total;
    const projectionLagP99Ms = p(result.projectionLags, 99);
    const kafkaLagP99Ms = result.kafkaMissing > 0 ? Infinity : p(result.kafkaLags, 99);
    const bookingsTarget = { atLeast: BOOKINGS_PER_PGBENCH_TPS * pgbench.tps };

    const rows: Row[] = [
      { metric: 'bookingsPerSec (creates; ≥ 30 % of pgbench)', value: bookingsPerSec, unit: '/s', target: bookingsTarget },
      { metric: 'pgbench simple-update -c 50 -j 2', value: pgbench.tps, unit: 'tps' },
      { metric: 'requests (all ops)', value: (requests / result.elapsedMs) * 1000, unit: 'req/s' },
      { metric: 'latency p50 (all ops)', value: p50Ms, unit: 'ms' },
      { metric: 'latency p99 (all ops)', value: p99Ms, unit: 'ms', target: P99_TARGET },
      { metric: 'errors (not 2xx, 409 slot-taken, 422 capacity)', value: errors, unit: 'requests', target: ERRORS_TARGET },
      { metric: 'doubleBookings (read model)', value: doubleBookings, unit: `of ${listed.length}`, target: DOUBLE_BOOKINGS_TARGET },
      { metric: 'doubleBookings (event store)', value: store.total, unit: `of ${storeHeld.length}`, target: DOUBLE_BOOKINGS_TARGET },
      { metric: 'read model vs clients\' own bookings', value: mismatches, unit: 'differ', target: { atMost: 0 } },
      { metric: 'projectionLagP99Ms (write → GET sees it)', value: projectionLagP99Ms, unit: `ms (p50 ${p(result.projectionLags, 50).toFixed(1)}, n=${result.projectionLags.length})`, target: PROJECTION_LAG_TARGET },
      { metric: '  projection probe GETs (not in the latencies)', value: result.probeRequests, unit: `requests, ${result.probeErrors} failed, ${result.probeTimeouts} timed out` },
      { metric: '  bookings runner lag p99 (server, bucket)', value: runnerLagP99(metricsBefore, metricsAfter, 'bookings'), unit: 'ms ≤' },
      { metric: 'kafkaLagP99Ms (write → consumer)', value: kafkaLagP99Ms, unit: `ms (p50 ${p(result.kafkaLags, 50).toFixed(1)}, n=${result.kafkaLags.length}, missing ${result.kafkaMissing})`, target: KAFKA_LAG_TARGET },
      { metric: '  publisher runner lag p99 (server, bucket)', value: runnerLagP99(metricsBefore, metricsAfter, 'publisher:kafka'), unit: 'ms ≤' },
      { metric: 'app event loop utilization (main thread)', value: loadStats.elu * 100, unit: '%' },
      { metric: 'app event loop delay p99', value: loadStats.delay.percentile(99) / 1e6, unit: 'ms' },
      { metric: 'bench process CPU (app + load worker)', value: ((proc.user + proc.system) / 1e6 / (result.elapsedMs / 1000)) * 100, unit: '% of one core' },
      { metric: `machine CPU busy (${cpus().length} cores)`, value: systemBusy * 100, unit: '%' },
      {
        // /proc/stat counts every core, so its ticks over the window are cores × seconds.
        metric: 'CPU in the load window: bench / postgres / kafka / other',
        value: (window.groups!.bench / window.ticks!) * 100 * cpus().length,
        unit: `% / ${((window.groups!.postgres / window.ticks!) * 100 * cpus().length).toFixed(0)} % / ${((window.groups!.java / window.ticks!) * 100 * cpus().length).toFixed(0)} % / ${(((window.busyTicks! - window.groups!.bench - window.groups!.postgres - window.groups!.java) / window.ticks!) * 100 * cpus().length).toFixed(0)} % of one core`,
      },
      { metric: 'machine load average (1 min) as the load began', value: loadStats.loadAvg, unit: `(${cpus().length} cores; other work skews every figure)` },
    ];
    if (profile) {
      const waiting = loadStats.waiting;
      rows.push({ metric: 'pool: requests waiting for a connection (mean / max)', value: waiting.reduce((a, b) => a + b, 0) / Math.max(1, waiting.length), unit: `/ ${Math.max(0, ...waiting)}` });
      rows.push({ metric: 'create one at a time (no load) p50 / p99', value: p(sequential, 50), unit: `ms / ${p(sequential, 99).toFixed(1)} ms` });
    }
    if (result.errorSamples.length > 0) {
      console.error('\nerror samples:');
      for (const sample of result.errorSamples) console.error(`  ${sample}`);
    }
    if (profile) {
      console.error('\nper route under load (mean per request):');
      for (const [route, r] of profileRoutes.sort((a, b) => b[1].count - a[1].count)) {
        console.error(
          `  ${route.padEnd(48)} n=${String(r.count).padStart(5)} server ${(r.serverMs / r.count).toFixed(2)} ms, ${(r.queries / r.count).toFixed(1)} SQL, ${(r.transactions / r.count).toFixed(2)} tx, db ${(r.dbMs / r.count).toFixed(2)} ms, pool wait ${(r.poolWaitMs / r.count).toFixed(2)} ms`,
        );
      }
      if (background) {
        const perSec = (n: number) => ((n / result.elapsedMs) * 1000).toFixed(1);
        const requestSql = profileRoutes.reduce((n, [, r]) => n + r.queries, 0);
        console.error(
          `  runners (outside requests): ${perSec(background.queries)} SQL/s, ${perSec(background.transactions)} tx/s, pool wait ${perSec(background.poolWaitMs)} ms/s; requests: ${perSec(requestSql)} SQL/s`,
        );
        for (const [name, r] of window.runners ?? []) {
          console.error(
            `  runner ${name.padEnd(18)} ${perSec(r.events)} events/s in ${perSec(r.batches)} batches/s (${(r.events / Math.max(1, r.batches)).toFixed(1)} per batch), ${(r.queries / Math.max(1, r.events)).toFixed(2)} SQL/event, busy ${((r.applyMs / result.elapsedMs) * 100).toFixed(0)} % of the time in applyBatch`,
          );
        }
        if (window.reads) console.error(`  readAll: ${perSec(window.reads.calls)} calls/s returning ${perSec(window.reads.events)} events/s (every runner reads the log itself)`);
        console.error(
          `  new PostgreSQL connections: ${perSec(window.opened ?? 0)}/s; failed statements: ${(window.failures ?? []).map(([code, n]) => `${code} ${perSec(n)}/s`).join(', ') || 'none'}`,
        );
      }
    }
    const summary = {
      bookingsPerSec: round(bookingsPerSec),
      p50Ms: round(p50Ms, 3),
      p99Ms: round(p99Ms, 3),
      doubleBookings,
      doubleBookingsEventStore: store.total,
      readModelMismatches: mismatches,
      pgbenchTps: round(pgbench.tps),
      projectionLagP99Ms: round(projectionLagP99Ms, 3),
      kafkaLagP99Ms: Number.isFinite(kafkaLagP99Ms) ? round(kafkaLagP99Ms, 3) : null,
      kafkaMissing: result.kafkaMissing,
      errors,
      requests,
      creates: sum('ok', creates),
      slotTaken: sum('slotTaken'),
      capacityExceeded: sum('capacityExceeded'),
      cancels: ops.cancel.ok,
      reschedules: ops.reschedule.ok,
      seconds: round(result.elapsedMs / 1000),
      clients: CLIENTS,
      poolSize: POOL_SIZE,
      loadAvgAtStart: round(loadStats.loadAvg),
      events: fromStore.events,
      targetsMet: {
        bookingsPerSec: meets(bookingsPerSec, bookingsTarget),
        p99Ms: meets(p99Ms, P99_TARGET),
        doubleBookings: meets(doubleBookings, DOUBLE_BOOKINGS_TARGET) && meets(store.total, DOUBLE_BOOKINGS_TARGET),
        projectionLagP99Ms: meets(projectionLagP99Ms, PROJECTION_LAG_TARGET),
        kafkaLagP99Ms: meets(kafkaLagP99Ms, KAFKA_LAG_TARGET),
        errors: errors === 0,
      },
    };
    const byOp = OPS.map((op) => {
      const o = ops[op];
      const ms = (q: number) => (o.latencies.length > 0 ? p(o.latencies, q).toFixed(1) : '-');
      return [op, String(o.latencies.length), String(o.ok), String(o.slotTaken), String(o.capacityExceeded), String(o.errors), ms(50), ms(99)];
    });
    console.log(formatTable(['operation', 'requests', 'ok', '409 slot-taken', '422 capacity', 'errors', 'p50 ms', 'p99 ms'], byOp, [false, true, true, true, true, true, true, true]));
    console.log();
    printReport(`bookings benchmark: PostgreSQL + Kafka, ${CLIENTS} clients, ${seconds} s, pool ${POOL_SIZE}`, rows, summary);
  } finally {
    await cleanup.all();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
};

/** Set by SIGINT or SIGTERM: what fails while cleaning up after one is not news. */
let interrupted = false;

const loadStats: {
  elu: number;
  delay: ReturnType<typeof monitorEventLoopDelay>;
  cpu0?: { idle: number; total: number };
  groups0?: Record<string, number>;
  proc0?: NodeJS.CpuUsage;
  waiting: number[];
  waitTimer?: NodeJS.Timeout;
  loadAvg: number;
} = { loadAvg: NaN, elu: NaN, delay: monitorEventLoopDelay({ resolution: 10 }), waiting: [] };

if (isMainThread) {
  main()
    .catch((error: unknown) => {
      if (!interrupted) console.error(error);
      process.exitCode = 1;
    })
    .finally(() => {
      // Everything is closed by now; a client library's stray timer must not keep the benchmark alive.
      setTimeout(() => {
        log('exiting with handles still open');
        process.exit();
      }, 5000).unref();
    });
} else {
  runWorker(workerData as WorkerInput).catch((error: unknown) => {
    parentPort!.postMessage({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies FromWorker);
  });
}
