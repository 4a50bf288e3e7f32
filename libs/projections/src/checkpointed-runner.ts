import { RecordedEvent } from '@kairos/core';
import { EventStore, Subscription } from '@kairos/event-store';
import { ReadStore } from '@kairos/read-store';

export interface RunnerHooks {
  onError?(name: string, error: unknown): void;
  onProgress?(name: string, position: number, events: RecordedEvent[]): void;
}

const RESTART_RETRY_MS = 100;
const MAX_RESTART_RETRY_MS = 5000;

/** Thrown inside a batch when the stored checkpoint moved under us (a rebuild, another runner). */
class CheckpointMoved extends Error {}

/**
 * Reads the global log from a durable checkpoint and hands each batch to `handle`, which must
 * store the new checkpoint itself (with its read-model changes, or after publishing) through
 * `ReadStore.applyBatch` and say whether the stored checkpoint was still where it expected.
 */
export class CheckpointedRunner {
  private subscription?: Subscription;
  private position: number | null = null;
  private restarting?: Promise<void>;
  private stopped = true;

  constructor(
    readonly name: string,
    private readonly eventStore: EventStore,
    private readonly readStore: ReadStore,
    private readonly handle: (events: RecordedEvent[], expected: number | null) => Promise<boolean>,
    private readonly hooks: RunnerHooks = {},
    private readonly batchSize = 500,
  ) {}

  get lastPosition(): number | null {
    return this.position;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.position = await this.readStore.checkpoint(this.name);
    this.subscription = this.eventStore.subscribeAll({
      after: this.position,
      batchSize: this.batchSize,
      onEvents: async (events) => {
        const applied = await this.handle(events, this.position);
        if (!applied) throw new CheckpointMoved(`${this.name}: checkpoint moved`);
        this.position = events[events.length - 1].position;
        this.hooks.onProgress?.(this.name, this.position, events);
      },
      onError: (error) => {
        if (error instanceof CheckpointMoved) {
          this.restarting ??= this.restart().finally(() => (this.restarting = undefined));
          return;
        }
        this.hooks.onError?.(this.name, error);
      },
    });
  }

  /** Reads the checkpoint again and follows on from there; a store that cannot answer yet is asked again, backing off. */
  private async restart(): Promise<void> {
    await this.subscription?.stop();
    for (let failures = 0; !this.stopped; failures++) {
      try {
        await this.start();
        return;
      } catch (error) {
        this.hooks.onError?.(this.name, error);
        await new Promise((resolve) => setTimeout(resolve, Math.min(RESTART_RETRY_MS * 2 ** failures, MAX_RESTART_RETRY_MS)));
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.restarting;
    await this.subscription?.stop();
  }
}
