import { Logger } from '@nestjs/common';

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
