import { NewEvent, RecordedEvent } from '@kairos/core';

/** What the writer believes about the stream: EventStoreDB's vocabulary, so every engine means the same. */
export type ExpectedRevision = 'noStream' | 'any' | 'streamExists' | number;

export interface AppendRequest {
  streamId: string;
  /** A number is the 0-based revision of the stream's last event. */
  expectedRevision: ExpectedRevision;
  events: NewEvent[];
}

export interface AppendResult {
  /** 0-based revision of the stream's last event after the append, per stream in request order. */
  nextRevisions: number[];
  /** Global position of the last event appended (or found, for an idempotent retry). */
  position: number;
}

export class WrongExpectedRevision extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'noStream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevision';
  }
}

export interface ReadAllOptions {
  /** Exclusive: events after this position. `null` reads from the start. */
  after: number | null;
  limit: number;
}

export interface Subscription {
  stop(): Promise<void>;
}

export interface SubscribeAllOptions {
  after: number | null;
  /** Handles one batch in global order; the next batch is read only after it resolves. */
  onEvents(events: RecordedEvent[]): Promise<void>;
  onError?(error: unknown): void;
  batchSize?: number;
  /**
   * Once caught up, the log is read at most once per this many milliseconds (0, the default: as
   * soon as woken). Under a steady stream of appends a batch then gathers what arrived meanwhile,
   * so what a batch costs the consumer (a read, a transaction, a request to a broker) is paid once
   * for many events instead of once for every append; events are seen up to this much later. A
   * quiet log is read as soon as woken, and a consumer behind reads full batches back to back.
   */
  paceMs?: number;
}

export interface EventStore {
  readonly engine: string;
  /**
   * Appends to one or more streams atomically: every event of every stream, or none.
   * Retrying with the same event ids at the same place succeeds without duplicating.
   */
  append(requests: AppendRequest[]): Promise<AppendResult>;
  /** Events of one stream in order; empty when the stream does not exist. */
  readStream(streamId: string, options?: { fromRevision?: number }): Promise<RecordedEvent[]>;
  /** Events of every stream in global order. Never returns an event before one that precedes it and is still in flight. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Position of the last event readers can see, `null` for an empty log. */
  headPosition(): Promise<number | null>;
  /** Catch-up subscription: reads history after `after`, then turns live; never skips or reorders. */
  subscribeAll(options: SubscribeAllOptions): Subscription;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const appendToStream = (store: EventStore, streamId: string, expectedRevision: ExpectedRevision, events: NewEvent[]) =>
  store.append([{ streamId, expectedRevision, events }]);
