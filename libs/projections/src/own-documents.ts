import { LRUCache } from 'lru-cache';
import { deepFreeze } from '@kairos/core';
import { Doc, Identified, ReadModelWriter } from '@kairos/read-store';

/** Enough for the documents a busy tenant's recent events touch, small enough to keep per projection. */
const DEFAULT_MAX_DOCUMENTS = 1000;

/** What a batch read or wrote, by document. */
export type SeenDocuments = Map<string, { doc: Doc | null }>;

const keyOf = (collection: string, tenant: string, id: string) => `${collection}\u0000${tenant}\u0000${id}`;

/**
 * The documents a leading runner last read or wrote in its own collections. While it leads, nothing
 * else writes them, so what it remembers is what the store holds and a read of it needs no round
 * trip (most events' projections read the document they then write). What a batch read or wrote is
 * remembered only once the batch committed; a refused or failed batch, and any new start of leading
 * (someone else may have written in between), forget everything. Documents are frozen as they are
 * seen: one shared between batches must not change under them.
 */
export class OwnDocuments {
  private readonly docs: LRUCache<string, { doc: Doc | null }>;

  constructor(maxDocuments = DEFAULT_MAX_DOCUMENTS) {
    this.docs = new LRUCache({ max: maxDocuments });
  }

  /** A batch's view: what it remembers, else the store's writer; what the batch sees goes to `seen`. */
  writer(store: ReadModelWriter, seen: SeenDocuments): ReadModelWriter {
    return {
      get: async <T extends Identified = Doc>(collection: string, tenant: string, id: string) => {
        const key = keyOf(collection, tenant, id);
        const known = seen.get(key) ?? this.docs.get(key);
        if (known) return known.doc as T | null;
        const doc = await store.get<T>(collection, tenant, id);
        seen.set(key, { doc: doc && deepFreeze(doc as Doc) });
        return doc;
      },
      put: async (collection, tenant, doc) => {
        seen.set(keyOf(collection, tenant, doc.id), { doc: deepFreeze(doc) });
        await store.put(collection, tenant, doc);
      },
      delete: async (collection, tenant, id) => {
        seen.set(keyOf(collection, tenant, id), { doc: null });
        await store.delete(collection, tenant, id);
      },
    };
  }

  /** The batch committed: what it saw is what the store now holds. */
  keep(seen: SeenDocuments): void {
    for (const [key, known] of seen) this.docs.set(key, known);
  }

  forget(): void {
    this.docs.clear();
  }
}
