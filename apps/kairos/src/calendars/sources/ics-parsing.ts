import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as turnOfTheLoop } from 'node:timers/promises';
import { ResourceLimits, Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { BusyOccurrence, SyncFailureReason } from '@kairos/calendars';
import { IcsReadOptions, busyOccurrences } from './ics-occurrences';
import { SourceFailure } from './source';

/**
 * One calendar object's text, or its UTF-8 bytes as read (decoded in the thread), and the object
 * its occurrences belong to (absent: each event's UID).
 */
export interface IcsText {
  ics: string | Uint8Array;
  object?: string;
}

/** How every text of one parse is read; `maxOccurrences` bounds them all together. */
export type IcsParseOptions = Omit<IcsReadOptions, 'object'>;

interface ParseJob {
  id: number;
  texts: IcsText[];
  options: IcsParseOptions;
}

/**
 * Occurrences as columns, start and end as epoch milliseconds in pairs: a few arrays cross the
 * thread at a fraction of the cost of as many objects and Dates, and the times move without a copy.
 */
interface OccurrenceColumns {
  objects: string[];
  occurrences: string[];
  times: Float64Array<ArrayBuffer>;
}

type ParseAnswer = { id: number; parsed: OccurrenceColumns } | { id: number; failure: { reason: SyncFailureReason; detail: string } };

interface Job {
  message: ParseJob;
  signal: AbortSignal;
  resolve(parsed: OccurrenceColumns): void;
  reject(error: Error): void;
  onAbort(): void;
}

const THREAD_KIND = 'kairos-ics-parsing';
/**
 * The compiled file: worker threads run JavaScript, so this needs the built app (`npm run build`),
 * also when this module runs from its TypeScript source (the tests): the thread then runs the
 * built twin, as the runner thread does.
 */
const ENTRY = __filename.endsWith('.ts') ? join(__dirname, '../../../../../dist/apps/kairos/src/calendars/sources/ics-parsing.js') : join(__dirname, 'ics-parsing.js');

/** Occurrences rebuilt per turn of the event loop: 50,000 of them at once (Dates and all) would hold it up for a tenth of a second or more. */
const REBUILT_PER_TURN = 2000;

const timedOut = () => new SourceFailure('timeout', "the calendar's events were not read before the read's deadline");

/**
 * Reads iCalendar text in a thread of its own, one parse at a time, so a 10,000-event feed (seconds
 * of ical.js work) never holds up the requests this process serves, and a parse can be stopped at
 * its read's deadline: the thread is then ended, and the next parse starts a fresh one. The thread
 * starts with the first parse and lives on, waiting; it keeps the process alive only while it
 * parses. Parses wait their turn in order; one that runs out of time while waiting never starts.
 * One thread, not a pool: measured on two cores, a second one read two 10,000-event feeds no
 * sooner and stalled the request thread more. Small texts take the thread too: the hop costs
 * milliseconds of waiting, not of the event loop (a 62 KiB feed read inline held it ~100 ms on a
 * busy machine), and every parse keeps its deadline.
 */
export class IcsParsingThread {
  private worker: Worker | null = null;
  private running: Job | null = null;
  private readonly waiting: Job[] = [];
  private nextId = 1;

  /** `resourceLimits` bound the thread's heap: a parse past them fails as too large, the process lives on. */
  constructor(
    private readonly entry = ENTRY,
    private readonly resourceLimits?: ResourceLimits,
  ) {}

  /**
   * The busy occurrences of every text, as `busyOccurrences` reads them, in order: one thread hop
   * for many objects (a CalDAV report). Bytes that own their whole buffer are handed over to the
   * thread (`handedOver`): the caller no longer has them. Fails as `busyOccurrences` does (not-a-calendar,
   * too-large), with `timeout` when `signal` aborts first.
   */
  async parse(texts: IcsText[], options: IcsParseOptions, signal: AbortSignal): Promise<BusyOccurrence[]> {
    return rebuilt(await this.run(texts, options, signal));
  }

  private run(texts: IcsText[], options: IcsParseOptions, signal: AbortSignal): Promise<OccurrenceColumns> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(timedOut());
      const job: Job = { message: { id: this.nextId++, texts, options }, signal, resolve, reject, onAbort: () => this.abort(job) };
      signal.addEventListener('abort', job.onAbort, { once: true });
      this.waiting.push(job);
      this.next();
    });
  }

  /** Ends the thread; parses not done fail as timed out (the process is stopping). The next parse would start a thread again. */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    const unfinished = [...(this.running ? [this.running] : []), ...this.waiting.splice(0)];
    this.running = null;
    for (const job of unfinished) this.settle(job, () => job.reject(new SourceFailure('timeout', 'the calendar was not read: the process is stopping')));
    await worker?.terminate();
  }

  private next(): void {
    if (this.running || this.waiting.length === 0) return;
    const job = this.waiting.shift()!;
    let worker: Worker;
    try {
      worker = this.worker ?? this.spawn();
    } catch (error) {
      this.settle(job, () => job.reject(error as Error));
      return this.next();
    }
    this.running = job;
    worker.ref();
    worker.postMessage(job.message, handedOver(job.message.texts));
  }

  private spawn(): Worker {
    if (!existsSync(this.entry)) throw new Error(`calendar parsing runs the built app (npm run build): ${this.entry} is missing`);
    const worker = new Worker(this.entry, { workerData: { kind: THREAD_KIND }, resourceLimits: this.resourceLimits });
    let crash: Error | null = null;
    worker.on('message', (answer: ParseAnswer) => {
      const job = this.running;
      if (worker !== this.worker || job?.message.id !== answer.id) return;
      this.running = null;
      worker.unref();
      this.settle(job, () => ('parsed' in answer ? job.resolve(answer.parsed) : job.reject(new SourceFailure(answer.failure.reason, answer.failure.detail))));
      this.next();
    });
    worker.on('error', (error) => void (crash = error));
    worker.on('exit', (code) => {
      if (worker !== this.worker) return;
      this.worker = null;
      const job = this.running;
      this.running = null;
      if (job) this.settle(job, () => job.reject(crashFailure(crash, code)));
      this.next();
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** Out of time: a waiting parse leaves the line; the running one takes its thread with it. */
  private abort(job: Job) {
    if (this.running === job) {
      this.running = null;
      const worker = this.worker;
      this.worker = null;
      void worker?.terminate();
    } else {
      const at = this.waiting.indexOf(job);
      if (at < 0) return;
      this.waiting.splice(at, 1);
    }
    this.settle(job, () => job.reject(timedOut()));
    this.next();
  }

  private settle(job: Job, outcome: () => void) {
    job.signal.removeEventListener('abort', job.onAbort);
    outcome();
  }
}

/**
 * Bytes that own their whole buffer move to the thread instead of being copied: 20 MiB of feed
 * would cost the request thread tens of milliseconds to copy, as would a string of it. The caller
 * no longer has them.
 */
const handedOver = (texts: IcsText[]): ArrayBuffer[] =>
  texts.flatMap(({ ics }) => (typeof ics !== 'string' && ics.buffer instanceof ArrayBuffer && ics.byteOffset === 0 && ics.byteLength === ics.buffer.byteLength ? [ics.buffer] : []));

const decoded = (ics: string | Uint8Array) => (typeof ics === 'string' ? ics : Buffer.from(ics.buffer, ics.byteOffset, ics.byteLength).toString('utf8'));

const rebuilt = async ({ objects, occurrences, times }: OccurrenceColumns): Promise<BusyOccurrence[]> => {
  const found: BusyOccurrence[] = [];
  for (let i = 0; i < objects.length; i++) {
    if (i > 0 && i % REBUILT_PER_TURN === 0) await turnOfTheLoop();
    found.push({ object: objects[i], occurrence: occurrences[i], start: new Date(times[2 * i]), end: new Date(times[2 * i + 1]) });
  }
  return found;
};

const columnsOf = (found: BusyOccurrence[]): OccurrenceColumns => {
  const times = new Float64Array(2 * found.length);
  found.forEach(({ start, end }, i) => {
    times[2 * i] = start.getTime();
    times[2 * i + 1] = end.getTime();
  });
  return { objects: found.map((o) => o.object), occurrences: found.map((o) => o.occurrence), times };
};

const crashFailure = (error: Error | null, code: number): SourceFailure => {
  // What V8 says when the thread's heap is past its resourceLimits.
  if ((error as NodeJS.ErrnoException | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY') return new SourceFailure('too-large', 'reading the calendar needs more memory than a read may take');
  return new SourceFailure('not-a-calendar', `the calendar could not be read: its parsing thread stopped (${error?.message ?? `exit code ${code}`})`);
};

/** The process's parsing thread: the sources share it, the application's shutdown stops it. */
export const icsParsing = new IcsParsingThread();

/** `busyOccurrences` off the request thread, bounded by `signal` (the read's deadline); bytes are handed over, as `IcsParsingThread.parse` says. */
export const parseBusyOccurrences = (ics: string | Uint8Array, { object, ...options }: IcsReadOptions, signal: AbortSignal): Promise<BusyOccurrence[]> =>
  icsParsing.parse([{ ics, object }], options, signal);

/** Several calendar objects in one parse: one thread hop for a whole CalDAV report. */
export const parseCalendarObjects = (texts: IcsText[], options: IcsParseOptions, signal: AbortSignal): Promise<BusyOccurrence[]> => icsParsing.parse(texts, options, signal);

const serve = () => {
  parentPort!.on('message', ({ id, texts, options }: ParseJob) => {
    const occurrences: BusyOccurrence[] = [];
    try {
      for (const { ics, object } of texts) {
        for (const occurrence of busyOccurrences(decoded(ics), { ...options, object, maxOccurrences: options.maxOccurrences - occurrences.length })) occurrences.push(occurrence);
      }
      const parsed = columnsOf(occurrences);
      parentPort!.postMessage({ id, parsed } satisfies ParseAnswer, [parsed.times.buffer]);
    } catch (error) {
      // busyOccurrences says every failure of the text as a SourceFailure; anything else is this code's fault, shown as such.
      const failure = error instanceof SourceFailure ? { reason: error.reason, detail: error.message } : { reason: 'not-a-calendar' as const, detail: `the calendar could not be read: ${(error as Error).message}` };
      parentPort!.postMessage({ id, failure } satisfies ParseAnswer);
    }
  });
};

if (!isMainThread && (workerData as { kind?: string } | undefined)?.kind === THREAD_KIND) serve();
