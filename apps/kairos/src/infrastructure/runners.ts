import { EventStore } from '@kairos/event-store';
import { CheckpointedRunner, RunnerHooks, RunnerLeases, projectionRunner, publishingRunner } from '@kairos/projections';
import { Publisher } from '@kairos/publisher';
import { ReadStore } from '@kairos/read-store';
import { EVENT_ROUTES } from '../capabilities';
import { KairosConfig } from '../config/config';
import { PROJECTIONS } from './projections';

/** Which runners a thread hosts: every projection, the publisher, or both. */
export interface Hosted {
  projections: boolean;
  publisher: boolean;
}

/** How often, at most, caught-up runners read the log again (`KairosConfig.projectionPaceMs`, `publishPaceMs`). */
export type Pacing = Pick<KairosConfig, 'projectionPaceMs' | 'publishPaceMs'>;

/** The runners of the roles a thread hosts, not yet started; the same on the request thread and in the runner thread. */
export const runnersFor = (hosted: Hosted, eventStore: EventStore, readStore: ReadStore, publisher: Publisher, leases: RunnerLeases, hooks: RunnerHooks, pacing: Pacing): CheckpointedRunner[] => [
  ...(hosted.projections ? PROJECTIONS.map((projection) => projectionRunner(projection, eventStore, readStore, leases, hooks, { paceMs: pacing.projectionPaceMs })) : []),
  ...(hosted.publisher ? [publishingRunner(publisher, EVENT_ROUTES, eventStore, readStore, leases, hooks, { paceMs: pacing.publishPaceMs })] : []),
];
