import { EventStore } from '@kairos/event-store';
import { ReadStore } from '@kairos/read-store';
import { CheckpointedRunner, RunnerHooks, RunnerOptions } from './checkpointed-runner';
import { RunnerLeases } from './leases';
import { Projection } from './projection';

/** Applies each batch to the read models and moves the checkpoint in the same step. */
export const projectionRunner = (projection: Projection, eventStore: EventStore, readStore: ReadStore, leases: RunnerLeases, hooks?: RunnerHooks, options?: RunnerOptions) =>
  new CheckpointedRunner(
    projection.name,
    eventStore,
    readStore,
    (events, expected) => {
      const byPosition = new Map(events.map((e) => [e.position, e]));
      return readStore.applyBatch({
        projection: projection.name,
        expected,
        positions: events.map((e) => e.position),
        apply: (position, writer) => projection.apply(byPosition.get(position)!, writer),
      });
    },
    leases,
    hooks,
    options,
  );

/** Waits until the projection has applied `position` (read-your-writes); false on timeout. */
export const waitForCheckpoint = async (readStore: ReadStore, projection: string, position: number, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
    const checkpoint = await readStore.checkpoint(projection);
    if (checkpoint !== null && checkpoint >= position) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, Math.max(1, deadline - Date.now()))));
  }
};
