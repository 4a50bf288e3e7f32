import { Projection, projectionOf } from '@kairos/projections';
import { CAPABILITIES } from '../capabilities';

export const PROJECTIONS: Projection[] = CAPABILITIES.flatMap((capability) => capability.projections.map(projectionOf));

/** Which projection writes each read-model collection. */
export const collectionOwners = (): Map<string, string> => new Map(PROJECTIONS.flatMap((p) => p.collections.map((c): [string, string] => [c, p.name])));
