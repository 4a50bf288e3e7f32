import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { KAIROS_NAMESPACE, SYSTEM_TENANT, StoreUnavailable, uuidV5 } from '@kairos/core';
import { ReadStore } from '@kairos/read-store';
import { TIMER_SOURCES } from '../capabilities';
import { KairosConfig } from '../config/config';
import { RequestContext } from '../http/request-context';
import { EventSourcing } from './event-sourcing';
import { RepeatingSweep } from './sweeps';
import { DueTimer } from './timers';
import { CONFIG, READ_STORE } from './tokens';

const DUE_PER_SWEEP = 200;

/**
 * The durable timer: every second it asks the read models for timers past due, of every
 * registered source, and fires each one's command. What is due lives in the event store, so a
 * restart loses nothing; it only picks it up on its next look. Runs with the projector role, in
 * one process or several, backing off while a store is unreachable (RepeatingSweep).
 */
@Injectable()
export class DurableTimer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('durable-timer');
  private readonly looks = new RepeatingSweep(this.logger, 'look for due timers', () => this.sweep());

  constructor(
    private readonly commands: CommandBus,
    private readonly es: EventSourcing,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CONFIG) private readonly config: KairosConfig,
  ) {}

  onApplicationBootstrap() {
    if (this.config.roles.includes('projector')) this.looks.start();
  }

  onApplicationShutdown() {
    return this.looks.stop();
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
