import { cpus } from 'node:os';
import { Row, formatTable, meets, printReport } from '../kit/report';
import { percentileOrNaN as p, round as roundTo } from '../kit/stats';
import { Held, runnerLagP99, violations } from './checks';
import { FloorRun } from './floor';
import { LoadWindow } from './load-window';
import { RouteStats, routeLine } from './profile';
import { CREATES, MIX, OPS, Op, OpStats } from './scenario';

const BOOKINGS_PER_PGBENCH_TPS = 0.3;
const RATIO_TO_FLOOR_TARGET = { atLeast: 0.08 };
const CPU_MS_PER_BOOKING_TARGET = { atMost: 7 };
const OPEN_LOOP_P99_TARGET = { atMost: 50 };
const DOUBLE_BOOKINGS_TARGET = { atMost: 0 };
const PROJECTION_LAG_TARGET = { atMost: 100 };
const KAFKA_LAG_TARGET = { atMost: 250 };
const ERRORS_TARGET = { atMost: 0 };

/** Rates and counts to the hundredth unless said otherwise. */
const round = (value: number, digits = 2) => roundTo(value, digits);

/** What the run found after the load: the stores' contents checked, and the yardstick. */
export interface Outcome {
  window: LoadWindow;
  /** Null when the floor server was not found or failed. */
  floor: FloorRun | null;
  pgbenchTps: number;
  /** Bookings listed by the read model, and what holds a resource or a seat among them. */
  listed: number;
  readModel: ReturnType<typeof violations>;
  storeHeld: Held[];
  store: ReturnType<typeof violations>;
  mismatches: number;
  /** Plan orders whose balance disagrees with the plan-paid bookings standing on them. */
  planBalances: number;
  /** Events in the log at the end. */
  events: number;
  profiling: boolean;
  profileRoutes: [string, RouteStats][];
  sequential: number[];
  clients: number;
  poolSize: number;
  seconds: number;
}

