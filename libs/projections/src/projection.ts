import { DocumentKey, DomainEvent, ProjectionDefinition, ReadModelDoc, RecordedEvent, documentKeyOf, evolveWith, handledEvent } from '@kairos/core';
import { ReadModelWriter } from '@kairos/read-store';

/** A projection as the runners drive it: every event of the log, folded into read models through a store's writer. */
export interface Projection {
  readonly name: string;
  readonly collections: string[];
  apply(event: RecordedEvent, writer: ReadModelWriter): Promise<void>;
}

const keyOf = ({ collection, tenant, id }: DocumentKey) => documentKeyOf(collection, tenant, id);

/**
 * Runs a pure definition against a store: for each event it handles, loads the documents the
 * definition asks for (again, as long as an answer leads it to ask for more), then writes what
 * it returns, in order.
 */
export const projectionOf = <E extends DomainEvent>(definition: ProjectionDefinition<E>): Projection => {
  return {
    name: definition.name,
    collections: definition.collections,
    async apply(event, writer) {
      const handled = handledEvent(definition, event);
      if (!handled) return;
      const loaded = new Map<string, ReadModelDoc | null>();
      for (;;) {
        const outcome = evolveWith(definition, handled, (key) => loaded.get(keyOf(key)));
        if ('needs' in outcome) {
          for (const key of outcome.needs) loaded.set(keyOf(key), await writer.get(key.collection, key.tenant, key.id));
          continue;
        }
        for (const write of outcome.writes) {
          if (write.op === 'put') await writer.put(write.collection, write.tenant, write.doc);
          else await writer.delete(write.collection, write.tenant, write.id);
        }
        return;
      }
    },
  };
};
