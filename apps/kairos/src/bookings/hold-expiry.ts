import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { HOLD_TIMERS } from '@kairos/bookings';
import { KAIROS_NAMESPACE, SYSTEM_TENANT, StoreUnavailable, uuidV5 } from '@kairos/core';
import { ReadStore } from '@kairos/read-store';
import { KairosConfig } from '../config/config';
import { RequestContext } from '../http/request-context';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { CONFIG, READ_STORE } from '../infrastructure/tokens';
import { EndSlotHold } from './slot-holds';
import { EndWaitlistEntry } from './waitlists';

const SWEEP_EVERY_MS = 1000;
const MAX_SWEEP_BACKOFF_MS = 10_000;

/**
 * The durable timer: every second it asks the read model for holds and waitlist offers past their
 * expiry and ends them
 * with an event. The hold and its expiry live in the event store, so a restart loses nothing; it
 * only picks them up on its next look. Runs with the projector role, in one process or several
 * (ending a hold twice is a no-op). While a store is unreachable it looks less and less often (up to
 * every 10 s) and goes back to every second at the first look that works.
 */
@Injectable()
export class HoldExpiryTimer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('hold-expiry');
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
      if (this.failures > 0) this.logger.log({ message: 'looking for expired holds again', failedLooks: this.failures });
      this.failures = 0;
    } catch (error) {
      if (this.failures++ === 0) this.logger.warn({ message: 'could not look for expired holds; backing off', error: (error as Error).message });
    }
    if (!this.stopped) this.schedule(Math.min(SWEEP_EVERY_MS * 2 ** this.failures, MAX_SWEEP_BACKOFF_MS));
  }

  async onApplicationShutdown() {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Ends every due hold of every tenant. */
  async sweep(): Promise<number> {
    const now = this.es.now().toISOString();
    const due = await this.readStore.find<{ id: string; kind: 'hold' | 'offer'; tenant: string; holdId?: string; entryId?: string }>(HOLD_TIMERS, SYSTEM_TENANT, {
      where: { dueAt: { lt: now } },
      orderBy: 'dueAt',
      limit: 200,
    });
    for (const timer of due.items) {
      const ctx: RequestContext = { tenant: timer.tenant, actor: { type: 'SYSTEM' }, correlationId: uuidV5(KAIROS_NAMESPACE, `expire:${timer.id}`) };
      try {
        await this.commands.execute(timer.kind === 'offer' ? new EndWaitlistEntry(ctx, timer.entryId!, 'expire') : new EndSlotHold(ctx, timer.holdId!, 'expire'));
      } catch (error) {
        // The rest would fail the same way: the sweep backs off instead.
        if (error instanceof StoreUnavailable) throw error;
        this.logger.warn({ message: 'could not end an expired hold or offer', timer: timer.id, error: (error as Error).message });
      }
    }
    return due.items.length;
  }
}
