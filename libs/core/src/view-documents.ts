import { advance } from './aggregate';
import { AggregateMeta } from './event-schema';
import { DomainEvent } from './domain-event';
import { DocumentLookup, DocumentWrite, ProjectedEvent, ReadModelDoc, isOneOf, putDoc } from './projection';

/** A document that holds one aggregate's view, as its events built it. */
export type ViewDoc = ReadModelDoc & AggregateMeta;

/**
 * What one event does to its aggregate's document: `'creates'` when the event carries the whole
 * view, otherwise the document after the event given the one before.
 */
export type ViewStep<Data> = 'creates' | ((doc: ViewDoc, data: Data) => ViewDoc);

/** `updated` events: the changed fields, stamped with the update. */
export const updatedFields = (doc: ViewDoc, data: { changes: object; updatedAt: string }): ViewDoc => advance(doc, data.updatedAt, { ...data.changes });

/** `deleted` events: the view stays, marked deleted. */
export const markedDeleted = (doc: ViewDoc, data: { deletedAt: string }): ViewDoc => advance(doc, data.deletedAt, { deletedAt: data.deletedAt });

type Steps<E extends DomainEvent<string, { id: string }>> = { readonly [T in E['type']]: ViewStep<Extract<E, { type: T }>['data']> };

/**
 * An aggregate's view kept as a document of `collection`, one per aggregate id, with each of its
 * event types declared with what it does. `derive` adds query-only fields (prefixed `_`, never
 * shown to callers) to every version of the document.
 */
export const viewDocuments = <E extends DomainEvent<string, { id: string }>>(
  collection: string,
  steps: Steps<E>,
  derive: (doc: ViewDoc) => Record<string, unknown> = () => ({}),
) => {
  const canHandle = Object.keys(steps) as E['type'][];
  /** The document after the event; null for an event about an aggregate the read models never saw created. */
  const next = (event: ProjectedEvent<E>, documents: DocumentLookup): ViewDoc | null => {
    const step = steps[event.type as E['type']] as ViewStep<E['data']>;
    if (step === 'creates') {
      const doc = event.data as unknown as ViewDoc;
      return { ...doc, ...derive(doc) };
    }
    const current = documents.get<ViewDoc>(collection, event.metadata.tenant, event.data.id);
    if (!current) return null;
    const changed = step(current, event.data);
    return { ...changed, ...derive(changed) };
  };
  return {
    collection,
    canHandle,
    handles: isOneOf<E>(canHandle),
    next,
    writes: (event: ProjectedEvent<E>, documents: DocumentLookup): DocumentWrite[] => {
      const doc = next(event, documents);
      return doc ? [putDoc(collection, event.metadata.tenant, doc)] : [];
    },
  };
};
