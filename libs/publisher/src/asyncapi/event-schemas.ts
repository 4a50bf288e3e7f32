import { EventRoutes, PublishedMessage, ceTypeOf, dataSchemaOf } from '../cloud-events';
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
 * `examples`: messages as the service publishes them; each file shows the values of its `ce_type`.
 */
export const eventSchemaFiles = (routes: Pick<EventRoutes, 'events'>, examples: readonly PublishedMessage[] = []): EventSchemaFile[] =>
  routes.events.map((event) => {
    const ceType = ceTypeOf(event);
    const { description, ...body } = toJsonSchema(event.body);
    const values = examples.filter((m) => m.headers.ce_type === ceType).map((m) => JSON.parse(m.value) as unknown);
    return {
      file: `${ceType}.json`,
      schema: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        $id: dataSchemaOf(event),
        title: ceType,
        description: description ?? event.summary,
        ...body,
        ...(values.length > 0 ? { examples: values } : {}),
      },
    };
  });
