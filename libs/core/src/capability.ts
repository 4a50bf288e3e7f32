import { EventCatalog } from './event-schema';
import { ProjectionDefinition } from './projection';

/**
 * What one domain library contributes to the service, so that the app registers a capability by
 * listing its descriptor once.
 */
export interface Capability {
  readonly name: string;
  readonly projections: readonly ProjectionDefinition[];
  /** The events it publishes; none for a capability that only reads others' events. */
  readonly events?: EventCatalog;
}
