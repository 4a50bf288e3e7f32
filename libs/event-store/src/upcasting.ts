import { RecordedEvent } from '@kairos/core';
import { EventStore } from './event-store';

/** Turns the body of `type` at `fromVersion` into the body at `fromVersion + 1`. */
export interface Upcaster {
  type: string;
  fromVersion: number;
  upcast(data: unknown): unknown;
}

/**
 * Old events stay as they were written; readers see them at the version the code understands.
 * Chains steps one version at a time, so each change to an event's shape is written once.
 */
export class Upcasters {
  private readonly steps = new Map<string, Upcaster>();

  constructor(upcasters: Upcaster[] = []) {
    for (const upcaster of upcasters) {
      const key = `${upcaster.type}@${upcaster.fromVersion}`;
      if (this.steps.has(key)) throw new Error(`two upcasters for ${key}`);
      this.steps.set(key, upcaster);
    }
  }

  upcast<E extends RecordedEvent>(event: E): E {
    let current = event;
    for (let step = this.steps.get(`${current.type}@${current.schemaVersion}`); step; step = this.steps.get(`${current.type}@${current.schemaVersion}`)) {
      current = { ...current, data: step.upcast(current.data), schemaVersion: current.schemaVersion + 1 };
    }
    return current;
  }
}

/**
 * The store as readers must see it: every event it reads (a stream, the log, a subscription's
 * batches) brought to the version the code understands. Appends are untouched, so old events stay
 * as they were written and new ones are written at the current version.
 */
export const withUpcasting = (store: EventStore, upcasters: Upcasters): EventStore => {
  const current = (events: RecordedEvent[]) => events.map((event) => upcasters.upcast(event));
  return {
    engine: store.engine,
    append: (requests) => store.append(requests),
    readStream: async (streamId, options) => current(await store.readStream(streamId, options)),
    readAll: async (options) => current(await store.readAll(options)),
    headPosition: () => store.headPosition(),
    subscribeAll: (options) => store.subscribeAll({ ...options, onEvents: (events) => options.onEvents(current(events)) }),
    ping: () => store.ping(),
    close: () => store.close(),
  };
};
