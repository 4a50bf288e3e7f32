/**
 * Availability latency on the embedded default (PGlite in a temporary folder, one process): an
 * APPOINTMENT service over N staff and one room, seeded through the HTTP API so that the projections
 * build the availability windows for real, then
 *  - the pure engine (`windowCalendars` + `availability`) on windows already read from the read store,
 *    for random 1..31-day ranges within March 2026 and for the full month;
 *  - POST /v1/availability/query end to end over a real socket, one sequential client, full month;
 *  - a breakdown of where a query's time goes (read-store round trips, own calendars, links, slots, JSON).
 * Runs 10 staff (the targets) and 50 staff; every run has a database of its own, removed at the end.
 *
 * Progress and GC summaries go to stderr. KAIROS_BENCH_STAFF=10 runs one shape only;
 * KAIROS_BENCH_CPU_PROFILE=<dir> writes a .cpuprofile of each timed loop. On a shared machine, read
 * the CPU-time rows next to the wall-clock ones: wall-clock tails include time spent waiting for a core.
 */
import 'reflect-metadata';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector';
import { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, constants as perfConstants, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { INestApplication } from '@nestjs/common';
import {
  AvailabilityData,
  Slot,
  SlotQuery,
  WindowsSnapshot,
  availability,
  calendarWindow,
  effectiveCalendar,
  windowCalendars,
} from '@kairos/availability';
import { ReadStore } from '@kairos/read-store';
import { workingIntervals } from '@kairos/scheduling';
import { BOOKING_POLICIES, BookingPolicyFields, DEFAULT_BOOKING_POLICY, SERVICES, ServiceView } from '@kairos/services';
import { readWindows } from '../apps/kairos/src/availability/windows-reader';
import { createApp } from '../apps/kairos/src/bootstrap';
import { loadConfig } from '../apps/kairos/src/config/config';
import { Stores, openStores } from '../apps/kairos/src/infrastructure/stores';
import { Metrics } from '../apps/kairos/src/ops/metrics';
import { gatherSchedules, serviceInfoOf } from '../apps/kairos/src/availability/availability-inputs';
import { Row, percentile, printReport } from './report';

const NOW = new Date('2026-03-01T00:00:00Z');
const MONTH_FROM = Date.UTC(2026, 2, 1);
const DAYS = 31;
const DAY_MS = 24 * 60 * 60 * 1000;
const MONTH_TO = MONTH_FROM + DAYS * DAY_MS;
const ZONE = 'Europe/London';
const TENANT = 'bench';
const SEED_BATCH = 20;
const SESSIONS_PER_STAFF_DAY = 6;
const ROOM_SESSIONS_PER_DAY = 2;
const HTTP_LIMIT = 500;

const ENGINE_P50 = { atMost: 1 };
const ENGINE_P99 = { atMost: 5 };
const HTTP_P50 = { atMost: 5 };
const HTTP_P99 = { atMost: 20 };

interface RunPlan {
  staff: number;
  engineQueries: number;
  fullMonthQueries: number;
  httpQueries: number;
  breakdownQueries: number;
}

const PLANS: RunPlan[] = [
  { staff: 10, engineQueries: 1000, fullMonthQueries: 200, httpQueries: 500, breakdownQueries: 200 },
  { staff: 50, engineQueries: 1000, fullMonthQueries: 200, httpQueries: 500, breakdownQueries: 100 },
];

/** KAIROS_BENCH_STAFF=10 runs one shape only (for profiling); the default runs both. */
const plansToRun = (): RunPlan[] => {
  const wanted = process.env.KAIROS_BENCH_STAFF?.split(',').map(Number);
  return wanted ? PLANS.filter((p) => wanted.includes(p.staff)) : PLANS;
};

/** Deterministic, so every run seeds the same calendars. */
const mulberry32 = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const pad = (n: number) => String(n).padStart(2, '0');
const hhmm = (minutes: number) => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
const localDay = (day: number) => `2026-03-${pad(day + 1)}`;

class Client {
  constructor(private readonly base: string) {}

  async call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; position: number | null; bytes: number }> {
    const res = await fetch(this.base + path, {
      method,
      headers: { 'content-type': 'application/json', 'kairos-tenant': TENANT },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const position = res.headers.get('kairos-position');
    return { status: res.status, body: text ? (JSON.parse(text) as T) : (undefined as T), position: position === null ? null : Number(position), bytes: text.length };
  }

  async ok<T = any>(method: string, path: string, body?: unknown): Promise<{ body: T; position: number }> {
    const res = await this.call<T>(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return { body: res.body, position: res.position ?? 0 };
  }
}

/** Runs the calls `size` at a time; answers the highest position written. */
const inBatches = async (calls: (() => Promise<{ position: number }>)[], size: number): Promise<number> => {
  let position = 0;
  for (let i = 0; i < calls.length; i += size) {
    const results = await Promise.all(calls.slice(i, i + size).map((call) => call()));
    for (const r of results) position = Math.max(position, r.position);
  }
  return position;
};

interface Seeded {
  serviceId: string;
  sessions: number;
  lastPosition: number;
  seedSeconds: number;
}

const seed = async (client: Client, staffCount: number): Promise<Seeded> => {
  const started = performance.now();
  const random = mulberry32(20260301 + staffCount);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

  await client.ok('POST', '/v1/booking-policies', { name: 'Bench: a month ahead', isDefault: true, earliestBookingMinutes: null });

  // The room works the business hours, through the FREE link every usesBusinessHours resource gets.
  const room = (await client.ok('POST', '/v1/resources', { type: 'ROOM', name: 'Room 1', usesBusinessHours: true })).body;
  const business = (await client.ok('GET', '/v1/schedules/business')).body;
  await client.ok('PATCH', `/v1/schedules/${business.id}`, {
    timeZone: ZONE,
    workingHours: [{ daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], startTime: '08:00', endTime: '20:00' }],
  });

  // Staff: Mon–Sat, starts 08:30–10:00 and ends 17:30–19:00 in London; every third works a short Saturday.
  const staff: { id: string; scheduleId: string; startMin: number; endMin: number }[] = [];
  const created = await Promise.all(
    Array.from({ length: staffCount }, (_, i) => client.ok('POST', '/v1/resources', { type: 'STAFF', name: `Staff ${i + 1}` })),
  );
  const hours = created.map((c, i) => {
    const startMin = 9 * 60 + ((i % 4) - 1) * 30;
    const endMin = 18 * 60 + ((i % 3) - 1) * 30 + (i % 5 === 0 ? 60 : 0);
    return { id: c.body.id as string, scheduleId: c.body.scheduleId as string, startMin, endMin };
  });
  staff.push(...hours);
  await inBatches(
    staff.map((s, i) => () =>
      client.ok('PATCH', `/v1/schedules/${s.scheduleId}`, {
        timeZone: ZONE,
        workingHours:
          i % 3 === 0
            ? [
                { daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: hhmm(s.startMin), endTime: hhmm(s.endMin) },
                { daysOfWeek: ['SAT'], startTime: '09:00', endTime: '14:00' },
              ]
            : [{ daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], startTime: hhmm(s.startMin), endTime: hhmm(s.endMin) }],
      }),
    ),
    SEED_BATCH,
  );

  const service = (
    await client.ok('POST', '/v1/services', {
      name: 'Consultation',
      type: 'APPOINTMENT',
      sessionDurations: [30],
      slotSplitIntervalMinutes: 15,
      bufferBeforeMinutes: 10,
      bufferAfterMinutes: 10,
      timeZone: ZONE,
      resourceGroups: [
        { resourceIds: staff.map((s) => s.id), requiredCount: 1, selectable: true },
        { resourceIds: [room.id], requiredCount: 1, selectable: false },
      ],
    })
  ).body;

  // Busy EVENT sessions: the working day cut into 6 stretches, one 30–60 minute session somewhere in
  // each, with its own buffers of 0–15 minutes kept inside the stretch (a resource's busy sessions
  // may not overlap, buffers included); every day of the month, Sundays included.
  const sessions: (() => Promise<{ position: number }>)[] = [];
  for (let day = 0; day < DAYS; day++) {
    for (const s of staff) {
      const stretch = Math.floor((s.endMin - s.startMin) / SESSIONS_PER_STAFF_DAY);
      for (let k = 0; k < SESSIONS_PER_STAFF_DAY; k++) {
        const bufferBeforeMinutes = int(0, 15);
        const bufferAfterMinutes = int(0, 15);
        const length = Math.min(int(6, 12) * 5, stretch - bufferBeforeMinutes - bufferAfterMinutes);
        const slack = stretch - length - bufferBeforeMinutes - bufferAfterMinutes;
        const start = s.startMin + k * stretch + bufferBeforeMinutes + int(0, Math.floor(slack / 5)) * 5;
        const body = {
          type: 'EVENT',
          localStart: `${localDay(day)}T${hhmm(start)}`,
          localEnd: `${localDay(day)}T${hhmm(start + length)}`,
          bufferBeforeMinutes,
          bufferAfterMinutes,
        };
        sessions.push(() => client.ok('POST', `/v1/schedules/${s.scheduleId}/sessions`, body));
      }
    }
    // A couple of room holds a day (cleaning, maintenance), 30 minutes each.
    for (let k = 0; k < ROOM_SESSIONS_PER_DAY; k++) {
      const start = 8 * 60 + k * 6 * 60 + int(0, 60) * 5;
      const body = { type: 'EVENT', localStart: `${localDay(day)}T${hhmm(start)}`, localEnd: `${localDay(day)}T${hhmm(start + 30)}`, timeZone: ZONE };
      sessions.push(() => client.ok('POST', `/v1/schedules/${room.scheduleId}/sessions`, body));
    }
  }
  const lastPosition = await inBatches(sessions, SEED_BATCH);

  // Read your writes: the query waits (up to 5 s a projection) for minPosition; retry while it still lags.
  const deadline = Date.now() + 300_000;
  for (;;) {
    const res = await client.call('POST', '/v1/availability/query', {
      serviceId: service.id,
      from: new Date(MONTH_FROM).toISOString(),
      to: new Date(MONTH_TO).toISOString(),
      minPosition: lastPosition,
      limit: 1,
    });
    if (res.status === 200) break;
    if (res.status !== 503 || Date.now() > deadline) throw new Error(`projections did not catch up: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return { serviceId: service.id, sessions: sessions.length, lastPosition, seedSeconds: (performance.now() - started) / 1000 };
};

type EngineBase = Omit<AvailabilityData, 'ownCalendar'>;

/** What the query handler reads before the windows, with the app's own helpers and in its order. */
const gather = async (readStore: ReadStore, tenant: string, serviceId: string): Promise<EngineBase> => {
  for (const projection of ['services', 'resources', 'scheduling', 'availability', 'bookings']) await readStore.checkpoint(projection);
  const service = (await readStore.get<ServiceView>(SERVICES, tenant, serviceId))!;
  const { schedules, resourceSchedules } = await gatherSchedules(readStore, tenant, service);
  const defaults = await readStore.find<BookingPolicyFields & { id: string }>(BOOKING_POLICIES, tenant, { where: { isDefault: true, deletedAt: null }, limit: 1 });
  return {
    service: serviceInfoOf(service),
    policy: defaults.items[0] ?? DEFAULT_BOOKING_POLICY,
    schedules,
    resourceSchedules,
    // An appointment service has no class sessions, so no seats, offers or waitlists to read.
    serviceSessions: [],
    booked: new Map(),
    offers: new Map(),
    waitlists: new Map(),
  };
};

const slotQuery = (from: number, to: number): SlotQuery => ({ now: NOW.getTime(), from, to, timeZone: ZONE, partySize: 1, includeUnbookable: false });

/** The engine's cost: own calendars from the windows, links, slots. Nothing async, nothing read. */
const runEngine = (base: EngineBase, snapshot: WindowsSnapshot, from: number, to: number): Slot[] => {
  const window = calendarWindow({ from, to });
  return availability({ ...base, ownCalendar: windowCalendars(base.schedules, snapshot, window) }, slotQuery(from, to));
};

/** The app's own request histogram for the availability route: seconds summed, and requests. */
const serverSeconds = async (app: INestApplication) => {
  const { values } = await app.get(Metrics).httpDuration.get();
  const mine = (name: string) =>
    values.filter((v) => v.metricName === name && v.labels.route === '/v1/availability/query' && v.labels.status === '200').reduce((sum, v) => sum + v.value, 0);
  return { sum: mine('kairos_http_request_duration_seconds_sum'), count: mine('kairos_http_request_duration_seconds_count') };
};

/** Progress goes to stderr: stdout holds only the report. */
const progress = (message: string) => process.stderr.write(`[availability bench] ${message}\n`);

/** GC pauses (major and minor) as they happen, to tell collector pauses from work in the tails. */
const gcPauses: { start: number; end: number; kind: number }[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcPauses.push({ start: entry.startTime, end: entry.startTime + entry.duration, kind: (entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0 });
  }
});

const gcSummary = (pauses: { start: number; end: number; kind: number }[]) => {
  const kinds: [number, string][] = [
    [perfConstants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
    [perfConstants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
    [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
    [perfConstants.NODE_PERFORMANCE_GC_WEAKCB, 'weak callbacks'],
  ];
  return kinds
    .map(([kind, name]) => {
      const of = pauses.filter((p) => p.kind === kind);
      const ms = of.reduce((sum, p) => sum + p.end - p.start, 0);
      return `${name} ${of.length} (${ms.toFixed(0)} ms${of.length ? `, max ${Math.max(...of.map((p) => p.end - p.start)).toFixed(1)} ms` : ''})`;
    })
    .join(', ');
};

/** GC entries arrive after the synchronous loops that caused them; give the observer a turn. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * Durations of the iterations of a loop; how much of each was GC pauses (read after settle); and the
 * process CPU time of each, which the scheduler cannot stretch: on a shared machine the wall-clock
 * tails include time the process was not running at all.
 */
class Timings {
  private readonly spans: [number, number][] = [];
  readonly cpu: number[] = [];

  time<T>(fn: () => T): T {
    const c0 = cpuMs();
    const t0 = performance.now();
    const value = fn();
    this.spans.push([t0, performance.now()]);
    this.cpu.push(cpuMs() - c0);
    return value;
  }

  /** A span timed elsewhere, in epoch milliseconds (another thread's clock has another origin). */
  add(startEpochMs: number, endEpochMs: number, cpu: number) {
    this.spans.push([startEpochMs - performance.timeOrigin, endEpochMs - performance.timeOrigin]);
    this.cpu.push(cpu);
  }

  get ms(): number[] {
    return this.spans.map(([a, b]) => b - a);
  }

  get gc(): number[] {
    return this.spans.map(([a, b]) => gcPauses.reduce((sum, p) => sum + Math.max(0, Math.min(b, p.end) - Math.max(a, p.start)), 0));
  }
}

/**
 * The HTTP client: its own thread with plain node:http and keep-alive, timing from the request
 * sent to the last byte received, as load tools do. Decoding and parsing 170 KB of JSON is the
 * caller's work, not the endpoint's, and on the server's event loop it would be counted twice.
 */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { port, path, tenant, body, n } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const cpuMs = () => { const { user, system } = process.cpuUsage(); return (user + system) / 1000; };
const once = () => new Promise((resolve, reject) => {
  const c0 = cpuMs();
  const t0 = performance.timeOrigin + performance.now();
  const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent,
    headers: { 'content-type': 'application/json', 'kairos-tenant': tenant, 'content-length': Buffer.byteLength(body) } }, (res) => {
    let bytes = 0;
    res.on('data', (chunk) => (bytes += chunk.length));
    res.on('end', () => (res.statusCode === 200
      ? resolve([t0, performance.timeOrigin + performance.now(), cpuMs() - c0, bytes])
      : reject(new Error('answered ' + res.statusCode))));
  });
  req.on('error', reject);
  req.end(body);
});
(async () => {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await once());
  agent.destroy();
  parentPort.postMessage(out);
})().catch((error) => parentPort.postMessage({ error: String(error) }));
`;

const httpFromOtherThread = (port: number, path: string, body: unknown, n: number): Promise<[number, number, number, number][]> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT, { eval: true, workerData: { port, path, tenant: TENANT, body: JSON.stringify(body), n } });
    worker.once('message', (message: [number, number, number, number][] | { error: string }) => {
      void worker.terminate();
      if ('error' in message) reject(new Error(message.error));
      else resolve(message);
    });
    worker.once('error', reject);
  });

/** KAIROS_BENCH_CPU_PROFILE=<dir> writes a .cpuprofile of each timed phase (open in Chrome DevTools). */
const PROFILE_DIR = process.env.KAIROS_BENCH_CPU_PROFILE;
const profiled = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
  if (!PROFILE_DIR) return fn();
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await post('Profiler.stop');
    await writeFile(join(PROFILE_DIR, `availability-${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
};

const stats = (t: Timings) => {
  const ms = t.ms;
  const gc = t.gc;
  const withoutGc = ms.map((m, i) => m - gc[i]);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return {
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    p50NoGc: percentile(withoutGc, 50),
    p99NoGc: percentile(withoutGc, 99),
    gcShare: sum(gc) / sum(ms),
    cpuP50: percentile(t.cpu, 50),
    cpuP99: percentile(t.cpu, 99),
    /** Process CPU time over wall time: well below 1 for a synchronous loop means the process waited for a core. */
    cpuPerWall: sum(t.cpu) / sum(ms),
  };
};

const BY_LENGTH = [
  { label: '1 day', min: 1, max: 1 },
  { label: '2–7 days', min: 2, max: 7 },
  { label: '8–15 days', min: 8, max: 15 },
  { label: '16–31 days', min: 16, max: 31 },
];

interface RunResult {
  byLength: { label: string; count: number; p50: number }[];
  plan: RunPlan;
  seeded: Seeded;
  slotsFullMonth: number;
  engine: ReturnType<typeof stats>;
  engineFullMonth: ReturnType<typeof stats>;
  http: ReturnType<typeof stats>;
  /** Mean time inside the app (after body parsing, until the response finished), from its own metrics. */
  httpServerMeanMs: number;
  httpBytes: number;
  breakdown: Record<string, number>;
  busyBlocksFullMonth: number;
}

const run = async (root: string, plan: RunPlan): Promise<RunResult> => {
  const config = { ...loadConfig({ KAIROS_DATA_DIR: join(root, `staff${plan.staff}`) }), port: 0 };
  const stores: Stores = await openStores(config);
  let app: INestApplication | undefined;
  try {
    app = await createApp(config, stores, { clock: () => NOW, logger: false });
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as AddressInfo).port;
    const client = new Client(`http://127.0.0.1:${port}`);
    const started = performance.now();
    progress(`${plan.staff} staff: seeding`);
    const seeded = await seed(client, plan.staff);
    progress(`seeded ${seeded.sessions} sessions in ${seeded.seedSeconds.toFixed(1)} s, engine`);
    const { readStore } = stores;
    const base = await gather(readStore, TENANT, seeded.serviceId);
    const scheduleIds = [...base.schedules.keys()];

    // Ranges: whole UTC days within March, 1..31 days long; each distinct range's windows read once, untimed.
    const random = mulberry32(7 + plan.staff);
    const ranges = Array.from({ length: plan.engineQueries }, () => {
      const days = 1 + Math.floor(random() * DAYS);
      const first = Math.floor(random() * (DAYS - days + 1));
      return { from: MONTH_FROM + first * DAY_MS, to: MONTH_FROM + (first + days) * DAY_MS };
    });
    // Queries of one range run together, right after its windows are read (untimed): holding every
    // range's snapshot at once would bloat the heap with hundreds of copies and time the collector.
    const byRange = new Map<string, { from: number; to: number; count: number }>();
    for (const { from, to } of ranges) {
      const group = byRange.get(`${from}|${to}`) ?? { from, to, count: 0 };
      group.count++;
      byRange.set(`${from}|${to}`, group);
    }
    const read = (from: number, to: number) => readWindows(readStore, TENANT, scheduleIds, calendarWindow({ from, to }));
    const fullSnapshot = await read(MONTH_FROM, MONTH_TO);
    const busyBlocksFullMonth = [...fullSnapshot.months.values()].reduce((n, b) => n + b.busy.length, 0);

    // Engine: warm up (JIT, zone offset tables), then the random mix, then the full month alone.
    for (const { from, to } of ranges.slice(0, 50)) runEngine(base, await read(from, to), from, to);
    await settle();
    const engine = new Timings();
    const full = new Timings();
    let slotsFullMonth = 0;
    const engineDays: number[] = [];
    const gcBefore = gcPauses.length;
    await profiled(`${plan.staff}staff-engine`, async () => {
      for (const { from, to, count } of byRange.values()) {
        const snapshot = await read(from, to);
        for (let i = 0; i < count; i++) {
          engine.time(() => runEngine(base, snapshot, from, to));
          engineDays.push((to - from) / DAY_MS);
        }
      }
      for (let i = 0; i < plan.fullMonthQueries; i++) slotsFullMonth = full.time(() => runEngine(base, fullSnapshot, MONTH_FROM, MONTH_TO)).length;
    });
    await settle();
    progress(`GC during the engine loops (reads between included): ${gcSummary(gcPauses.slice(gcBefore))}`);
    // How the engine's cost grows with the range: p50 per range length.
    const engineMs = engine.ms;
    const byLength = BY_LENGTH.map(({ label, min, max }) => {
      const of = engineMs.filter((_, i) => engineDays[i] >= min && engineDays[i] <= max);
      return { label, count: of.length, p50: of.length ? percentile(of, 50) : NaN };
    });

    // HTTP: one client in its own thread, sequential, over the socket; full month, one page of up to 500. The engine
    // loops held the event loop; the settle above let expired keep-alive timers close their sockets,
    // or the client would reuse a socket the server is about to drop (ECONNRESET).
    progress(`engine done (${((performance.now() - started) / 1000).toFixed(0)} s), HTTP`);
    const body = { serviceId: seeded.serviceId, from: new Date(MONTH_FROM).toISOString(), to: new Date(MONTH_TO).toISOString(), limit: HTTP_LIMIT };
    const first = await client.call<{ items: Slot[] }>('POST', '/v1/availability/query', body);
    if (first.status !== 200) throw new Error(`availability query answered ${first.status}: ${JSON.stringify(first.body)}`);
    const engineFirst = runEngine(base, fullSnapshot, MONTH_FROM, MONTH_TO).slice(0, HTTP_LIMIT);
    if (JSON.stringify(first.body.items) !== JSON.stringify(engineFirst)) throw new Error('the HTTP answer differs from the engine run on the windows');
    for (let i = 0; i < 20; i++) await client.call('POST', '/v1/availability/query', body);
    const http = new Timings();
    let httpBytes = 0;
    const serverBefore = await serverSeconds(app);
    const gcBeforeHttp = gcPauses.length;
    await profiled(`${plan.staff}staff-http`, async () => {
      for (const [start, end, cpu, bytes] of await httpFromOtherThread(port, '/v1/availability/query', body, plan.httpQueries)) {
        http.add(start, end, cpu);
        httpBytes = bytes;
      }
    });
    const serverAfter = await serverSeconds(app);
    const httpServerMeanMs = ((serverAfter.sum - serverBefore.sum) / (serverAfter.count - serverBefore.count)) * 1000;
    await settle();
    progress(`GC during the HTTP loop: ${gcSummary(gcPauses.slice(gcBeforeHttp))}`);

    progress('HTTP done, breakdown');
    const breakdown = await breakDown(readStore, base, seeded.serviceId, fullSnapshot, plan.breakdownQueries);
    return { plan, seeded, slotsFullMonth, byLength, engine: stats(engine), engineFullMonth: stats(full), http: stats(http), httpServerMeanMs, httpBytes, breakdown, busyBlocksFullMonth };
  } finally {
    await app?.close().catch(() => undefined);
    await stores.close();
  }
};

/**
 * Where a full-month query's time goes, phase by phase (medians, ms): the handler's read-store round
 * trips, the windows read, working-hours expansion, own calendars, links, the slot search, the page's JSON.
 */
const breakDown = async (readStore: ReadStore, base: EngineBase, serviceId: string, snapshot: WindowsSnapshot, n: number) => {
  const from = MONTH_FROM;
  const to = MONTH_TO;
  const window = calendarWindow({ from, to });
  const scheduleIds = [...base.schedules.keys()];
  const phases: Record<string, number[]> = {
    readsBeforeWindows: [],
    readWindows: [],
    workingHoursExpansion: [],
    ownCalendars: [],
    effectiveCalendars: [],
    linksAndSlots: [],
    pageJson: [],
  };
  const time = async <T>(phase: string, fn: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const value = await fn();
    phases[phase].push(performance.now() - t0);
    return value;
  };
  for (let i = 0; i < n; i++) {
    await time('readsBeforeWindows', () => gather(readStore, TENANT, serviceId));
    await time('readWindows', () => readWindows(readStore, TENANT, scheduleIds, window));
    await time('workingHoursExpansion', () => {
      for (const s of base.schedules.values()) workingIntervals(s.workingHours, s.timeZone, { from: new Date(window.from), to: new Date(window.to) });
    });
    const own = windowCalendars(base.schedules, snapshot, window);
    await time('ownCalendars', () => {
      for (const id of scheduleIds) own(id);
    });
    await time('effectiveCalendars', () => {
      for (const scheduleId of base.resourceSchedules.values()) effectiveCalendar(base.schedules.get(scheduleId)!, own);
    });
    // The rest of the engine on own calendars already built: links again, the slot search, slot objects.
    const slots = await time('linksAndSlots', () => availability({ ...base, ownCalendar: own }, slotQuery(from, to)));
    await time('pageJson', () => JSON.stringify({ items: slots.slice(0, HTTP_LIMIT), nextCursor: 'x' }));
  }
  return Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, percentile(v, 50)]));
};

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

