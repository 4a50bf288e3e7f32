import { SqlClient, SqlExecutor, copyLine, ident, isRefusedStatement } from '@kairos/sql';
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
/** Serialises DDL from several processes starting at once. */
const DDL_LOCK_KEY = 7_150_311_100;

/** A JSON containment document for equality (`{field: value}`) and array membership (`{field: [value]}`). */
const containment = (where: Record<string, FieldFilter>) =>
  Object.fromEntries(
    Object.entries(where).flatMap(([field, filter]): [string, unknown][] => {
      if (filter === null || typeof filter !== 'object') return [[field, filter]];
      return 'contains' in filter ? [[field, [filter.contains]]] : [];
    }),
  );

/** `in` and ranges, which containment cannot say, as SQL conditions with their parameters. */
const conditions = (where: Record<string, FieldFilter>, params: unknown[]): string[] =>
  Object.entries(where).flatMap(([field, filter]) => {
    if (filter === null || typeof filter !== 'object' || 'contains' in filter) return [];
    const value = `(doc->>'${safeField(field)}') collate "C"`;
    if ('in' in filter) {
      params.push(filter.in);
      return [`jsonb_typeof(doc->'${field}') = 'string' and ${value} = any($${params.length}::text[])`];
    }
    const range: string[] = [`jsonb_typeof(doc->'${field}') = 'string'`];
    if (filter.gte !== undefined) range.push(`${value} >= ($${params.push(filter.gte)}::text collate "C")`);
    if (filter.lt !== undefined) range.push(`${value} < ($${params.push(filter.lt)}::text collate "C")`);
    return [range.join(' and ')];
  });

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const safeField = (field: string) => {
  if (!FIELD.test(field)) throw new Error(`not a document field: ${field}`);
  return field;
};

/**
 * One adapter for PostgreSQL and PGlite: a table per collection holding JSON documents keyed by
 * tenant and id, a GIN index for filters, and checkpoints in the same database so a batch and its
 * checkpoint commit together.
 */
export class SqlReadStore implements ReadStore {
  readonly engine: string;
  private pendingBatches: { batch: FoldedBatch; resolve(moved: boolean): void; reject(error: unknown): void }[] = [];

  constructor(
    private readonly client: SqlClient,
    private readonly prefix: string = LIVE,
  ) {
    this.engine = client.dialect;
  }

  private table(collection: string) {
    return ident(`${this.prefix}_${collection}`);
  }

  private get checkpoints() {
    return ident(`${this.prefix}_checkpoints`);
  }

  async ensureCollections(collections: string[]): Promise<void> {
    await this.client.transaction(async (tx) => {
      if (this.client.concurrent) await tx.query('select pg_advisory_xact_lock($1)', [DDL_LOCK_KEY]);
      await tx.query(`create table if not exists ${this.checkpoints} (projection text primary key, position bigint)`);
      for (const collection of collections) {
        await createTable(tx, `${this.prefix}_${collection}`);
        await createIndex(tx, `${this.prefix}_${collection}`);
      }
    });
  }

  /**
   * The events are folded first, reading documents outside any transaction: only this projection's
   * leader writes its collections, and should another writer (a rebuild, a leader that lost its
   * lease) have moved anything since, it moved the checkpoint too, and the compare-and-set refuses
   * the batch. What the batch writes then goes to the database in one statement with the
   * compare-and-set (atomic as a transaction, in one round trip instead of begin, move, writes and
   * commit), shared with every other projection whose batch is ready in the same turn: one append
   * wakes them all, and most batches only move their checkpoint (each projection handles a few of
   * the log's event types).
   */
  async applyBatch(batch: CheckpointedBatch): Promise<boolean> {
    if (batch.positions.length === 0) return true;
    const move: CheckpointMove = { projection: batch.projection, expected: batch.expected, next: batch.positions[batch.positions.length - 1] };
    const changes = new Changes();
    for (const position of batch.positions) await batch.apply(position, this.writer(this.client, changes, position));
    return new Promise((resolve, reject) => {
      if (this.pendingBatches.length === 0) setImmediate(() => void this.applyPending());
      this.pendingBatches.push({ batch: { move, changes }, resolve, reject });
    });
  }

