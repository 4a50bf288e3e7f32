import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { StoreUnavailable } from '@kairos/core';
import { RunnerReport, RunnerReports, UNHEARD, deliver, reportingBatches, reportingTo, reportingToAll, reportsFor } from '@kairos/read-store';
import { KairosConfig } from '../config/config';
import { isUnreachable } from '../http/problem';
import { Hosted, runnersFor } from './runners';
import { openStores } from './stores';

type FromRunners =
  | { type: 'ready' }
  | { type: 'report'; report: RunnerReport }
  | { type: 'progress'; name: string; position: number; recordedAt: string }
  | { type: 'error'; name: string; message: string }
  | { type: 'failed'; message: string; unreachable: boolean };

type ToRunners = { type: 'stop' };

interface RunnerThreadData {
  kind: typeof THREAD_KIND;
  config: KairosConfig;
  hosted: Hosted;
}

export interface RunnerThreadEvents {
  /** What the thread's runners lead and commit, for the request thread's read cache (and whoever else listens). */
  reports: RunnerReports;
  progress(name: string, position: number, recordedAt: string): void;
  error(name: string, error: Error): void;
}

const THREAD_KIND = 'kairos-runners';
/**
 * The compiled file: worker threads run JavaScript, so this needs the built app (`npm run build`),
 * also when this module runs from its TypeScript source (the tests): the thread then runs the
 * built twin.
 */
const ENTRY = __filename.endsWith('.ts') ? join(__dirname, '../../../../dist/apps/kairos/src/infrastructure/runner-thread.js') : join(__dirname, 'runner-thread.js');
/** Connections for six runners and the notification listener; the request thread keeps its own pool. */
const POOL_SIZE = 8;
const RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * Runs this process's runners in a worker thread with stores of its own, so a busy request thread
 * does not delay the read models and Kafka, and the runners' work does not slow requests. The
 * thread reports what its runners lead and every batch they commit, with the documents it touched
 * and, up to a budget, what it wrote in them (RunnerReports), which keeps the request thread's
 * read cache exact, and as full, just as runners on the request thread do. Should the thread die,
 * its runners are reported standing by, which drops the cache, and the thread is started again;
 * the runners resume from their checkpoints.
 */
export class RunnerThread {
  private worker?: Worker;
  private stopping = false;
  private restarts = 0;
  /** The thread's runners that lead: when the thread ends, they no longer do. */
  private readonly leading = new Set<string>();

  constructor(
    private readonly config: KairosConfig,
    private readonly hosted: Hosted,
    private readonly events: RunnerThreadEvents,
  ) {}

  async start(): Promise<void> {
    if (!existsSync(ENTRY)) throw new Error(`KAIROS_RUNNERS=worker runs the built app (npm run build): ${ENTRY} is missing`);
    await this.spawn();
  }

  /** After the first start, a thread that dies or fails to start (its database down, say) is started again, backing off. */
  private respawn(reason: Error) {
    this.events.error('runner-thread', reason);
    const delay = Math.min(RESTART_DELAY_MS * 2 ** this.restarts++, MAX_RESTART_DELAY_MS);
    setTimeout(() => {
      if (this.stopping) return;
      this.spawn().then(
        () => (this.restarts = 0),
        (error: Error) => this.respawn(error),
      );
    }, delay);
  }