const rowsOf = (r: RunResult, withTargets: boolean): Row[] => {
  const s = `${r.plan.staff} staff`;
  const t = <T>(target: T) => (withTargets ? target : undefined);
  const b = r.breakdown;
  return [
    { metric: `[${s}] seeded sessions (HTTP, ${SEED_BATCH} at a time)`, value: r.seeded.sessions, unit: 'sessions' },
    { metric: `[${s}] seeding + projection catch-up`, value: r.seeded.seedSeconds, unit: 's' },
    { metric: `[${s}] busy blocks in the full-month windows`, value: r.busyBlocksFullMonth, unit: 'blocks' },
    { metric: `[${s}] slots in the full month`, value: r.slotsFullMonth, unit: 'slots' },
    { metric: `[${s}] engine p50, ${r.plan.engineQueries} random 1–31 day ranges`, value: r.engine.p50, unit: 'ms', target: t(ENGINE_P50) },
    { metric: `[${s}] engine p99, ${r.plan.engineQueries} random 1–31 day ranges`, value: r.engine.p99, unit: 'ms', target: t(ENGINE_P99) },
    { metric: `[${s}] engine p99 less GC pauses, random ranges`, value: r.engine.p99NoGc, unit: 'ms' },
    ...r.byLength.map((b): Row => ({ metric: `[${s}] engine p50, ranges of ${b.label} (${b.count})`, value: b.p50, unit: 'ms' })),
    { metric: `[${s}] engine time in GC pauses, random ranges`, value: r.engine.gcShare * 100, unit: '%' },
    { metric: `[${s}] engine CPU time p50, random ranges`, value: r.engine.cpuP50, unit: 'ms' },
    { metric: `[${s}] engine CPU time p99, random ranges`, value: r.engine.cpuP99, unit: 'ms' },
    { metric: `[${s}] engine CPU time / wall time, random ranges`, value: r.engine.cpuPerWall, unit: 'ratio' },
    { metric: `[${s}] engine p50, full month x${r.plan.fullMonthQueries}`, value: r.engineFullMonth.p50, unit: 'ms', target: t(ENGINE_P50) },
    { metric: `[${s}] engine p99, full month x${r.plan.fullMonthQueries}`, value: r.engineFullMonth.p99, unit: 'ms', target: t(ENGINE_P99) },
    { metric: `[${s}] engine p99 less GC pauses, full month`, value: r.engineFullMonth.p99NoGc, unit: 'ms' },
    { metric: `[${s}] HTTP p50, full month, limit ${HTTP_LIMIT}, x${r.plan.httpQueries}`, value: r.http.p50, unit: 'ms', target: t(HTTP_P50) },
    { metric: `[${s}] HTTP p99, full month, limit ${HTTP_LIMIT}, x${r.plan.httpQueries}`, value: r.http.p99, unit: 'ms', target: t(HTTP_P99) },
    { metric: `[${s}] HTTP p99 less GC pauses`, value: r.http.p99NoGc, unit: 'ms' },
    { metric: `[${s}] HTTP mean inside the app (its metrics)`, value: r.httpServerMeanMs, unit: 'ms' },
    { metric: `[${s}] HTTP time in GC pauses`, value: r.http.gcShare * 100, unit: '%' },
    { metric: `[${s}] HTTP process CPU time / wall time`, value: r.http.cpuPerWall, unit: 'ratio' },
    { metric: `[${s}] HTTP response size`, value: r.httpBytes / 1024, unit: 'KiB' },
    { metric: `[${s}] breakdown p50: reads before windows (10 round trips)`, value: b.readsBeforeWindows, unit: 'ms' },
    { metric: `[${s}] breakdown p50: readWindows`, value: b.readWindows, unit: 'ms' },
    { metric: `[${s}] breakdown p50: working-hours expansion (all schedules)`, value: b.workingHoursExpansion, unit: 'ms' },
    { metric: `[${s}] breakdown p50: own calendars (incl. the expansion)`, value: b.ownCalendars, unit: 'ms' },
    { metric: `[${s}] breakdown p50: effective calendars (links)`, value: b.effectiveCalendars, unit: 'ms' },
    { metric: `[${s}] breakdown p50: links + slot search + slot objects`, value: b.linksAndSlots, unit: 'ms' },
    { metric: `[${s}] breakdown p50: JSON of a ${HTTP_LIMIT}-slot page`, value: b.pageJson, unit: 'ms' },
  ];
};

