import { RecordedEvent } from '@kairos/core';
import { EventStore, Subscription } from '@kairos/event-store';
import { ReadStore } from '@kairos/read-store';
import { Lease, RunnerLeases } from './leases';

export interface RunnerHooks {
  onError?(name: string, error: unknown): void;
  onProgress?(name: string, position: number, events: RecordedEvent[]): void;
  /**
   * The runner now writes its checkpoint, continuing from `position` as it read it from the store;
   * until `onStandby`, nothing else does (bar a rebuild, which makes its next batch refused).
   */
  onLeading?(name: string, position: number | null): void;
  /** The runner stopped writing: another process (or its own next start) may write from here on. */
  onStandby?(name: string): void;
}

/** How often a runner standing by asks for its lease again; also the pause after a failed attempt. */
export const LEASE_RETRY_MS = 1000;
const MAX_RETRY_MS = 5_000;

export interface RunnerOptions {
  batchSize?: number;
  /** How often, at most, a runner that has caught up reads the log again (`SubscribeAllOptions.paceMs`). */
  paceMs?: number;
}

/** Thrown inside a batch when the stored checkpoint moved under us (a rebuild, another runner). */
class CheckpointMoved extends Error {}

/**
 * Reads the global log from a durable checkpoint and hands each batch to `handle`, which must
 * store the new checkpoint itself (with its read-model changes, or after publishing) through
 * `ReadStore.applyBatch` and say whether the stored checkpoint was still where it expected.
 *
 * It runs only while it holds the lease on its name, so among processes sharing a database one
 * runs each runner and the others stand by, asking again every second; a leader that dies or loses
 * its lease is replaced within about that. Should a batch be refused all the same (a rebuild, or
 * a leader that had lost its lease without knowing yet), it re-reads the checkpoint and goes on
 * from there, saying so through `onStandby` and `onLeading`.
 */
export class CheckpointedRunner {
  private subscription?: Subscription;
  private lease?: Lease;
  private position: number | null = null;
  private stopped = true;
  private retry?: NodeJS.Timeout;
  private failures = 0;
  /** Leading, standing by, restarting and stopping happen one at a time, in the order they were asked for. */
  private transitions: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly eventStore: EventStore,
    private readonly readStore: ReadStore,
    private readonly handle: (events: RecordedEvent[], expected: number | null) => Promise<boolean>,
    private readonly leases: RunnerLeases,
    private readonly hooks: RunnerHooks = {},
    private readonly options: RunnerOptions = {},
  ) {}

  get leading(): boolean {
    return this.lease !== undefined;
  }

  /** Leads if the lease is free, otherwise stands by; a failure of this first attempt is thrown, later ones retried. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.step(() => this.campaign());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.step(() => this.standBy());
  }

  private step(transition: () => Promise<void>): Promise<void> {
    const next = this.transitions.then(transition);
    this.transitions = next.catch(() => undefined);
    return next;
  }

  private later(delay: number) {
    clearTimeout(this.retry);
    if (this.stopped) return;
    this.retry = setTimeout(
      () =>
        void this.step(() => this.campaign()).catch((error: unknown) => {
          this.hooks.onError?.(this.name, error);
          this.later(Math.min(LEASE_RETRY_MS * 2 ** ++this.failures, MAX_RETRY_MS));
        }),
      delay,
    );
  }

  private async campaign(): Promise<void> {
    if (this.stopped || this.lease) return;
    let lease: Lease | null = null;
    lease = await this.leases.tryAcquire(this.name, () => {
      void this.step(async () => {
        if (this.lease !== lease) return;
        await this.standBy();
        this.later(LEASE_RETRY_MS);
      });
    });
    this.failures = 0;
    if (!lease) return this.later(LEASE_RETRY_MS);
    this.lease = lease;
    await this.follow();
  }

  /** Follows the log from the checkpoint as the store has it now; stands by if it cannot. */
  private async follow(): Promise<void> {
    try {
      this.position = await this.readStore.checkpoint(this.name);
      this.hooks.onLeading?.(this.name, this.position);
      this.subscription = this.eventStore.subscribeAll({
        after: this.position,
        batchSize: this.options.batchSize ?? 500,
        paceMs: this.options.paceMs,
        onEvents: async (events) => {
          const applied = await this.handle(events, this.position);
          if (!applied) throw new CheckpointMoved(`${this.name}: checkpoint moved`);
          this.position = events[events.length - 1].position;
          this.hooks.onProgress?.(this.name, this.position, events);
        },
        onError: (error) => {
          if (error instanceof CheckpointMoved) {
            void this.step(() => this.restart()).catch((failure: unknown) => {
              this.hooks.onError?.(this.name, failure);
              this.later(LEASE_RETRY_MS);
            });
            return;
          }
          this.hooks.onError?.(this.name, error);
        },
      });
    } catch (error) {
      await this.standBy();
      throw error;
    }
  }

  private async unsubscribe(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.stop();
  }

  /** Still leading, but someone else wrote: what this process knows of the read models goes, and it carries on from the stored checkpoint. */
  private async restart(): Promise<void> {
    if (!this.subscription) return;
    await this.unsubscribe();
    this.hooks.onStandby?.(this.name);
    await this.follow();
  }

  private async standBy(): Promise<void> {
    const lease = this.lease;
    if (!lease) return;
    await this.unsubscribe();
    this.lease = undefined;
    this.hooks.onStandby?.(this.name);
    await lease.release().catch(() => undefined);
  }
}
