import { ProjectionDefinition } from './projection';

/**
 * What one domain library contributes to the service, so that the app registers a capability by
 * listing its descriptor once.
 */
export interface Capability {
  readonly name: string;
  readonly projections: readonly ProjectionDefinition[];
}
