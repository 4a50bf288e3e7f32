import { EventStore } from '@kairos/event-store';
import { EventRoutes, Publisher, toPublishedMessage } from '@kairos/publisher';
import { ReadStore } from '@kairos/read-store';
import { CheckpointedRunner, RunnerHooks, RunnerOptions } from './checkpointed-runner';
import { RunnerLeases } from './leases';

/**
 * Publishes the global log from its own checkpoint: send the batch, then move the checkpoint.
 * A crash in between resends the batch on restart (at-least-once); a broker outage makes the
 * batch fail and retry with back-off, so nothing is skipped.
 */
export const publishingRunner = (publisher: Publisher, routes: Pick<EventRoutes, 'routeOf'>, eventStore: EventStore, readStore: ReadStore, leases: RunnerLeases, hooks?: RunnerHooks, options?: RunnerOptions) => {
  const name = `publisher:${publisher.engine}`;
  return new CheckpointedRunner(
    name,
    eventStore,
    readStore,
    async (events, expected) => {
      await publisher.publish(events.flatMap((e) => toPublishedMessage(e, routes) ?? []));
      return readStore.applyBatch({ projection: name, expected, positions: [events[events.length - 1].position], apply: async () => undefined });
    },
    leases,
    hooks,
    options,
  );
};
