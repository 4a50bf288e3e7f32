import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { EventStore } from '@kairos/event-store';
import { CheckpointedRunner, projectionRunner, publishingRunner } from '@kairos/projections';
import { InProcessPublisher, PublishedMessage, Publisher } from '@kairos/publisher';
import { ReadStore } from '@kairos/read-store';
import { KairosConfig } from '../config/config';
import { IDEMPOTENCY } from '../http/idempotency';
import { Metrics } from '../ops/metrics';
import { PROJECTIONS } from './projections';
import { CONFIG, EVENT_STORE, PUBLISHER, READ_STORE } from './tokens';


/** A published event as in-process listeners receive it through the Nest EventBus. */
export class KairosEventPublished {
  constructor(readonly message: PublishedMessage) {}
}

/**
 * Starts the roles this process plays: projector (read models) and publisher (Kafka or in-process).
 * Both follow the event store from durable checkpoints, so they can run here or in other processes.
 */
@Injectable()
export class Runtime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('runtime');
  private readonly runners: CheckpointedRunner[] = [];

  constructor(
    @Inject(CONFIG) private readonly config: KairosConfig,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(PUBLISHER) private readonly publisher: Publisher,
    private readonly eventBus: EventBus,
    private readonly metrics: Metrics,
  ) {}

  async onApplicationBootstrap() {
    await this.readStore.ensureCollections([...PROJECTIONS.flatMap((p) => p.collections), IDEMPOTENCY]);
    const hooks = {
      onError: (name: string, error: unknown) => {
        this.metrics.runnerErrors.inc({ runner: name });
        this.logger.warn({ message: `${name} failed a batch; retrying`, error: error instanceof Error ? error.message : String(error) });
      },
      onProgress: (name: string, position: number, events: { recordedAt: string }[]) => {
        this.metrics.runnerPosition.set({ runner: name }, position);
        this.metrics.runnerLag.observe({ runner: name }, (Date.now() - Date.parse(events[events.length - 1].recordedAt)) / 1000);
      },
    };
    if (this.config.roles.includes('projector')) {
      for (const projection of PROJECTIONS) this.runners.push(projectionRunner(projection, this.eventStore, this.readStore, hooks));
    }
    if (this.config.roles.includes('publisher')) {
      if (this.publisher instanceof InProcessPublisher) {
        this.publisher.subscribe((message) => this.eventBus.publish(new KairosEventPublished(message)));
      }
      this.runners.push(publishingRunner(this.publisher, this.eventStore, this.readStore, hooks));
    }
    for (const runner of this.runners) await runner.start();
    this.logger.log({ message: 'started', roles: this.config.roles, runners: this.runners.map((r) => r.name) });
  }

  async onApplicationShutdown() {
    await Promise.all(this.runners.map((r) => r.stop()));
  }
}