  private async applyPending() {
    // One batch per projection per statement, so each answer is its own; a second one waits for the next.
    const projections = new Set<string>();
    const pending = this.pendingBatches.filter(({ batch }) => !projections.has(batch.move.projection) && projections.add(batch.move.projection));
    this.pendingBatches = this.pendingBatches.filter((p) => !pending.includes(p));
    if (this.pendingBatches.length > 0) setImmediate(() => void this.applyPending());
    try {
      const moved = await this.applyFolded(pending.map((p) => p.batch));
      pending.forEach((p, i) => p.resolve(moved[i]));
    } catch (error) {
      // A document the server refuses (PostgreSQL stores no NUL in text) fails its own batch, not the others sharing the statement.
      if (pending.length > 1 && isRefusedStatement(error)) {
        await Promise.all(
          pending.map(({ batch, resolve, reject }) =>
            this.applyFolded([batch]).then(([moved]) => resolve(moved), reject),
          ),
        );
      } else for (const p of pending) p.reject(error);
    }
  }

  /**
   * In one transaction: the checkpoint's compare-and-set, then per collection a delete of every
   * document named (COPY cannot replace a row) and COPY of those kept. COPY parses each document
   * once and plans nothing; a JSON text taken apart by the statement cost the server about twice
   * as much for a rebuild's documents.
   */
  async load(load: DocumentLoad): Promise<boolean> {
    const move: CheckpointMove = { projection: load.projection, expected: load.expected, next: load.position };
    return this.client.transaction(async (tx) => {
      const [moved] = await this.applyFolded([{ move, changes: NO_WRITES }], tx);
      if (!moved) return false;
      for (const [collection, documents] of loadedByCollection(load.documents)) {
        const params: unknown[] = [];
        await tx.query(deleteStatement(this.table(collection), params, documents, 'true'), params);
        const rows = documents.flatMap(({ tenant, id, doc }) => (doc === null ? [] : [copyLine([tenant, id, JSON.stringify(doc), load.position])]));
        if (rows.length > 0) await tx.copyIn(`${this.table(collection)} (tenant, id, doc, position)`, rows.join(''));
      }
      return true;
    });
  }

  private applyFolded(batches: FoldedBatch[], executor: SqlExecutor = this.client): Promise<boolean[]> {
    return applyFolded(executor, this.checkpoints, (collection) => this.table(collection), batches);
  }

  /** Reads see the batch's own changes; the changes reach the tables at the end, a statement or two per collection. */
  private writer(reader: SqlExecutor, changes: Changes, position: number): ReadModelWriter {
    return {
      get: async <T extends Identified = Doc>(collection: string, tenant: string, id: string) => {
        const change = changes.get(collection, tenant, id);
        if (change) return change.json === null ? null : (JSON.parse(change.json) as T);
        return getDoc<T>(reader, this.table(collection), tenant, id);
      },
      put: async (collection, tenant, doc) => changes.set(collection, tenant, doc.id, JSON.stringify(doc), position),
      delete: async (collection, tenant, id) => changes.set(collection, tenant, id, null, position),
    };
  }

  async checkpoint(projection: string): Promise<number | null> {
    const rows = await this.client.query<{ position: string | null }>(
      `select position from ${this.checkpoints} where projection = $1`,
      [projection],
    );
    return rows[0]?.position == null ? null : Number(rows[0].position);
  }

  get<T extends Identified = Doc>(collection: string, tenant: string, id: string): Promise<T | null> {
    return getDoc<T>(this.client, this.table(collection), tenant, id);
  }

  async getMany<T extends Identified = Doc>(collection: string, tenant: string, ids: string[]): Promise<T[]> {
    if (ids.length === 0) return [];
    const rows = await this.client.query<{ doc: T }>(`select doc from ${this.table(collection)} where tenant = $1 and id = any($2::text[])`, [tenant, ids]);
    return rows.map((r) => r.doc);
  }