const summaryOf = (r: RunResult) => ({
  staff: r.plan.staff,
  days: DAYS,
  sessions: r.seeded.sessions,
  slots: r.slotsFullMonth,
  engineQueries: r.plan.engineQueries,
  engineP50Ms: round(r.engine.p50),
  engineP99Ms: round(r.engine.p99),
  engineFullMonthP50Ms: round(r.engineFullMonth.p50),
  engineFullMonthP99Ms: round(r.engineFullMonth.p99),
  engineGcShare: round(r.engine.gcShare),
  engineP50ByRangeMs: Object.fromEntries(r.byLength.map((b) => [b.label, round(b.p50)])),
  engineCpuP50Ms: round(r.engine.cpuP50),
  engineCpuP99Ms: round(r.engine.cpuP99),
  engineCpuPerWall: round(r.engine.cpuPerWall),
  httpQueries: r.plan.httpQueries,
  httpP50Ms: round(r.http.p50),
  httpP99Ms: round(r.http.p99),
  httpGcShare: round(r.http.gcShare),
  httpCpuPerWall: round(r.http.cpuPerWall),
  httpServerMeanMs: round(r.httpServerMeanMs),
  httpResponseBytes: r.httpBytes,
  seedSeconds: round(r.seeded.seedSeconds, 1),
  breakdownP50Ms: Object.fromEntries(Object.entries(r.breakdown).map(([k, v]) => [k, round(v)])),
});

