import { join } from 'node:path';
import { loadavg } from 'node:os';
import { EventLoopUtilization, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { HttpClient } from '../kit/http-client';
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
}

/**
 * Runs the load worker and measures the window from its first request to its clients' stop; the
 * lag probes and the Kafka drain that follow are the worker's. BENCH_CPU_PROFILE=<file> profiles
 * this thread (the app) over the window only.
 */
export const runLoad = async (input: WorkerInput, client: HttpClient, profile: Profile | null, cleanup: Cleanup, log: (message: string) => void): Promise<LoadWindow> => {
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
  const window: Partial<Omit<LoadWindow, 'result' | 'waiting' | 'loadAvg' | 'delayP99Ms' | 'metricsBefore' | 'metricsAfter'>> = {};
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
  };
};