  async find<T extends Identified = Doc>(collection: string, tenant: string, query: FindQuery): Promise<Page<T>> {
    const orderBy = safeField(query.orderBy ?? 'createdAt');
    const key = `(doc->>'${orderBy}') collate "C"`;
    const where = query.where ?? {};
    const params: unknown[] = [tenant, JSON.stringify(containment(where))];
    const filters = conditions(where, params).map((c) => `and ${c}`).join(' ');
    let after = '';
    if (query.cursor) {
      const [value, id] = decodeCursor(query.cursor);
      params.push(value, id);
      after = `and (${key}, id collate "C") ${query.descending ? '<' : '>'} ($${params.length - 1}::text collate "C", $${params.length}::text collate "C")`;
    }
    params.push(query.limit + 1);
    const direction = query.descending ? 'desc' : 'asc';
    const rows = await this.client.query<{ doc: T }>(
      `select doc from ${this.table(collection)}
        where tenant = $1 and doc @> $2::jsonb ${filters} ${after}
        order by ${key} ${direction}, id collate "C" ${direction}
        limit $${params.length}`,
      params,
    );
    const items = rows.slice(0, query.limit).map((r) => r.doc);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > query.limit && last ? encodeCursor((last as unknown as Doc)[orderBy] ?? null, last.id) : null,
    };
  }

  async insertIfAbsent(collection: string, tenant: string, doc: Doc): Promise<boolean> {
    const rows = await this.client.query(
      `insert into ${this.table(collection)} (tenant, id, doc) values ($1, $2, $3) on conflict do nothing returning id`,
      [tenant, doc.id, JSON.stringify(doc)],
    );
    return rows.length === 1;
  }

  async replaceIf(collection: string, tenant: string, doc: Doc, field: string, expected: unknown): Promise<boolean> {
    const rows = await this.client.query(
      `update ${this.table(collection)} set doc = $3 where tenant = $1 and id = $2 and doc->'${safeField(field)}' = $4::jsonb returning id`,
      [tenant, doc.id, JSON.stringify(doc), JSON.stringify(expected ?? null)],
    );
    return rows.length === 1;
  }

  async rebuild(projection: string, collections: string[], build: (staging: ReadStore) => Promise<void>): Promise<void> {
    const staging = new SqlReadStore(this.client, STAGING);
    await this.client.transaction(async (tx) => {
      for (const collection of collections) await tx.query(`drop table if exists ${ident(`${STAGING}_${collection}`)}`);
      await tx.query(`create table if not exists ${ident(`${STAGING}_checkpoints`)} (projection text primary key, position bigint)`);
      await tx.query(`delete from ${ident(`${STAGING}_checkpoints`)} where projection = $1`, [projection]);
    });
    // The filter index comes after the documents: building it once is cheaper than keeping it up to date row by row.
    await this.client.transaction(async (tx) => {
      for (const collection of collections) await createTable(tx, `${STAGING}_${collection}`);
    });
    await build(staging);
    await this.client.transaction(async (tx) => {
      for (const collection of collections) await createIndex(tx, `${STAGING}_${collection}`);
    });
    await this.client.transaction(async (tx) => {
      if (this.client.concurrent) await tx.query('select pg_advisory_xact_lock($1)', [DDL_LOCK_KEY]);
      for (const collection of collections) {
        const live = `${LIVE}_${collection}`;
        const fresh = `${STAGING}_${collection}`;
        await tx.query(`drop table if exists ${ident(live)}`);
        await tx.query(`alter table ${ident(fresh)} rename to ${ident(live)}`);
        await tx.query(`alter index ${ident(`${fresh}_doc`)} rename to ${ident(`${live}_doc`)}`);
        await tx.query(`alter table ${ident(live)} rename constraint ${ident(`${fresh}_pkey`)} to ${ident(`${live}_pkey`)}`);
      }
      await tx.query(
        `insert into ${ident(`${LIVE}_checkpoints`)} (projection, position)
         select projection, position from ${ident(`${STAGING}_checkpoints`)} where projection = $1
         on conflict (projection) do update set position = excluded.position`,
        [projection],
      );
      // A rebuild over an empty log leaves no staging checkpoint: the fresh, empty models start from scratch too.
      await tx.query(
        `delete from ${ident(`${LIVE}_checkpoints`)} where projection = $1
           and not exists (select 1 from ${ident(`${STAGING}_checkpoints`)} where projection = $1)`,
        [projection],
      );
    });
  }

  async ping(): Promise<void> {
    await this.client.query('select 1');
  }

  async close(): Promise<void> {
    // The client is shared with the event store and closed by its owner.
  }
}

/**
 * A batch's writes, last one per document wins: a batch of hundreds of events writes each
 * collection with one upsert and one delete instead of a round trip per event.
 */
class Changes implements Writes {
  private readonly byCollection = new Map<string, Map<string, { tenant: string; id: string; json: string | null; position: number }>>();

  get(collection: string, tenant: string, id: string) {
    return this.byCollection.get(collection)?.get(`${tenant}\u0000${id}`);
  }

  set(collection: string, tenant: string, id: string, json: string | null, position: number) {
    const docs = this.byCollection.get(collection) ?? new Map();
    docs.set(`${tenant}\u0000${id}`, { tenant, id, json, position });
    this.byCollection.set(collection, docs);
  }

