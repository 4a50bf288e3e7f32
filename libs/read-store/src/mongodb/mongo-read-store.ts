import { AnyBulkWriteOperation, Collection, Db, Document, Filter, FindOptions, MongoClient, MongoServerError } from 'mongodb';
import {
  CheckpointedBatch,
  Doc,
  DocumentLoad,
  Identified,
  FieldFilter,
  FindQuery,
  Page,
  ReadModelWriter,
  ReadStore,
  decodeCursor,
  encodeCursor,
  loadedByCollection,
} from '../read-store';

const LIVE = 'rm';
const STAGING = 'rb';
const DEFAULT_DATABASE = 'kairos';
const DUPLICATE_KEY = 11000;

/**
 * The key is the primary key of the SQL tables, held in `_id` so that its always-present unique
 * index enforces one document per tenant and id even on a collection nobody ensured. Every filter
 * builds it with `key()`, because an embedded `_id` only matches with its fields in the same order.
 */
interface Key {
  tenant: string;
  id: string;
}

interface Stored {
  _id: Key;
  doc: Doc;
  /** Position of the event that last wrote the document; absent when written outside a batch. */
  _pos?: number;
}

interface Checkpoint {
  _id: string;
  position: number | null;
}

const key = (tenant: string, id: string): Key => ({ tenant, id });

/** One event's writes not yet flushed, the last one per document; `doc: null` deletes. */
type Pending = Map<string, { collection: string; tenant: string; id: string; doc: Doc | null }>;
const pendingKey = (collection: string, tenant: string, id: string) => JSON.stringify([collection, tenant, id]);

const isDuplicateKey = (error: unknown) => error instanceof MongoServerError && error.code === DUPLICATE_KEY;

/**
 * The port's documents are JSON, and the SQL engines hand back what JSON text parses to: a Date
 * becomes its ISO string and an undefined field disappears. BSON would keep both, so documents go
 * through the same round trip here and every engine returns the same thing.
 */
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Same rule as the SQL adapter, and it also keeps `.` (a nested path) and `$` out of field paths. */
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const docPath = (field: string) => {
  if (!FIELD.test(field)) throw new Error(`not a document field: ${field}`);
  return `doc.${field}`;
};

/**
 * The SQL adapter filters with JSON containment, which is stricter than a MongoDB equality match:
 * a scalar never matches an array holding it, null does not match a missing field, and `contains`
 * only matches arrays. `$not: {$type: 'array'}` and `$elemMatch` restore those rules; values always
 * sit under an operator so a caller's value is never read as one. `$type: 'string'` alone would
 * not keep arrays out of `in` and ranges: on an array it matches when an element is a string.
 */
const NOT_ARRAY = { $not: { $type: 'array' } };
const fieldFilter = (filter: FieldFilter): Document => {
  if (filter !== null && typeof filter === 'object') {
    if ('contains' in filter) return { $elemMatch: { $eq: filter.contains } };
    if ('in' in filter) return { $in: filter.in, $type: 'string', ...NOT_ARRAY };
    return { $type: 'string', ...NOT_ARRAY, ...(filter.gte !== undefined ? { $gte: filter.gte } : {}), ...(filter.lt !== undefined ? { $lt: filter.lt } : {}) };
  }
  if (filter === null) return { $type: 'null', ...NOT_ARRAY };
  return { $eq: filter, ...NOT_ARRAY };
};

/**
 * Keyset pagination: documents whose (sort key, id) come after the cursor's in the page's order.
 * MongoDB sorts null and a missing key together, before every string, and `$gt`/`$lt` on a string
 * only ever match strings; so after a string going down, and after null going up, the null group
 * needs its own clause or it would be skipped.
 */
const afterCursor = (path: string, value: unknown, id: string, descending: boolean): Document[] => {
  const sameKey = { [path]: value === null ? null : { $eq: value }, '_id.id': descending ? { $lt: id } : { $gt: id } };
  if (descending) return value === null ? [sameKey] : [{ [path]: { $not: { $gte: value } } }, sameKey];
  return [{ [path]: value === null ? { $ne: null } : { $gt: value } }, sameKey];
};

/**
 * The read store on MongoDB: a collection per read-model collection, and checkpoints in
 * `<prefix>_checkpoints`. Batches need no multi-document transaction (a standalone server works):
 * each document remembers the position that last wrote it, see `applyBatch`.
 */
export class MongoReadStore implements ReadStore {
  readonly engine = 'mongodb';

  constructor(
    private readonly db: Db,
    private readonly prefix: string = LIVE,
  ) {}

  private collection(collection: string): Collection<Stored> {
    return this.db.collection<Stored>(`${this.prefix}_${collection}`);
  }

  private get checkpoints(): Collection<Checkpoint> {
    return this.db.collection<Checkpoint>(`${this.prefix}_checkpoints`);
  }

