import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { StoreUnavailable } from '@kairos/core';
import { CachingReadStore, CheckpointedBatch, ReadModelWriter, ReadStore } from '@kairos/read-store';
import { KairosConfig } from '../config/config';
import { isUnreachable } from '../http/problem';
import { Hosted, runnersFor } from './runners';
import { openStores } from './stores';

type Touched = [collection: string, tenant: string, id: string];

type FromRunners =
  | { type: 'ready' }
  | { type: 'leading'; name: string; position: number | null }
  | { type: 'committed'; projection: string; position: number; touched: Touched[] }
  | { type: 'forget' }
  | { type: 'standby'; name: string }
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
  /** A runner of the thread leads from `position`: it alone writes from now on. */
  leading(name: string, position: number | null): void;
  /** A batch committed: what it touched, and the projection's new position. */
  committed(projection: string, position: number, touched: Touched[]): void;
  /** A batch was refused or failed: whatever the request thread keeps may be stale. */
  forget(): void;
  /** A runner of the thread no longer writes (it lost its lease, or the thread ended). */
  standby(name: string): void;
  progress(name: string, position: number, recordedAt: string): void;
  error(name: string, error: Error): void;
}

const THREAD_KIND = 'kairos-runners';
/** The compiled file: worker threads run JavaScript, so this needs the built app (`npm run build`). */
const ENTRY = join(__dirname, 'runner-thread.js');
/** Connections for six runners and the notification listener; the request thread keeps its own pool. */
const POOL_SIZE = 8;
const RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * Runs this process's runners in a worker thread with stores of its own, so a busy request thread
 * does not delay the read models and Kafka, and the runners' work does not slow requests. The
 * thread reports every committed batch with the documents it touched, which keeps the request
 * thread's read cache exact just as runners on the request thread do. Should the thread die, the
 * cache is dropped and the thread started again; the runners resume from their checkpoints.
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
      const worker = new Worker(ENTRY, { workerData: data });
      this.worker = worker;
      worker.on('message', (message: FromRunners) => {
        switch (message.type) {
          case 'ready':
            ready = true;
            resolve();
            break;
          case 'leading':
            this.leading.add(message.name);
            this.events.leading(message.name, message.position);
            break;
          case 'committed':
            this.events.committed(message.projection, message.position, message.touched);
            break;
          case 'forget':
            this.events.forget();
            break;
          case 'standby':
            this.leading.delete(message.name);
            this.events.standby(message.name);
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
      });
      worker.on('error', (error) => this.events.error('runner-thread', error));
      worker.on('exit', (code) => {
        this.worker = undefined;
        // Its runners' leases went with its connections.
        for (const name of this.leading) this.events.standby(name);
        this.leading.clear();
        if (this.stopping) return;
        if (!ready) reject(new Error(`the runner thread exited with code ${code} before it was ready`));
        else this.respawn(new Error(`the runner thread exited with code ${code}; starting it again`));
      });
    });
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

/** The read store the thread's runners write through: it tells the request thread what each batch did. */
const reporting = (store: ReadStore, post: (message: FromRunners) => void): ReadStore => {
  const applyBatch = async (batch: CheckpointedBatch): Promise<boolean> => {
    // Once per document, however often the batch wrote it: the report crosses threads by copy.
    const touched = new Map<string, Touched>();
    const touch = (collection: string, tenant: string, id: string) => touched.set(`${collection}\u0000${tenant}\u0000${id}`, [collection, tenant, id]);
    const track = (writer: ReadModelWriter): ReadModelWriter => ({
      get: (collection, tenant, id) => writer.get(collection, tenant, id),
      put: (collection, tenant, doc) => (touch(collection, tenant, doc.id), writer.put(collection, tenant, doc)),
      delete: (collection, tenant, id) => (touch(collection, tenant, id), writer.delete(collection, tenant, id)),
    });
    try {
      const applied = await store.applyBatch({ ...batch, apply: (position, writer) => batch.apply(position, track(writer)) });
      if (!applied) post({ type: 'forget' });
      else if (batch.positions.length > 0) post({ type: 'committed', projection: batch.projection, position: batch.positions[batch.positions.length - 1], touched: [...touched.values()] });
      return applied;
    } catch (error) {
      // Whether it committed is unknown.
      post({ type: 'forget' });
      throw error;
    }
  };
  return new Proxy(store, {
    get: (target, property) => {
      if (property === 'applyBatch') return applyBatch;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
};

const runThread = async ({ config, hosted }: RunnerThreadData) => {
  const post = (message: FromRunners) => parentPort!.postMessage(message);
  try {
    // The thread's own read cache serves its batches what the previous ones wrote.
    const stores = await openStores(config, { poolSize: POOL_SIZE });
    const cache = stores.readStore instanceof CachingReadStore ? stores.readStore : null;
    const runners = runnersFor(hosted, stores.eventStore, reporting(stores.readStore, post), stores.publisher, stores.leases, {
      onError: (name, error) => post({ type: 'error', name, message: error instanceof Error ? error.message : String(error) }),
      onProgress: (name, position, events) => post({ type: 'progress', name, position, recordedAt: events[events.length - 1].recordedAt }),
      onLeading: (name, position) => {
        cache?.lead(name, position);
        post({ type: 'leading', name, position });
      },
      onStandby: (name) => {
        cache?.standBy(name);
        post({ type: 'standby', name });
      },
    });
    for (const runner of runners) await runner.start();
    parentPort!.once('message', (message: ToRunners) => {
      if (message.type !== 'stop') return;
      void (async () => {
        await Promise.all(runners.map((r) => r.stop()));
        await stores.close();
        // Nothing left to wait for: the thread ends, and the request thread hears its exit.
        parentPort!.close();
      })();
    });
    post({ type: 'ready' });
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error), unreachable: isUnreachable(error) });
    process.exit(1);
  }
};

if (!isMainThread && (workerData as RunnerThreadData | undefined)?.kind === THREAD_KIND) void runThread(workerData as RunnerThreadData);
