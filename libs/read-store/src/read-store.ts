/** A read-model document: JSON, identified by `id` within its tenant. */
export type Doc = { id: string } & Record<string, unknown>;

/** What a typed read needs of a document type: an id (interfaces need no index signature). */
export interface Identified {
  id: string;
}

/**
 * On a top-level field: equality; `contains` for an array field holding the value; `in` for a
 * string field equal to one of the values; `gte`/`lt` for a string field in a range (ISO instants
 * compare correctly as strings).
 */
export type FieldFilter =
  | string
  | number
  | boolean
  | null
  | { contains: string | number }
  | { in: string[] }
  | { gte?: string; lt?: string };

export interface FindQuery {
  where?: Record<string, FieldFilter>;
  /** A string field present on every document (ISO instants sort correctly); ties break on id. Defaults to `createdAt`. */
  orderBy?: string;
  descending?: boolean;
  limit: number;
  /** Opaque, from a previous page's `nextCursor`. */
  cursor?: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The writes a projection makes for one event; applied with the checkpoint or not at all. */
export interface ReadModelWriter {
  get<T extends Identified = Doc>(collection: string, tenant: string, id: string): Promise<T | null>;
  put(collection: string, tenant: string, doc: Doc): Promise<void>;
  delete(collection: string, tenant: string, id: string): Promise<void>;
}

export interface CheckpointedBatch {
  projection: string;
  /** The checkpoint this batch continues from; if the stored one differs, nothing is applied. */
  expected: number | null;
  /** Positions of the events, in order; `apply` is called once per event with its position. */
  positions: number[];
  apply(position: number, writer: ReadModelWriter): Promise<void>;
}

/** Documents a rebuild writes to its staging collections, all at once, with the checkpoint they reach. */
export interface DocumentLoad {
  projection: string;
  /** The checkpoint this load continues from; if the stored one differs, nothing is written. */
  expected: number | null;
  /** Where the checkpoint moves. */
  position: number;
  /** Each document at most once; `doc: null` deletes it. */
  documents: { collection: string; tenant: string; id: string; doc: Doc | null }[];
}

/** A load's documents by collection, as each adapter writes them: one bulk write per collection. */
export const loadedByCollection = (documents: DocumentLoad['documents']): Map<string, DocumentLoad['documents']> => {
  const grouped = new Map<string, DocumentLoad['documents']>();
  for (const d of documents) {
    const docs = grouped.get(d.collection) ?? [];
    docs.push(d);
    grouped.set(d.collection, docs);
  }
  return grouped;
};

export interface ReadStore {
  readonly engine: string;
  /** Creates what the collections need; safe to call from every process at start-up. */
  ensureCollections(collections: string[]): Promise<void>;
  /**
   * Applies a batch of events and moves the projection's checkpoint to the last one, atomically
   * (SQL: one transaction; MongoDB: per-document position guards, then the checkpoint, so a replay
   * after a crash changes nothing twice). Returns false, having applied nothing, when the stored
   * checkpoint is not `expected`: another runner or a rebuild moved it.
   */
  applyBatch(batch: CheckpointedBatch): Promise<boolean>;
  /**
   * Writes documents already folded, as a rebuild holds them, and moves the checkpoint, with the
   * same all-or-nothing and compare-and-set as `applyBatch`: the bulk path for filling staging
   * collections, in one round trip however many documents.
   */
  load(load: DocumentLoad): Promise<boolean>;
  checkpoint(projection: string): Promise<number | null>;
  get<T extends Identified = Doc>(collection: string, tenant: string, id: string): Promise<T | null>;
  /** The documents that exist among `ids`, in no particular order: one round trip instead of many. */
  getMany<T extends Identified = Doc>(collection: string, tenant: string, ids: string[]): Promise<T[]>;
  find<T extends Identified = Doc>(collection: string, tenant: string, query: FindQuery): Promise<Page<T>>;
  /** Inserts unless a document with that id exists; true when this call inserted it. */
  insertIfAbsent(collection: string, tenant: string, doc: Doc): Promise<boolean>;
  /** Replaces a document only if its `field` still has `expected`; true when it did. */
  replaceIf(collection: string, tenant: string, doc: Doc, field: string, expected: unknown): Promise<boolean>;
  /**
   * A rebuild: `build` fills fresh collections through a store that writes to them (its own
   * checkpoint starting empty); then they replace the live ones and their checkpoint becomes the
   * projection's, in one step.
   */
  rebuild(projection: string, collections: string[], build: (staging: ReadStore) => Promise<void>): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Cursors are opaque to callers: base64url of their JSON. */
export const opaqueCursor = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** What `opaqueCursor` encoded; InvalidCursor for a cursor the caller made up or mangled. */
export const openCursor = (cursor: string): unknown => {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  } catch {
    throw new InvalidCursor();
  }
};

export const encodeCursor = (value: unknown, id: string): string => opaqueCursor([value, id]);

export const decodeCursor = (cursor: string): [unknown, string] => {
  const decoded = openCursor(cursor);
  if (Array.isArray(decoded) && decoded.length === 2 && typeof decoded[1] === 'string') return decoded as [unknown, string];
  throw new InvalidCursor();
};

export class InvalidCursor extends Error {
  constructor() {
    super('cursor is not one this service issued');
    this.name = 'InvalidCursor';
  }
}

/** Every document matching `where`, page after page: for commands and queries that need the whole set, not a page of it. */
export const findAll = async <T extends Identified = Doc>(store: ReadStore, collection: string, tenant: string, where: Record<string, FieldFilter>): Promise<T[]> => {
  const found: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await store.find<T>(collection, tenant, { where, limit: 500, cursor });
    found.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return found;
};
