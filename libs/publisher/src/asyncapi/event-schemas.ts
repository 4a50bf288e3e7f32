import { EventRoutes, ceTypeOf, dataSchemaOf } from '../cloud-events';
import { JsonSchema, toJsonSchema } from './json-schema';

/** A published event's body schema as a standalone JSON Schema document, as committed under docs/events/. */
export interface EventSchemaFile {
  /** `<ce_type>.json`, e.g. `kairos.booking.created.v1.json`. */
  file: string;
  schema: { $schema: string; $id: string; title: string; description: string } & JsonSchema;
}

/**
 * One document per published event type, from the same TypeBox declarations as the AsyncAPI
 * document, so a consumer can validate a message's value by its `ce_type` without the AsyncAPI
 * tooling. The `$id` is a URN: the schemas are files in the repository, not served anywhere.
 */
export const eventSchemaFiles = (routes: Pick<EventRoutes, 'events'>): EventSchemaFile[] =>
  routes.events.map((event) => {
    const ceType = ceTypeOf(event);
    const { description, ...body } = toJsonSchema(event.body);
    return {
      file: `${ceType}.json`,
      schema: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        $id: dataSchemaOf(event),
        title: ceType,
        description: description ?? event.summary,
        ...body,
      },
    };
  });