/** The per-operation table, the report table, then the JSON summary as the last line of stdout. */
export const reportBookings = (outcome: Outcome): void => {
  const { window, floor, pgbenchTps, listed, readModel, storeHeld, store, mismatches, planBalances, events, profiling, profileRoutes, sequential, clients, poolSize, seconds } = outcome;
  const { result } = window;
  const ops = result.ops;
  const creates = CREATES;
  const open = result.open;
  const sumOf = (stats: Record<Op, OpStats>, field: keyof Omit<OpStats, 'latencies'>, which: readonly Op[] = OPS) => which.reduce((n, op) => n + stats[op][field], 0);
  const sum = (field: keyof Omit<OpStats, 'latencies'>, which: readonly Op[] = OPS) => sumOf(ops, field, which);
  const latencies = OPS.flatMap((op) => ops[op].latencies);
  const requests = latencies.length;
  const created = sum('ok', creates);
  const bookingsPerSec = (created / result.elapsedMs) * 1000;
  const p50Ms = p(latencies, 50);
  const p99Ms = p(latencies, 99);
  const openLatencies = OPS.flatMap((op) => open.ops[op].latencies);
  const openLoopP50Ms = p(openLatencies, 50);
  const openLoopP99Ms = p(openLatencies, 99);
  const openErrors = sumOf(open.ops, 'errors');
  const errors = sum('errors') + openErrors;
  const doubleBookings = readModel.total;
  // Lags under a load the service should carry (the open loop), which have targets; at saturation (the closed loop) they have none.
  const projectionLagP99Ms = p(open.projectionLags, 99);
  const kafkaLagP99Ms = open.kafkaMissing > 0 ? Infinity : p(open.kafkaLags, 99);
  const closedLoopProjectionLagP99Ms = p(result.projectionLags, 99);
  const closedLoopKafkaLagP99Ms = result.kafkaMissing > 0 ? Infinity : p(result.kafkaLags, 99);
  const cpu = window.serverCpuMs;
  const cpuMs = cpu.app + cpu.postgres + cpu.kafka;
  const cpuMsPerBooking = cpuMs / created;
  const floorBookingsPerSec = floor?.bookingsPerSec ?? NaN;
  const ratioToFloor = bookingsPerSec / floorBookingsPerSec;
  const floorCpuMsPerBooking = floor ? (floor.cpuMs.floor + floor.cpuMs.postgres) / floor.creates : NaN;
  const perBooking = (ms: number, n: number) => round(ms / n, 3);
  const bookingsTarget = { atLeast: BOOKINGS_PER_PGBENCH_TPS * pgbenchTps };
  // The same haircut booked with and without a plan order's credit, in the same run: what redeeming adds.
  const planCreateRatio = p(ops['create-plan'].latencies, 50) / p(ops['create-appt'].latencies, 50);

  const rows: Row[] = [
    { metric: 'bookingsPerSec (creates; ≥ 30 % of pgbench)', value: bookingsPerSec, unit: '/s', target: bookingsTarget },
    { metric: 'pgbench simple-update -c 50 -j 2', value: pgbenchTps, unit: 'tps' },
    { metric: 'requests (all ops)', value: (requests / result.elapsedMs) * 1000, unit: 'req/s' },
    { metric: 'latency p50 (all ops)', value: p50Ms, unit: 'ms' },
    { metric: 'latency p99 (all ops; closedLoopP99Ms, at saturation)', value: p99Ms, unit: 'ms' },
    { metric: 'floorBookingsPerSec (same clients and seconds; Kafka idle)', value: floorBookingsPerSec, unit: floor ? `/s (p99 ${floor.p99Ms.toFixed(1)} ms, ${floor.errors} errors)` : '/s (skipped: no floor server)' },
    { metric: 'ratioToFloor (bookingsPerSec / floor\'s)', value: ratioToFloor, unit: '×', target: RATIO_TO_FLOOR_TARGET },
    {
      metric: 'cpuMsPerBooking (every server; closed loop until settled)',
      value: cpuMsPerBooking,
      unit: `ms: app ${(cpu.app / created).toFixed(2)} + postgres ${(cpu.postgres / created).toFixed(2)} + kafka ${(cpu.kafka / created).toFixed(2)}; ${(cpuMs / requests).toFixed(2)} ms per request`,
      target: CPU_MS_PER_BOOKING_TARGET,
    },
    {
      metric: 'floorCpuMsPerBooking (floor server, postgres)',
      value: floorCpuMsPerBooking,
      unit: floor ? `ms: floor ${(floor.cpuMs.floor / floor.creates).toFixed(2)} + postgres ${(floor.cpuMs.postgres / floor.creates).toFixed(2)}` : 'ms (skipped)',
    },
    { metric: `open loop: offered (${round(open.offeredPerSec * MIX.create, 1)} creates/s and the mix)`, value: open.offeredPerSec, unit: `req/s for ${(open.elapsedMs / 1000).toFixed(1)} s; sent up to ${open.maxSendDelayMs.toFixed(1)} ms late` },
    { metric: 'open loop: created', value: (sumOf(open.ops, 'ok', creates) / open.elapsedMs) * 1000, unit: `bookings/s (${sumOf(open.ops, 'slotTaken')} slot-taken, ${openErrors} errors)` },
    { metric: 'openLoopP99Ms (from when each request was due)', value: openLoopP99Ms, unit: `ms (p50 ${openLoopP50Ms.toFixed(1)})`, target: OPEN_LOOP_P99_TARGET },
    { metric: 'errors, both loops (not 2xx, 409 slot-taken, 422 capacity)', value: errors, unit: 'requests', target: ERRORS_TARGET },
    { metric: 'doubleBookings (read model)', value: doubleBookings, unit: `of ${listed}`, target: DOUBLE_BOOKINGS_TARGET },
    { metric: 'doubleBookings (event store)', value: store.total, unit: `of ${storeHeld.length}`, target: DOUBLE_BOOKINGS_TARGET },
    { metric: 'read model vs clients\' own bookings', value: mismatches, unit: 'differ', target: { atMost: 0 } },
    { metric: 'plan orders: balance vs plan-paid bookings standing', value: planBalances, unit: `differ (of ${clients})`, target: { atMost: 0 } },
    { metric: 'plan-paid create p50 / plain create p50 (same service)', value: planCreateRatio, unit: '×' },
    { metric: 'projectionLagP99Ms (open loop; write → GET sees it)', value: projectionLagP99Ms, unit: `ms (p50 ${p(open.projectionLags, 50).toFixed(1)}, n=${open.projectionLags.length}, ${open.probeTimeouts} timed out)`, target: PROJECTION_LAG_TARGET },
    { metric: 'kafkaLagP99Ms (open loop; write → consumer)', value: kafkaLagP99Ms, unit: `ms (p50 ${p(open.kafkaLags, 50).toFixed(1)}, n=${open.kafkaLags.length}, missing ${open.kafkaMissing})`, target: KAFKA_LAG_TARGET },
    { metric: 'closed loop: projection lag p99', value: closedLoopProjectionLagP99Ms, unit: `ms (p50 ${p(result.projectionLags, 50).toFixed(1)}, n=${result.projectionLags.length})` },
    { metric: '  projection probe GETs (not in the latencies)', value: result.probeRequests, unit: `requests, ${result.probeErrors} failed, ${result.probeTimeouts} timed out` },
    { metric: '  bookings runner lag p99 (server, bucket)', value: runnerLagP99(window.metricsBefore, window.metricsAfter, 'bookings'), unit: 'ms ≤' },
    { metric: 'closed loop: Kafka lag p99', value: closedLoopKafkaLagP99Ms, unit: `ms (p50 ${p(result.kafkaLags, 50).toFixed(1)}, n=${result.kafkaLags.length}, missing ${result.kafkaMissing})` },
    { metric: '  publisher runner lag p99 (server, bucket)', value: runnerLagP99(window.metricsBefore, window.metricsAfter, 'publisher:kafka'), unit: 'ms ≤' },
    { metric: 'app event loop utilization (main thread)', value: window.elu * 100, unit: '%' },
    { metric: 'app event loop delay p99', value: window.delayP99Ms, unit: 'ms' },
    { metric: 'bench process CPU (app + load worker)', value: ((window.proc.user + window.proc.system) / 1e6 / (result.elapsedMs / 1000)) * 100, unit: '% of one core' },
    { metric: `machine CPU busy (${cpus().length} cores)`, value: window.systemBusy * 100, unit: '%' },
    {
      // /proc/stat counts every core, so its ticks over the window are cores × seconds.
      metric: 'CPU in the load window: bench / postgres / kafka / other',
      value: (window.groups.bench / window.ticks) * 100 * cpus().length,
      unit: `% / ${((window.groups.postgres / window.ticks) * 100 * cpus().length).toFixed(0)} % / ${((window.groups.java / window.ticks) * 100 * cpus().length).toFixed(0)} % / ${(((window.busyTicks - window.groups.bench - window.groups.postgres - window.groups.java) / window.ticks) * 100 * cpus().length).toFixed(0)} % of one core`,
    },
    { metric: 'machine load average (1 min) as the load began', value: window.loadAvg, unit: `(${cpus().length} cores; other work skews every figure)` },
  ];
  if (profiling) {
    const waiting = window.waiting;
    rows.push({ metric: 'pool: requests waiting for a connection (mean / max)', value: waiting.reduce((a, b) => a + b, 0) / Math.max(1, waiting.length), unit: `/ ${Math.max(0, ...waiting)}` });
    rows.push({ metric: 'create one at a time (no load) p50 / p99', value: p(sequential, 50), unit: `ms / ${p(sequential, 99).toFixed(1)} ms` });
  }
  if (result.errorSamples.length > 0) {
    console.error('\nerror samples:');
    for (const sample of result.errorSamples) console.error(`  ${sample}`);
  }
  if (profiling) {
    console.error('\nper route under load (mean per request):');
    for (const [route, r] of profileRoutes.sort((a, b) => b[1].count - a[1].count)) {
      console.error(routeLine(route, r));
    }
    if (window.background) {
      const background = window.background;
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
    planCreates: ops['create-plan'].ok,
    planCreateP50Ratio: round(planCreateRatio, 3),
    planBalanceMismatches: planBalances,
    pgbenchTps: Number.isFinite(pgbenchTps) ? round(pgbenchTps) : null,
    closedLoopP99Ms: round(p99Ms, 3),
    floorBookingsPerSec: floor ? round(floorBookingsPerSec) : null,
    ratioToFloor: floor ? round(ratioToFloor, 4) : null,
    cpuMsPerBooking: round(cpuMsPerBooking, 3),
    cpuMsPerBookingByProcess: { app: perBooking(cpu.app, created), postgres: perBooking(cpu.postgres, created), kafka: perBooking(cpu.kafka, created) },
    cpuMsPerRequest: round(cpuMs / requests, 3),
    floorCpuMsPerBooking: floor ? round(floorCpuMsPerBooking, 3) : null,
    floorCpuMsPerBookingByProcess: floor ? { floor: perBooking(floor.cpuMs.floor, floor.creates), postgres: perBooking(floor.cpuMs.postgres, floor.creates) } : null,
    floorP99Ms: floor?.p99Ms ?? null,
    floorErrors: floor?.errors ?? null,
    openLoopP50Ms: round(openLoopP50Ms, 3),
    openLoopP99Ms: round(openLoopP99Ms, 3),
    openLoopOfferedPerSec: round(open.offeredPerSec),
    openLoopBookingsPerSec: round((sumOf(open.ops, 'ok', creates) / open.elapsedMs) * 1000),
    openLoopRequests: openLatencies.length,
    openLoopErrors: openErrors,
    openLoopMaxSendDelayMs: round(open.maxSendDelayMs, 3),
    projectionLagP99Ms: round(projectionLagP99Ms, 3),
    kafkaLagP99Ms: Number.isFinite(kafkaLagP99Ms) ? round(kafkaLagP99Ms, 3) : null,
    kafkaMissing: result.kafkaMissing + open.kafkaMissing,
    closedLoopProjectionLagP99Ms: round(closedLoopProjectionLagP99Ms, 3),
    closedLoopKafkaLagP99Ms: Number.isFinite(closedLoopKafkaLagP99Ms) ? round(closedLoopKafkaLagP99Ms, 3) : null,
    errors,
    requests,
    creates: sum('ok', creates),
    slotTaken: sum('slotTaken'),
    capacityExceeded: sum('capacityExceeded'),
    cancels: ops.cancel.ok,
    reschedules: ops.reschedule.ok,
    seconds: round(result.elapsedMs / 1000),
    clients,
    poolSize,
    loadAvgAtStart: round(window.loadAvg),
    events,
    targetsMet: {
      bookingsPerSec: meets(bookingsPerSec, bookingsTarget),
      ratioToFloor: floor ? meets(ratioToFloor, RATIO_TO_FLOOR_TARGET) : null,
      cpuMsPerBooking: meets(cpuMsPerBooking, CPU_MS_PER_BOOKING_TARGET),
      openLoopP99Ms: meets(openLoopP99Ms, OPEN_LOOP_P99_TARGET),
      doubleBookings: meets(doubleBookings, DOUBLE_BOOKINGS_TARGET) && meets(store.total, DOUBLE_BOOKINGS_TARGET),
      projectionLagP99Ms: meets(projectionLagP99Ms, PROJECTION_LAG_TARGET),
      kafkaLagP99Ms: meets(kafkaLagP99Ms, KAFKA_LAG_TARGET),
      errors: errors === 0,
      planBalances: planBalances === 0,
    },
  };
  const byOp = (stats: Record<Op, OpStats>) =>
    OPS.map((op) => {
      const o = stats[op];
      const ms = (q: number) => (o.latencies.length > 0 ? p(o.latencies, q).toFixed(1) : '-');
      return [op, String(o.latencies.length), String(o.ok), String(o.slotTaken), String(o.capacityExceeded), String(o.errors), ms(50), ms(99)];
    });
  for (const [loop, stats] of [['closed loop', ops], ['open loop', open.ops]] as const) {
    console.log(formatTable([loop, 'requests', 'ok', '409 slot-taken', '422 capacity', 'errors', 'p50 ms', 'p99 ms'], byOp(stats), [false, true, true, true, true, true, true, true]));
    console.log();
  }
  printReport(`bookings benchmark: PostgreSQL + Kafka, ${clients} clients, ${seconds} s, pool ${poolSize}`, rows, summary);
};