  /**
   * The writes as sub-statements of one statement, each done only when the condition `guardIn`
   * gives holds, their parameters appended to `params`: an upsert and a delete per collection.
   */
  statements(table: (collection: string) => string, params: unknown[], guardIn: (params: unknown[]) => string): string[] {
    if (this.byCollection.size === 0) return [];
    const guard = guardIn(params);
    const statements: string[] = [];
    for (const [collection, docs] of this.byCollection) {
      const all = [...docs.values()];
      const puts = all.filter((d) => d.json !== null);
      const deletes = all.filter((d) => d.json === null);
      if (puts.length > 0) {
        const [tenants, ids, jsons, positions] = [puts.map((d) => d.tenant), puts.map((d) => d.id), puts.map((d) => d.json), puts.map((d) => d.position)].map((values) => params.push(values));
        statements.push(
          `insert into ${table(collection)} (tenant, id, doc, position)
           select * from unnest($${tenants}::text[], $${ids}::text[], $${jsons}::jsonb[], $${positions}::bigint[]) where ${guard}
           on conflict (tenant, id) do update set doc = excluded.doc, position = excluded.position`,
        );
      }
      if (deletes.length > 0) statements.push(deleteStatement(table(collection), params, deletes, guard));
    }
    return statements;
  }
}

const NO_WRITES: Writes = { statements: () => [] };

/** Deletes the documents named, when `guard` holds, as a sub-statement; its parameters appended to `params`. */
const deleteStatement = (table: string, params: unknown[], deletes: { tenant: string; id: string }[], guard: string): string => {
  const [tenants, ids] = [deletes.map((d) => d.tenant), deletes.map((d) => d.id)].map((values) => params.push(values));
  return `delete from ${table} t using unnest($${tenants}::text[], $${ids}::text[]) as d(tenant, id)
            where t.tenant = d.tenant and t.id = d.id and ${guard}`;
};

/** What a batch writes, as sub-statements of the one statement that moves its checkpoint. */
interface Writes {
  statements(table: (collection: string) => string, params: unknown[], guardIn: (params: unknown[]) => string): string[];
}

interface CheckpointMove {
  projection: string;
  /** Where the batch continues from; the move happens only if the stored checkpoint is still this. */
  expected: number | null;
  next: number;
}

/** A batch whose events are folded: where it moves its projection's checkpoint, and what it writes. */
interface FoldedBatch {
  move: CheckpointMove;
  changes: Writes;
}

/**
 * Batches of different projections in one statement: each checkpoint moves only from where its
 * batch expects it (a checkpoint not there yet is inserted), and each batch's writes are done only
 * when its move was, all or nothing. Sub-statements of one statement share its snapshot and its
 * transaction. A projection without a checkpoint row yet continues from null: the insert makes its
 * row, and the update, which does not see rows inserted by the same statement, moves the ones that
 * exist. Under a concurrent move of the same checkpoint, the update re-checks the row it waited for
 * and refuses. Answers, per batch, whether it was applied.
 */
const applyFolded = async (executor: SqlExecutor, checkpoints: string, table: (collection: string) => string, batches: FoldedBatch[]): Promise<boolean[]> => {
  const params: unknown[] = [batches.map((b) => b.move.projection), batches.map((b) => b.move.expected), batches.map((b) => b.move.next)];
  const writes = batches.flatMap((b) => b.changes.statements(table, params, (p) => `exists (select from moved where projection = $${p.push(b.move.projection)}::text)`));
  const rows = await executor.query<{ projection: string }>(
    `with asked as (select * from unnest($1::text[], $2::bigint[], $3::bigint[]) as m(projection, expected, next)),
       inserted as (
         insert into ${checkpoints} (projection, position) select projection, next from asked where expected is null
         on conflict (projection) do nothing returning projection),
       updated as (
         update ${checkpoints} c set position = asked.next from asked
          where c.projection = asked.projection and c.position is not distinct from asked.expected returning c.projection),
       moved as (select projection from inserted union all select projection from updated)${writes.map((write, i) => `,\n       w${i} as (${write})`).join('')}
     select projection from moved`,
    params,
  );
  const moved = new Set(rows.map((r) => r.projection));
  return batches.map((b) => moved.has(b.move.projection));
};

const getDoc = async <T extends Identified = Doc>(tx: SqlExecutor, table: string, tenant: string, id: string): Promise<T | null> => {
  const rows = await tx.query<{ doc: T }>(`select doc from ${table} where tenant = $1 and id = $2`, [tenant, id]);
  return rows[0]?.doc ?? null;
};

const createTable = async (tx: SqlExecutor, table: string) => {
  await tx.query(
    `create table if not exists ${ident(table)} (
       tenant text not null, id text not null, doc jsonb not null, position bigint,
       constraint ${ident(`${table}_pkey`)} primary key (tenant, id))`,
  );
};

const createIndex = async (tx: SqlExecutor, table: string) => {
  await tx.query(`create index if not exists ${ident(`${table}_doc`)} on ${ident(table)} using gin (doc jsonb_path_ops)`);
};
