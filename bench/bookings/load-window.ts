import { join } from 'node:path';
import { loadavg } from 'node:os';
import { EventLoopUtilization, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { HttpClient } from '../kit/http-client';
import { cpuMsOf, processTreeCpuMs } from '../kit/cpu';
import { CpuProfiler, cpuByGroup, systemCpu } from '../kit/machine';
import { Cleanup } from '../kit/processes';
import { DbStats, Profile, RunnerStats } from './profile';
import { FromWorker, WorkerInput, WorkerResult } from './scenario';

/** What the load worker measured, and what this thread saw of the machine while the clients ran. */
export interface LoadWindow {
  result: WorkerResult;
  /** The app's event loop utilization (this thread) over the load window. */
  elu: number;
  delayP99Ms: number;
  systemBusy: number;
  proc: NodeJS.CpuUsage;
  /** CPU ticks by group over the window, and the machine's ticks (every core) and busy ticks. */
  groups: Record<string, number>;
  ticks: number;
  busyTicks: number;
  loadAvg: number;
  /** Requests waiting for a pooled connection, sampled every 50 ms (profile only). */
  waiting: number[];
  background?: DbStats;
  opened?: number;
  failures?: [string, number][];
  runners?: [string, RunnerStats][];
  reads?: { calls: number; events: number };
  metricsBefore: string;
  metricsAfter: string;
  /**
   * CPU of the servers from the first request until what the closed loop wrote had reached the read
   * model and Kafka (so that work the runners put off still counts), in ms: the app (this process
   * without the load thread), the whole PostgreSQL server (other clients of a shared server count
   * too), the Kafka broker (NaN when not found).
   */
  serverCpuMs: { app: number; postgres: number; kafka: number };
}

/** The servers whose CPU a booking costs, besides this process; null when not on this machine. */
export interface ServerPids {
  postmaster: number | null;
  kafka: number | null;
}

/**
 * The app runs in this process, beside the load thread: the process's CPU (every thread: the app's,
 * its runners' worker thread, V8's and libuv's helpers) less what the load thread reports of its own
 * (/proc/<pid>/task/<tid>/stat, read on that thread). Helper threads are shared, so the load
 * thread's garbage collection on them counts as the app's: a small overstatement.
 */
const serverCpu = (servers: ServerPids) => ({
  process: cpuMsOf(process.pid),
  postgres: servers.postmaster === null ? NaN : processTreeCpuMs(servers.postmaster),
  kafka: servers.kafka === null ? NaN : cpuMsOf(servers.kafka),
});

/**
 * Runs the load worker and measures the window from its first request to its clients' stop; the
 * lag probes and the Kafka drain that follow are the worker's. BENCH_CPU_PROFILE=<file> profiles
 * this thread (the app) over the window only.
 */
export const runLoad = async (
  input: WorkerInput,
  servers: ServerPids,
  client: HttpClient,
  profile: Profile | null,
  cleanup: Cleanup,
  log: (message: string) => void,
): Promise<LoadWindow> => {
  const profileFile = process.env.BENCH_CPU_PROFILE;
  const cpuProfile = profileFile ? new CpuProfiler(200) : null;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const waiting: number[] = [];
  let waitTimer: NodeJS.Timeout | undefined;
  const metricsBefore = (await client.ok('GET', '/metrics')).text;
  const worker = new Worker(join(__dirname, 'load-worker.js'), { workerData: input });
  const terminateWorker = cleanup.add('stop the load worker', () => worker.terminate());
  const stopSampling = cleanup.add('stop sampling', async () => {
    delay.disable();
    if (waitTimer) clearInterval(waitTimer);
  });
  let loadAvg = NaN;
  const window: Partial<Omit<LoadWindow, 'result' | 'waiting' | 'loadAvg' | 'delayP99Ms' | 'metricsBefore' | 'metricsAfter' | 'serverCpuMs'>> = {};
  let servers0!: ReturnType<typeof serverCpu>;
  let servers1!: ReturnType<typeof serverCpu>;
  const result = await new Promise<WorkerResult>((resolveResult, reject) => {
    let started = false;
    let done = false;
    let elu0: EventLoopUtilization;
    let cpu0: { idle: number; total: number };
    let groups0: Record<string, number>;
    let proc0: NodeJS.CpuUsage;
    let profileWritten: Promise<void> = Promise.resolve();
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready' && !started) {
        started = true;
        log(`load: ${input.clients} clients for ${input.seconds} s`);
        loadAvg = loadavg()[0];
        elu0 = performance.eventLoopUtilization();
        cpu0 = systemCpu();
        groups0 = cpuByGroup();
        proc0 = process.cpuUsage();
        delay.enable();
        waitTimer = profile ? setInterval(() => waiting.push(profile.waiting()), 50) : undefined;
        if (cpuProfile) void cpuProfile.start();
        servers0 = serverCpu(servers);
        worker.postMessage('go');
      } else if (message.type === 'loaded') {
        window.elu = performance.eventLoopUtilization(elu0).utilization;
        const cpu1 = systemCpu();
        window.systemBusy = 1 - (cpu1.idle - cpu0.idle) / (cpu1.total - cpu0.total);
        window.proc = process.cpuUsage(proc0);
        const groups1 = cpuByGroup();
        window.groups = Object.fromEntries(Object.entries(groups1).map(([g, t]) => [g, t - (groups0[g] ?? 0)]));
        window.ticks = cpu1.total - cpu0.total;
        window.busyTicks = window.ticks - (cpu1.idle - cpu0.idle);
        window.background = profile ? { ...profile.background } : undefined;
        window.opened = profile?.connections.opened;
        window.runners = profile ? [...profile.runners].map(([name, r]) => [name, { ...r }]) : undefined;
        window.reads = profile ? { ...profile.reads } : undefined;
        window.failures = profile ? [...profile.failures] : undefined;
        void stopSampling();
        if (cpuProfile && profileFile) profileWritten = cpuProfile.stop(profileFile).then(() => log(`CPU profile of the load window written to ${profileFile}`));
      } else if (message.type === 'settled') {
        servers1 = serverCpu(servers);
        log('closed loop settled; open loop');
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
  await terminateWorker();
  const metricsAfter = (await client.ok('GET', '/metrics')).text;
  return {
    ...(window as Required<typeof window>),
    background: window.background,
    opened: window.opened,
    failures: window.failures,
    runners: window.runners,
    reads: window.reads,
    result,
    waiting,
    loadAvg,
    delayP99Ms: delay.percentile(99) / 1e6,
    metricsBefore,
    metricsAfter,
    serverCpuMs: {
      app: servers1.process - servers0.process - result.loadThreadCpuMs,
      postgres: servers1.postgres - servers0.postgres,
      kafka: servers1.kafka - servers0.kafka,
    },
  };
};
