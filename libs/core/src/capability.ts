import { EventCatalog } from './event-schema';
import { ErasureRule, PersonalDataRule } from './personal-data';
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
  /** The fields of its events (published or internal) that hold a person's data, sealed in the log with that person's key. */
  readonly personalData?: readonly PersonalDataRule[];
  /** The events that erase a person: appending one destroys that person's key first. */
  readonly erasures?: readonly ErasureRule[];
}
