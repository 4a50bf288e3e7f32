import { DomainEvent } from './domain-event';
import { EventMetadata, RecordedEvent } from './events';

/** The tenant of documents kept for every tenant at once, such as durable timers: one query finds them all. */
export const SYSTEM_TENANT = '_system';

/** A read-model document: JSON, identified by `id` within its tenant. */
export type ReadModelDoc = { id: string } & Record<string, unknown>;

/** Where a document lives: a collection, a tenant within it, an id within the tenant. */
export interface DocumentKey {
  collection: string;
  tenant: string;
  id: string;
}

/** One change a projection makes to the read models; a projection's writes for an event land in order. */
export type DocumentWrite = ({ op: 'put'; doc: ReadModelDoc } | { op: 'delete'; id: string }) & Omit<DocumentKey, 'id'>;

export const putDoc = (collection: string, tenant: string, doc: ReadModelDoc): DocumentWrite => ({ op: 'put', collection, tenant, doc });
export const deleteDoc = (collection: string, tenant: string, id: string): DocumentWrite => ({ op: 'delete', collection, tenant, id });

/**
 * The read models as they stood before the event, answered synchronously from documents loaded
 * beforehand. A projection asks for whatever it needs, including documents named by other
 * documents; whoever runs it loads what was asked for and not yet loaded, and runs it again.
 */
export interface DocumentLookup {
  get<T extends { id: string } = ReadModelDoc>(collection: string, tenant: string, id: string): T | null;
}

/** An event as a projection receives it: the domain event with its envelope (tenant, time). */
export type ProjectedEvent<E extends DomainEvent = DomainEvent> = E & { metadata: EventMetadata };

/** Puts domain events in an envelope, as the log hands them to projections. */
export const enveloped =
  (metadata: EventMetadata) =>
  <E extends DomainEvent>(event: E): ProjectedEvent<E> => ({ ...event, metadata });

/**
 * A projection as a pure definition: the event types it folds and, for each such event, the
 * document writes it makes given the documents it reads. No store, no clock, no promise: the
 * runners own the I/O (see `projectionOf` in @kairos/projections).
 */
export interface ProjectionDefinition<E extends DomainEvent = DomainEvent> {
  readonly name: string;
  readonly collections: string[];
  readonly canHandle: readonly E['type'][];
  evolve(event: ProjectedEvent<E>, documents: DocumentLookup): DocumentWrite[];
}

/** Every type of an event union, checked complete by the compiler: a type added to the union must be listed here too. */
export const everyType = <E extends DomainEvent>(types: { readonly [T in E['type']]: true }): E['type'][] => Object.keys(types) as E['type'][];

/** A guard for the events of the given types: `isOneOf(types)(event)` narrows the event to theirs. */
export const isOneOf =
  <E extends DomainEvent>(types: readonly E['type'][]) =>
  <Other extends DomainEvent>(event: ProjectedEvent<E | Other>): event is ProjectedEvent<E> =>
    (types as readonly string[]).includes(event.type);

/** The event typed as the definition's, or null when the definition does not fold events of its type. */
export const handledEvent = <E extends DomainEvent>(definition: ProjectionDefinition<E>, event: RecordedEvent | ProjectedEvent): ProjectedEvent<E> | null =>
  (definition.canHandle as readonly string[]).includes(event.type) ? (event as unknown as ProjectedEvent<E>) : null;

/** One string per document, for maps of documents (the separator cannot occur in a collection or tenant name). */
export const documentKeyOf = (collection: string, tenant: string, id: string) => `${collection}\u0000${tenant}\u0000${id}`;

/**
 * One attempt at an event over the documents known so far (`known` answers undefined for a
 * document not loaded yet, null for one that does not exist): the writes, once every document the
 * projection asked for was known; otherwise the documents to load before the next attempt. An
 * attempt on incomplete documents may fail; it is the next one that counts.
 */
export const evolveWith = <E extends DomainEvent>(
  definition: ProjectionDefinition<E>,
  event: ProjectedEvent<E>,
  known: (key: DocumentKey) => ReadModelDoc | null | undefined,
): { writes: DocumentWrite[] } | { needs: DocumentKey[] } => {
  const needs = new Map<string, DocumentKey>();
  const documents: DocumentLookup = {
    get: <T extends { id: string }>(collection: string, tenant: string, id: string) => {
      const doc = known({ collection, tenant, id });
      if (doc === undefined) needs.set(documentKeyOf(collection, tenant, id), { collection, tenant, id });
      return (doc ?? null) as T | null;
    },
  };
  try {
    const writes = definition.evolve(event, documents);
    return needs.size === 0 ? { writes } : { needs: [...needs.values()] };
  } catch (error) {
    if (needs.size === 0) throw error;
    return { needs: [...needs.values()] };
  }
};

/** Read models held in memory, folded by a definition: what a store would hold, without one. */
export class MemoryReadModels implements DocumentLookup {
  private readonly docs = new Map<string, ReadModelDoc>();

  get<T extends { id: string } = ReadModelDoc>(collection: string, tenant: string, id: string): T | null {
    return (this.docs.get(documentKeyOf(collection, tenant, id)) as T | undefined) ?? null;
  }

  /** Every document of a collection in a tenant, in the order they were first written. */
  all<T extends { id: string } = ReadModelDoc>(collection: string, tenant: string): T[] {
    const prefix = documentKeyOf(collection, tenant, '');
    return [...this.docs].filter(([key]) => key.startsWith(prefix)).map(([, doc]) => doc as unknown as T);
  }

  write(writes: readonly DocumentWrite[]): void {
    for (const w of writes) {
      if (w.op === 'put') this.docs.set(documentKeyOf(w.collection, w.tenant, w.doc.id), w.doc);
      else this.docs.delete(documentKeyOf(w.collection, w.tenant, w.id));
    }
  }

  /** Folds the events a definition handles, one after the other; the others pass by. */
  project<E extends DomainEvent>(definition: ProjectionDefinition<E>, events: Iterable<RecordedEvent | ProjectedEvent>): this {
    for (const event of events) {
      const handled = handledEvent(definition, event);
      if (handled) this.write(definition.evolve(handled, this));
    }
    return this;
  }
}