  async ensureCollections(collections: string[]): Promise<void> {
    // createIndex creates the collection too, and is a no-op when the same index exists, so
    // processes starting together need no lock.
    for (const collection of collections) {
      await this.collection(collection).createIndex({ '_id.tenant': 1, 'doc.createdAt': 1, '_id.id': 1 }, { name: 'tenant_createdAt_id' });
    }
  }

  /**
   * Without a transaction the writes land one by one, so a crash can leave part of a batch applied
   * with the checkpoint not moved, and the batch is then applied again. That is safe because each
   * document remembers in `_pos` the event that last wrote it, and a write only lands when it comes
   * from a later event: replaying events a document has already taken changes nothing twice, and
   * the replay ends where the first run would have. An event's writes are held until `apply`
   * returns and then flushed, one write per document, so that an event writing a document twice
   * (or writing then deleting it) is not stopped by the guard against its own first write, and a
   * crash cannot leave a document half-way through an event. (A crash in the middle of one event's
   * flush can still leave some of its documents written and not others; replaying it then reads the
   * written ones, which matters only to a projection that derives one document from another.)
   * The checkpoint moves last, conditionally on still being `expected`, so of two runners racing
   * over the same batch only one reports it applied.
   */
  async applyBatch(batch: CheckpointedBatch): Promise<boolean> {
    if (batch.positions.length === 0) return true;
    if ((await this.checkpoint(batch.projection)) !== batch.expected) return false;
    for (const position of batch.positions) {
      const pending: Pending = new Map();
      await batch.apply(position, this.writer(pending));
      await this.flush(pending, position);
    }
    return this.moveCheckpoint(batch.projection, batch.expected, batch.positions[batch.positions.length - 1]);
  }

  /**
   * One unordered bulk write per collection, then the checkpoint, as `applyBatch` does it: a load
   * after a crash writes the same documents again. Only a rebuild loads, into staging collections
   * no event has written otherwise, so the writes need no position guard.
   */
  async load(load: DocumentLoad): Promise<boolean> {
    if ((await this.checkpoint(load.projection)) !== load.expected) return false;
    for (const [collection, documents] of loadedByCollection(load.documents)) {
      const operations = documents.map(({ tenant, id, doc }): AnyBulkWriteOperation<Stored> =>
        doc === null
          ? { deleteOne: { filter: { _id: key(tenant, id) } } }
          : { replaceOne: { filter: { _id: key(tenant, id) }, replacement: { doc: asJson(doc), _pos: load.position }, upsert: true } },
      );
      await this.collection(collection).bulkWrite(operations, { ordered: false });
    }
    return this.moveCheckpoint(load.projection, load.expected, load.position);
  }

