import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { EventStore } from '@kairos/event-store';
import { CheckpointedRunner, RunnerHooks, RunnerLeases } from '@kairos/projections';
import { InProcessPublisher, PublishedMessage, Publisher } from '@kairos/publisher';
import { ReadStore, RunnerReports, reportsFor } from '@kairos/read-store';
import { KairosConfig } from '../config/config';
import { IDEMPOTENCY } from '../http/idempotency';
import { PROJECTIONS } from './projections';
import { RunnerThread } from './runner-thread';
import { Hosted, runnersFor } from './runners';
import { CONFIG, EVENT_STORE, PUBLISHER, READ_STORE, RUNNER_GAUGES, RUNNER_LEASES, RunnerGauges } from './tokens';

/** A published event as in-process listeners receive it through the Nest EventBus. */
export class KairosEventPublished {
  constructor(readonly message: PublishedMessage) {}
}

/**
 * Starts the roles this process plays: projector (read models) and publisher (Kafka or in-process).
 * Both follow the event store from durable checkpoints, so they can run here, in a worker thread
 * (`KAIROS_RUNNERS=worker`) or in other processes; each runner runs in one process at a time, the
 * one holding its lease, and stands by in the others. The read cache serves what the runners here
 * lead, and hears when they start and stop leading. The in-process publisher always runs here: its
 * listeners are on this thread's event bus.
 */
@Injectable()
export class Runtime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('runtime');
  private readonly runners: CheckpointedRunner[] = [];
  private thread?: RunnerThread;

  constructor(
    @Inject(CONFIG) private readonly config: KairosConfig,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(PUBLISHER) private readonly publisher: Publisher,
    @Inject(RUNNER_LEASES) private readonly leases: RunnerLeases,
    private readonly eventBus: EventBus,
    @Inject(RUNNER_GAUGES) private readonly gauges: RunnerGauges,
  ) {}

  async onApplicationBootstrap() {
    await this.readStore.ensureCollections([...PROJECTIONS.flatMap((p) => p.collections), IDEMPOTENCY]);
    const cache = reportsFor(this.readStore);
    // Runners here write through the cache, which sees their batches itself; those in the thread report them.
    const reports: RunnerReports = {
      leading: (name, position) => {
        cache.leading(name, position);
        this.gauges.runnerLeads(name, true);
        this.logger.log({ message: `${name} leads`, runner: name, position });
      },
      committed: (projection, position, touched, written) => cache.committed(projection, position, touched, written),
      uncertain: () => cache.uncertain(),
      standingBy: (name) => {
        cache.standingBy(name);
        this.gauges.runnerLeads(name, false);
        this.logger.log({ message: `${name} stands by`, runner: name });
      },
    };
    const failed = (name: string, error: unknown) => {
      this.gauges.runnerFailed(name);
      this.logger.warn({ message: `${name} failed a batch; it will try again`, error: error instanceof Error ? error.message : String(error) });
    };
    const progressed = (name: string, position: number, recordedAt: string) => {
      this.gauges.runnerApplied(name, position, (Date.now() - Date.parse(recordedAt)) / 1000);
    };
    const hooks: RunnerHooks = {
      onError: failed,
      onProgress: (name, position, events) => progressed(name, position, events[events.length - 1].recordedAt),
      onLeading: (name, position) => reports.leading(name, position),
      onStandby: (name) => reports.standingBy(name),
    };
    const projections = this.config.roles.includes('projector');
    const publishing = this.config.roles.includes('publisher');
    const inProcess = this.publisher instanceof InProcessPublisher ? this.publisher : null;
    if (publishing && inProcess) inProcess.subscribe((message) => this.eventBus.publish(new KairosEventPublished(message)));
    const inThread: Hosted = this.config.runners === 'worker' ? { projections, publisher: publishing && !inProcess } : { projections: false, publisher: false };
    const here: Hosted = { projections: projections && !inThread.projections, publisher: publishing && !inThread.publisher };
    if (inThread.projections || inThread.publisher) {
      this.thread = new RunnerThread(this.config, inThread, {
        reports,
        progress: progressed,
        error: failed,
      });
      await this.thread.start();
    }
    this.runners.push(...runnersFor(here, this.eventStore, this.readStore, this.publisher, this.leases, hooks, this.config));
    for (const runner of this.runners) await runner.start();
    this.logger.log({ message: 'started', roles: this.config.roles, runners: this.runners.map((r) => r.name), runnerThread: inThread });
  }

  async onApplicationShutdown() {
    await Promise.all([...this.runners.map((r) => r.stop()), this.thread?.stop()]);
  }
}
