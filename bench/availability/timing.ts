import { PerformanceObserver, constants as perfConstants, performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CpuProfiler, cpuMs } from '../kit/machine';
import { percentile, sum } from '../kit/stats';
import { TENANT } from './scenario';

/**
 * How the availability benchmark times its loops: wall clock, process CPU and GC pauses per
 * iteration, an HTTP client in a thread of its own, and CPU profiles of the timed phases.
 */

/** GC pauses (major and minor) as they happen, to tell collector pauses from work in the tails. */
export const gcPauses: { start: number; end: number; kind: number }[] = [];
export const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcPauses.push({ start: entry.startTime, end: entry.startTime + entry.duration, kind: (entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0 });
  }
});

export const gcSummary = (pauses: { start: number; end: number; kind: number }[]) => {
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
export const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

/**
 * Durations of the iterations of a loop; how much of each was GC pauses (read after settle); and the
 * process CPU time of each, which the scheduler cannot stretch: on a shared machine the wall-clock
 * tails include time the process was not running at all.
 */
export class Timings {
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

export const httpFromOtherThread = (port: number, path: string, body: unknown, n: number): Promise<[number, number, number, number][]> =>
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
export const PROFILE_DIR = process.env.KAIROS_BENCH_CPU_PROFILE;
export const profiled = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
  if (!PROFILE_DIR) return fn();
  const profiler = new CpuProfiler(100);
  await profiler.start();
  try {
    return await fn();
  } finally {
    await profiler.stop(join(PROFILE_DIR, `availability-${name}.cpuprofile`));
  }
};

export const timingStats = (t: Timings) => {
  const ms = t.ms;
  const gc = t.gc;
  const withoutGc = ms.map((m, i) => m - gc[i]);
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