const main = async () => {
  gcObserver.observe({ entryTypes: ['gc'] });
  const root = await mkdtemp(join(tmpdir(), 'kairos-availability-bench-'));
  const results: RunResult[] = [];
  try {
    for (const plan of plansToRun()) results.push(await run(root, plan));
  } finally {
    gcObserver.disconnect();
    await rm(root, { recursive: true, force: true });
  }
  const ten = results.find((r) => r.plan.staff === 10);
  const fifty = results.find((r) => r.plan.staff === 50);
  const rows = results.flatMap((r) => rowsOf(r, r === ten));
  const headline = ten ?? results[0];
  const summary = {
    ...summaryOf(headline),
    targetsMet:
      headline.engine.p50 <= ENGINE_P50.atMost &&
      headline.engine.p99 <= ENGINE_P99.atMost &&
      headline.http.p50 <= HTTP_P50.atMost &&
      headline.http.p99 <= HTTP_P99.atMost,
    ...(fifty && fifty !== headline ? { staff50: summaryOf(fifty) } : {}),
    loadAverage1m: round(loadavg()[0], 2),
  };
  printReport(`availability benchmark: pglite (embedded), ${DAYS} days from ${NOW.toISOString().slice(0, 10)}, clock pinned; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`, rows, summary);
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
