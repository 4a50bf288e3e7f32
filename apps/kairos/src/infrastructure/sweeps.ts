import { Logger } from '@nestjs/common';
import { SYSTEM_TENANT } from '@kairos/core';
import { Page, ReadStore } from '@kairos/read-store';

const SWEEP_EVERY_MS = 1000;
const MAX_SWEEP_BACKOFF_MS = 10_000;

/**
 * A look at the read models every second for work now due (timers, notifications). While a store
 * is unreachable it looks less and less often (up to every 10 s), logging once per outage, and
 * goes back to every second at the first look that works.
 */
export class RepeatingSweep {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private failures = 0;

  constructor(
    private readonly logger: Logger,
    /** What one look does, as a log line says it: `look for due timers`. */
    private readonly doing: string,
    private readonly sweep: () => Promise<unknown>,
  ) {}

  start() {
    this.schedule(SWEEP_EVERY_MS);
  }

  /** Stops looking, once the look under way (if any) is done. */
  async stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delay: number) {
    this.timer = setTimeout(() => (this.running = this.sweepAndSchedule()), delay);
  }

  /** Never rejects. */
  private async sweepAndSchedule(): Promise<void> {
    try {
      await this.sweep();
      if (this.failures > 0) this.logger.log({ message: `able to ${this.doing} again`, failedLooks: this.failures });
      this.failures = 0;
    } catch (error) {
      if (this.failures++ === 0) this.logger.warn({ message: `could not ${this.doing}; backing off`, error: (error as Error).message });
    }
    if (!this.stopped) this.schedule(Math.min(SWEEP_EVERY_MS * 2 ** this.failures, MAX_SWEEP_BACKOFF_MS));
  }
}

/** A document of work due at `dueAt`, under the system tenant. */
export interface DueDoc {
  id: string;
  dueAt: string;
}

const DUE_PER_PAGE = 200;

/**
 * Work found due in a read-model collection and run in the background, at most `limit` at once and
 * each key once at a time, so a slow calendar server (or any slow peer) holds up its own work, never
 * the look that finds the rest. A look pages through everything due, oldest first, until the room
 * is used up.
 */
export class BackgroundDueWork<Doc extends DueDoc> {
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly readStore: ReadStore,
    private readonly collection: string,
    private readonly limit: number,
  ) {}

  /**
   * Starts `run` for the documents due before `now` that are not running and that `wanted` takes;
   * `run` handles its own failures. Answers how many it started.
   */
  async startDue(now: string, keyOf: (doc: Doc) => string, wanted: (doc: Doc, key: string) => boolean, run: (doc: Doc, key: string) => Promise<void>): Promise<number> {
    let started = 0;
    let cursor: string | null = null;
    do {
      if (this.running.size >= this.limit) break;
      const page: Page<Doc> = await this.readStore.find<Doc>(this.collection, SYSTEM_TENANT, { where: { dueAt: { lt: now } }, orderBy: 'dueAt', limit: DUE_PER_PAGE, cursor });
      for (const due of page.items) {
        if (this.running.size >= this.limit) break;
        const key = keyOf(due);
        if (this.running.has(key) || !wanted(due, key)) continue;
        this.running.set(
          key,
          run(due, key).finally(() => this.running.delete(key)),
        );
        started++;
      }
      cursor = page.nextCursor;
    } while (cursor !== null);
    return started;
  }

  /** Resolves once the work under way is done. */
  async settled(): Promise<void> {
    await Promise.all(this.running.values());
  }
}
