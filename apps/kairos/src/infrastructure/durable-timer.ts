import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { KAIROS_NAMESPACE, SYSTEM_TENANT, StoreUnavailable, uuidV5 } from '@kairos/core';
import { ReadStore } from '@kairos/read-store';
import { TIMER_SOURCES } from '../capabilities';
import { KairosConfig } from '../config/config';
import { RequestContext } from '../http/request-context';
import { EventSourcing } from './event-sourcing';
import { DueTimer } from './timers';
import { CONFIG, READ_STORE } from './tokens';

const SWEEP_EVERY_MS = 1000;
const MAX_SWEEP_BACKOFF_MS = 10_000;
const DUE_PER_SWEEP = 200;

/**
 * The durable timer: every second it asks the read models for timers past due, of every
 * registered source, and fires each one's command. What is due lives in the event store, so a
 * restart loses nothing; it only picks it up on its next look. Runs with the projector role, in
 * one process or several. While a store is unreachable it looks less and less often (up to every
 * 10 s) and goes back to every second at the first look that works.
 */
@Injectable()
export class DurableTimer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('durable-timer');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private failures = 0;

  constructor(
    private readonly commands: CommandBus,
    private readonly es: EventSourcing,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CONFIG) private readonly config: KairosConfig,
  ) {}

  onApplicationBootstrap() {
    if (!this.config.roles.includes('projector')) return;
    this.schedule(SWEEP_EVERY_MS);
  }

  private schedule(delay: number) {
    this.timer = setTimeout(() => (this.running = this.sweepAndSchedule()), delay);
  }

  /** Never rejects: a failing look is logged once per outage, and each one after it waits longer. */
  private async sweepAndSchedule(): Promise<void> {
    try {
      await this.sweep();
      if (this.failures > 0) this.logger.log({ message: 'looking for due timers again', failedLooks: this.failures });
      this.failures = 0;
    } catch (error) {
      if (this.failures++ === 0) this.logger.warn({ message: 'could not look for due timers; backing off', error: (error as Error).message });
    }
    if (!this.stopped) this.schedule(Math.min(SWEEP_EVERY_MS * 2 ** this.failures, MAX_SWEEP_BACKOFF_MS));
  }

  async onApplicationShutdown() {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Fires every timer due by now, of every tenant and source; answers how many it found. */
  async sweep(): Promise<number> {
    const now = this.es.now().toISOString();
    let fired = 0;
    for (const source of TIMER_SOURCES) {
      const due = await this.readStore.find<DueTimer>(source.collection, SYSTEM_TENANT, { where: { dueAt: { lt: now } }, orderBy: 'dueAt', limit: DUE_PER_SWEEP });
      for (const timer of due.items) {
        const ctx: RequestContext = { tenant: timer.tenant, actor: { type: 'SYSTEM' }, correlationId: uuidV5(KAIROS_NAMESPACE, `${source.collection}:${timer.id}:${timer.dueAt}`) };
        try {
          await this.commands.execute(source.commandFor(timer, ctx));
        } catch (error) {
          // The rest would fail the same way: the sweep backs off instead.
          if (error instanceof StoreUnavailable) throw error;
          this.logger.warn({ message: 'could not fire a due timer', collection: source.collection, timer: timer.id, error: (error as Error).message });
        }
      }
      fired += due.items.length;
    }
    return fired;
  }
}