  private async moveCheckpoint(projection: string, expected: number | null, position: number): Promise<boolean> {
    try {
      const moved = await this.checkpoints.updateOne({ _id: projection, position: expected }, { $set: { position } }, { upsert: expected === null });
      return moved.matchedCount + moved.upsertedCount === 1;
    } catch (error) {
      // The upsert for a first batch collides with a checkpoint another runner created meanwhile.
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  private writer(pending: Pending): ReadModelWriter {
    return {
      get: async <T extends Identified = Doc>(collection: string, tenant: string, id: string): Promise<T | null> => {
        const held = pending.get(pendingKey(collection, tenant, id));
        // A copy, so that changing what get returned does not change what will be written.
        if (held) return held.doc === null ? null : (asJson(held.doc) as T);
        // From the primary, where the batch's earlier events have already been flushed.
        return this.findDoc<T>(collection, tenant, id, { readPreference: 'primary' });
      },
      put: async (collection, tenant, doc) => {
        pending.set(pendingKey(collection, tenant, doc.id), { collection, tenant, id: doc.id, doc: asJson(doc) });
      },
      delete: async (collection, tenant, id) => {
        pending.set(pendingKey(collection, tenant, id), { collection, tenant, id, doc: null });
      },
    };
  }

  private async flush(pending: Pending, position: number): Promise<void> {
    // Matches a document no event at or after this one has written: `_pos` below it, or absent.
    const older = { _pos: { $not: { $gte: position } } };
    for (const { collection, tenant, id, doc } of pending.values()) {
      const target = this.collection(collection);
      if (doc === null) {
        await target.deleteOne({ _id: key(tenant, id), ...older });
        continue;
      }
      try {
        await target.replaceOne({ _id: key(tenant, id), ...older }, { doc, _pos: position }, { upsert: true });
      } catch (error) {
        // The document exists with a `_pos` at or after this event, so the guard did not match and
        // the upsert tried to insert its `_id` again: this write has already been applied.
        if (!isDuplicateKey(error)) throw error;
      }
    }
  }

  async checkpoint(projection: string): Promise<number | null> {
    const stored = await this.checkpoints.findOne({ _id: projection });
    return stored?.position ?? null;
  }

  get<T extends Identified = Doc>(collection: string, tenant: string, id: string): Promise<T | null> {
    return this.findDoc<T>(collection, tenant, id);
  }

  async getMany<T extends Identified = Doc>(collection: string, tenant: string, ids: string[]): Promise<T[]> {
    if (ids.length === 0) return [];
    const stored = await this.collection(collection)
      .find<{ doc: T }>({ _id: { $in: ids.map((id) => key(tenant, id)) } }, { projection: { _id: 0, doc: 1 } })
      .toArray();
    return stored.map((s) => s.doc);
  }

  private async findDoc<T extends Identified = Doc>(collection: string, tenant: string, id: string, options: FindOptions = {}): Promise<T | null> {
    const stored = await this.collection(collection).findOne<{ doc: T }>({ _id: key(tenant, id) }, { ...options, projection: { _id: 0, doc: 1 } });
    return stored?.doc ?? null;
  }

  async find<T extends Identified = Doc>(collection: string, tenant: string, query: FindQuery): Promise<Page<T>> {
    const orderBy = query.orderBy ?? 'createdAt';
    const sortPath = docPath(orderBy);
    const filter: Filter<Stored> = { '_id.tenant': tenant };
    for (const [field, value] of Object.entries(query.where ?? {})) filter[docPath(field)] = fieldFilter(value);
    if (query.cursor) {
      const [value, id] = decodeCursor(query.cursor);
      filter.$or = afterCursor(sortPath, value, id, query.descending ?? false);
    }
    // Strings compare by their UTF-8 bytes under MongoDB's default (simple) collation, the same
    // order as the SQL adapter's "C" collation.
    const direction = query.descending ? -1 : 1;
    const rows = await this.collection(collection)
      .find<{ doc: T }>(filter, { sort: { [sortPath]: direction, '_id.id': direction }, limit: query.limit + 1, projection: { _id: 0, doc: 1 } })
      .toArray();
    const items = rows.slice(0, query.limit).map((r) => r.doc);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > query.limit && last ? encodeCursor((last as unknown as Doc)[orderBy] ?? null, last.id) : null,
    };
  }

  async insertIfAbsent(collection: string, tenant: string, doc: Doc): Promise<boolean> {
    try {
      await this.collection(collection).insertOne({ _id: key(tenant, doc.id), doc: asJson(doc) });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async replaceIf(collection: string, tenant: string, doc: Doc, field: string, expected: unknown): Promise<boolean> {
    // An aggregation `$eq` compares whole values like the SQL adapter's jsonb `=`: no array
    // traversal, and a missing field is not null. `$literal` keeps a value such as "$x" a value.
    const result = await this.collection(collection).updateOne(
      { _id: key(tenant, doc.id), $expr: { $eq: [`$${docPath(field)}`, { $literal: asJson(expected ?? null) }] } },
      { $set: { doc: asJson(doc) } },
    );
    return result.matchedCount === 1;
  }

  /**
   * Unlike PostgreSQL, where every table and the checkpoint swap in one transaction, the swap here
   * is one atomic `renameCollection` per collection: readers of a projection with several
   * collections can briefly see some rebuilt and some not, and the checkpoint is copied after them;
   * a crash in between leaves rebuilt collections under the old checkpoint, so run the rebuild again.
   */
  async rebuild(projection: string, collections: string[], build: (staging: ReadStore) => Promise<void>): Promise<void> {
    const staging = new MongoReadStore(this.db, STAGING);
    for (const collection of collections) await this.db.collection(`${STAGING}_${collection}`).drop();
    await staging.checkpoints.deleteOne({ _id: projection });
    await staging.ensureCollections(collections);
    await build(staging);
    for (const collection of collections) {
      await this.db.renameCollection(`${STAGING}_${collection}`, `${this.prefix}_${collection}`, { dropTarget: true });
    }
    const rebuilt = await staging.checkpoints.findOne({ _id: projection });
    if (rebuilt) await this.checkpoints.updateOne({ _id: projection }, { $set: { position: rebuilt.position } }, { upsert: true });
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    // The Db's client belongs to whoever connected it (see openMongoReadStore).
  }
}

/** The database named in the url's path, which the driver would otherwise default to "test". */
const databaseName = (url: string) => {
  const path = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]*)/.exec(url)?.[1];
  return path ? decodeURIComponent(path) : DEFAULT_DATABASE;
};

export const openMongoReadStore = async (url: string): Promise<{ store: MongoReadStore; close(): Promise<void> }> => {
  const client = await MongoClient.connect(url);
  return { store: new MongoReadStore(client.db(databaseName(url))), close: () => client.close() };
};
