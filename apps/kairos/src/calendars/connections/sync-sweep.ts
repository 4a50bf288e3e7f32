import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CALENDAR_SYNC_DUE, SyncDueDoc } from '@kairos/calendars';
import { KAIROS_NAMESPACE, uuidV5 } from '@kairos/core';
import { ReadStore } from '@kairos/read-store';
import { KairosConfig } from '../../config/config';
import { EventSourcing } from '../../infrastructure/event-sourcing';
import { BackgroundDueWork, RepeatingSweep } from '../../infrastructure/sweeps';
import { CONFIG, READ_STORE } from '../../infrastructure/tokens';
import { CalendarSync } from './calendar-sync';

/** What this process last read of a connection: an unchanged calendar records nothing, so its due time does not move. */
interface LastRead {
  /** The due time the read model showed when the read started. */
  dueAt: string;
  /** Not read again before this (epoch ms), unless its due time moves. */
  until: number;
}

/**
 * The per-connection timer. Every second (backing off while a store is down) it pages through the
 * connections due, oldest first, and starts their syncs in the background, at most
 * KAIROS_CALENDAR_SYNC_CONCURRENCY at once, so a slow calendar never holds up the others nor any
 * other timer. A connection is due at its recorded due time (an interval after its last recorded
 * outcome; at once when created, given a new secret or another URL), or, when this process read it
 * and found it unchanged, an interval after that read. What is due lives in the read model, so a
 * restart loses nothing. Runs with the projector role; several processes may read one calendar at
 * once, harmlessly (the connection stream's revision orders their appends).
 */
@Injectable()
export class CalendarSyncSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('calendar-sync');
  private readonly looks = new RepeatingSweep(this.logger, 'look for calendars due', () => this.sweep());
  private readonly lastRead = new Map<string, LastRead>();
  private readonly stopping = new AbortController();
  private readonly syncs: BackgroundDueWork<SyncDueDoc>;

  constructor(
    private readonly calendarSync: CalendarSync,
    private readonly es: EventSourcing,
    @Inject(READ_STORE) readStore: ReadStore,
    @Inject(CONFIG) private readonly config: KairosConfig,
  ) {
    this.syncs = new BackgroundDueWork(readStore, CALENDAR_SYNC_DUE, config.calendars.syncConcurrency);
  }

  onApplicationBootstrap() {
    if (this.config.roles.includes('projector')) this.looks.start();
  }

  async onApplicationShutdown() {
    this.stopping.abort();
    await this.looks.stop();
    await this.syncs.settled();
  }

  /** Starts the syncs due now, as many as there is room for; answers how many it started. */
  async sweep(): Promise<number> {
    const now = this.es.now();
    for (const [key, last] of this.lastRead) if (last.until <= now.getTime()) this.lastRead.delete(key);
    return this.syncs.startDue(
      now.toISOString(),
      (due) => `${due.tenant}\n${due.id}`,
      (due, key) => {
        const last = this.lastRead.get(key);
        return !(last && last.dueAt === due.dueAt && last.until > now.getTime());
      },
      (due, key) => this.start(key, due),
    );
  }

  private async start(key: string, due: SyncDueDoc): Promise<void> {
    const correlationId = uuidV5(KAIROS_NAMESPACE, `${CALENDAR_SYNC_DUE}:${due.id}:${due.dueAt}`);
    try {
      const run = await this.calendarSync.sync({ tenant: due.tenant, actor: { type: 'SYSTEM' }, correlationId }, due.id, this.stopping.signal);
      this.lastRead.set(key, { dueAt: due.dueAt, until: this.es.now().getTime() + run.intervalMinutes * 60_000 });
    } catch (error) {
      if (!this.stopping.signal.aborted) this.logger.warn({ message: 'could not sync a calendar', connection: due.id, error: (error as Error).message });
      // Tried again at the next look that finds it due, a minute from now at the soonest.
      this.lastRead.set(key, { dueAt: due.dueAt, until: this.es.now().getTime() + 60_000 });
    }
  }
}