  /** Starts a thread; settles once it is ready or has failed. Whoever started it decides what a failure means. */
  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      let ready = false;
      const data: RunnerThreadData = { kind: THREAD_KIND, config: this.config, hosted: this.hosted };
      // The thread is an isolate of its own, with a young generation of its own: bounded apart from the request thread's.
      const young = this.config.runnerThreadYoungGenerationMb;
      const worker = new Worker(ENTRY, { workerData: data, ...(young > 0 ? { resourceLimits: { maxYoungGenerationSizeMb: young } } : {}) });
      this.worker = worker;
      const hear = (message: FromRunners) => {
        switch (message.type) {
          case 'ready':
            ready = true;
            resolve();
            break;
          case 'report':
            this.track(message.report);
            deliver(message.report, this.events.reports);
            break;
          case 'progress':
            this.events.progress(message.name, message.position, message.recordedAt);
            break;
          case 'error':
            this.events.error(message.name, new Error(message.message));
            break;
          case 'failed':
            if (!ready) {
              const failure = new Error(`the runner thread failed to start: ${message.message}`);
              // A store out of reach is an outage to wait out, here as on the request thread.
              reject(message.unreachable ? new StoreUnavailable('runner thread', failure) : failure);
            }
            break;
          default: {
            const unknown: never = message;
            throw new Error(`unknown message from the runner thread: ${JSON.stringify(unknown)}`);
          }
        }
      };
      // The thread posts what it reports in one turn together, in order.
      worker.on('message', (messages: FromRunners[]) => {
        for (const message of messages) hear(message);
      });
      worker.on('error', (error) => this.events.error('runner-thread', error));
      worker.on('exit', (code) => {
        this.worker = undefined;
        // Its runners' leases went with its connections.
        for (const name of this.leading) this.events.reports.standingBy(name);
        this.leading.clear();
        if (this.stopping) return;
        if (!ready) reject(new Error(`the runner thread exited with code ${code} before it was ready`));
        else this.respawn(new Error(`the runner thread exited with code ${code}; starting it again`));
      });
    });
  }

  private track(report: RunnerReport) {
    if (report.report === 'leading') this.leading.add(report.runner);
    else if (report.report === 'standingBy') this.leading.delete(report.runner);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'stop' } satisfies ToRunners);
    const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}

const runThread = async ({ config, hosted }: RunnerThreadData) => {
  // Every runner reports each batch, and each message costs the request thread an event of its
  // own: what is posted in one turn goes as one message, in order.
  const outbox: FromRunners[] = [];
  const flush = () => {
    if (outbox.length > 0) parentPort!.postMessage(outbox.splice(0));
  };
  const post = (message: FromRunners) => {
    if (outbox.length === 0) setImmediate(flush);
    outbox.push(message);
  };
  try {
    const stores = await openStores(config, { poolSize: POOL_SIZE });
    const toRequestThread = reportingTo((report) => post({ type: 'report', report }));
    // The thread's own read cache serves its batches what the previous ones wrote; it sees those
    // batches itself, as they go through it.
    const reports = reportingToAll(reportsFor(stores.readStore), toRequestThread);
    // What a batch wrote goes along to the request thread's cache, which exists exactly when this thread's does.
    const writtenBudget = reportsFor(stores.readStore) === UNHEARD ? 0 : config.readCacheReportBytes;
    const runners = runnersFor(hosted, stores.eventStore, reportingBatches(stores.readStore, toRequestThread, writtenBudget), stores.publisher, stores.leases, {
      onError: (name, error) => post({ type: 'error', name, message: error instanceof Error ? error.message : String(error) }),
      onProgress: (name, position, events) => post({ type: 'progress', name, position, recordedAt: events[events.length - 1].recordedAt }),
      onLeading: (name, position) => reports.leading(name, position),
      onStandby: (name) => reports.standingBy(name),
    }, config);
    for (const runner of runners) await runner.start();
    parentPort!.once('message', (message: ToRunners) => {
      if (message.type !== 'stop') return;
      void (async () => {
        await Promise.all(runners.map((r) => r.stop()));
        await stores.close();
        // Nothing left to wait for: the thread ends, and the request thread hears its exit.
        flush();
        parentPort!.close();
      })();
    });
    post({ type: 'ready' });
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error), unreachable: isUnreachable(error) });
    flush();
    process.exit(1);
  }
};

if (!isMainThread && (workerData as RunnerThreadData | undefined)?.kind === THREAD_KIND) void runThread(workerData as RunnerThreadData);
