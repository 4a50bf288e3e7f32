import { EventStore } from '@kairos/event-store';
import { RecordedEvent } from '@kairos/core';
import { ReadStore } from '@kairos/read-store';
import { CheckpointedRunner, RunnerHooks } from './checkpointed-runner';
import { RunnerLeases } from './leases';
import { OwnDocuments, SeenDocuments } from './own-documents';
import { Projection } from './projection';

/**
 * A runner's batch: applied to the read models with the checkpoint moved in the same step, reading
 * the documents `own` remembers from earlier batches without a round trip.
 */
export const applyRemembering = (projection: Projection, readStore: ReadStore, own: OwnDocuments) => async (events: RecordedEvent[], expected: number | null) => {
  const byPosition = new Map(events.map((e) => [e.position, e]));
  const seen: SeenDocuments = new Map();
  const applied = await readStore
    .applyBatch({
      projection: projection.name,
      expected,
      positions: events.map((e) => e.position),
      apply: (position, writer) => projection.apply(byPosition.get(position)!, own.writer(writer, seen)),
    })
    .catch((error: unknown) => {
      own.forget();
      throw error;
    });
  if (applied) own.keep(seen);
  else own.forget();
  return applied;
};

/** Follows the log into the read models while it holds the projection's lease; what it remembers goes each time it starts leading. */
export const projectionRunner = (projection: Projection, eventStore: EventStore, readStore: ReadStore, leases: RunnerLeases, hooks: RunnerHooks = {}) => {
  const own = new OwnDocuments();
  return new CheckpointedRunner(projection.name, eventStore, readStore, applyRemembering(projection, readStore, own), leases, {
    ...hooks,
    onLeading: (name, position) => {
      own.forget();
      hooks.onLeading?.(name, position);
    },
  });
};

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
