import { LRUCache } from 'lru-cache';
import { deepFreeze, documentKeyOf } from '@kairos/core';
import { CheckpointedBatch, Doc, DocumentLoad, FindQuery, Identified, Page, ReadModelWriter, ReadStore } from '../read-store';
import { RunnerReports, Touched, UNHEARD, Written, recordingWrites } from './runner-reports';

export interface CachingOptions {
  /** Which projection writes each collection: a collection is served from memory only while its projection's position here is known. */
  owners: ReadonlyMap<string, string>;
  /** Documents and pages kept at most; the least recently used go first. */
  maxEntries: number;
  /** Collections always read from the store: those asked a new question each time, whose pages would only churn what is kept. */
  passThrough?: ReadonlySet<string>;
}

/**
 * Keeps read-model documents in memory, in front of another read store, for the projections this
 * process's runners write. It hears of them through `RunnerReports` (see there): it serves a
 * projection's collections only between `leading` (its runner here leads, from a position it read
 * from the store) and `standingBy` (it no longer does). It is exact because it then sees every
 * change: once a batch commits, it keeps the documents as the batch wrote them (and, for a batch
 * applied here, those it read of its projection), whether it was
 * applied here or `committed` in the runners' thread with what it wrote (told without it, for a
 * batch too large to copy across: drops them), and a batch refused here (a rebuild, or another
 * process's runner, moved the checkpoint) or failed drops everything, as does `uncertain`.
 * It answers `checkpoint` for a projection it serves with the position its documents reflect,
 * never a later one, so a query that waits for a position gets documents at least that new; for
 * any other projection, as for its documents, it asks the store: another process's runner writes
 * them, and nothing tells this one when. Reads that raced a commit are not kept. Documents are
 * frozen: a caller that changes one it was given fails loudly instead of changing what the next
 * caller reads.
 *
 * Writes that bypass projections (`insertIfAbsent`, `replaceIf`) are meant for collections no
 * projection owns; those, and every collection whose projection has no known position yet, pass
 * straight through. A projection's collection written that way is never served from memory
 * again: others may write it the same way, and nothing would tell this cache.
 */
export class CachingReadStore implements ReadStore, RunnerReports {
  readonly engine: string;
  private readonly owners: Map<string, string>;
  /** Documents (ABSENT: known not to exist) and pages, least recently used first out. */
  private readonly entries: LRUCache<string, Kept>;
  /** Keys of the pages cached per collection and tenant, dropped with any change there. */
  private readonly pageKeys = new Map<string, Set<string>>();
  /** The projections this process's runners write, and the position each one's documents here reflect. */
  private readonly positions = new Map<string, number | null>();
  /** Moves on every change, so a read that began before one is not kept after it. */
  private generation = 0;

  constructor(
    private readonly inner: ReadStore,
    private readonly options: CachingOptions,
  ) {
    this.engine = inner.engine;
    this.owners = new Map(options.owners);
    this.entries = new LRUCache<string, Kept>({
      max: Math.max(1, options.maxEntries),
      dispose: (_, key, reason) => {
        const page = key.indexOf(PAGE);
        if (reason === 'evict' && page >= 0) this.pageKeys.get(key.slice(0, page))?.delete(key);
      },
    });
  }

  ensureCollections(collections: string[]): Promise<void> {
    return this.inner.ensureCollections(collections);
  }

  async applyBatch(batch: CheckpointedBatch): Promise<boolean> {
    /** What the batch wrote, by document: the last version (null: deleted) is what the store holds once it commits. */
    const written = new Map<string, { place: Touched; doc: Doc | null }>();
    // What is kept of this projection's documents is their state at `expected`, where the batch
    // starts (were it not, another writer would have moved the checkpoint and the batch would be
    // refused before reading anything): the batch reads them here instead of a round trip each,
    // except those it changed itself, which only the store's batch knows.
    const startsHere = this.positions.get(batch.projection) === batch.expected;
    /**
     * What the batch read from the store of its projection's documents as they stood at `expected`
     * (null: absent): the same once the batch commits, unless the batch wrote them, so kept then.
     */
    const read = new Map<string, Doc | null>();
    const track = (writer: ReadModelWriter): ReadModelWriter => ({
      // Frozen as written: a projection that changed it afterwards would make it differ from the stored one.
      ...recordingWrites(writer, (place, doc) => written.set(docKey(...place), { place, doc: doc && deepFreeze(doc) })),
      get: async <T extends Identified = Doc>(collection: string, tenant: string, id: string) => {
        const key = docKey(collection, tenant, id);
        const own = startsHere && this.owners.get(collection) === batch.projection && !written.has(key);
        // Read earlier in this batch: still as at `expected`, since the batch has not written it.
        const kept = own ? (read.has(key) ? (read.get(key) ?? ABSENT) : this.entries.peek(key)) : undefined;
        if (kept !== undefined) return kept === ABSENT ? null : structuredClone(kept as T);
        const doc = await writer.get<T>(collection, tenant, id);
        // Copied before the projection changes what it was handed.
        if (own && !this.options.passThrough?.has(collection)) read.set(key, doc && (deepFreeze(structuredClone(doc)) as unknown as Doc));
        return doc;
      },
    });
    // Reads and checkpoints taken while a batch may commit are not kept: they could be from either side of it.
    this.generation++;
    try {
      const applied = await this.inner.applyBatch({ ...batch, apply: (position, writer) => batch.apply(position, track(writer)) });
      if (!applied) {
        this.uncertain();
        return false;
      }
      // Accepted means the stored checkpoint was where this runner left it: nobody else wrote in between.
      if (batch.positions.length > 0) {
        const changes = [...written.values()];
        const position = batch.positions[batch.positions.length - 1];
        this.committed(
          batch.projection,
          position,
          changes.map((change) => change.place),
          changes.map((change) => change.doc),
        );
        // Still leading, from this batch on: nobody else wrote what it read.
        if (this.positions.get(batch.projection) === position) for (const [key, doc] of read) if (!written.has(key)) this.entries.set(key, doc ?? ABSENT);
      }
      return true;
    } catch (error) {
      // Whether it committed is unknown: nothing kept can be trusted.
      this.uncertain();
      throw error;
    }
  }

  /**
   * A batch this process's runners committed, here or in another thread (see RunnerThread), told
   * after the commit, in commit order: its position is what the kept documents reflect from now
   * on, and each document it touched is kept as `written` tells, or goes when that is not told.
   * Only this runner writes its projection's collections while it leads, so what it wrote is what
   * they hold now: the next batch, and reads, find it here instead of asking the store. A read
   * that began before the news is not kept, so nothing read before the commit outlives it.
   */
  committed(projection: string, position: number, touched: readonly Touched[], written?: Written): void {
    this.generation++;
    const leads = this.positions.has(projection);
    touched.forEach(([collection, tenant, id], i) => {
      const key = docKey(collection, tenant, id);
      this.dropPages(collection, tenant);
      // Frozen, as every document handed out: copied across threads, it arrives unfrozen.
      if (written && leads && this.owners.get(collection) === projection && !this.options.passThrough?.has(collection)) this.entries.set(key, deepFreeze(written[i]) ?? ABSENT);
      else this.entries.delete(key);
    });
    if (leads) this.positions.set(projection, position);
  }

  /**
   * This process's runner now writes `projection`, from `position` as it read the checkpoint from
   * the store, and nothing else does: its collections are served from memory from now on. Whatever
   * was read of them before is dropped, since someone else may have written it.
   */
  leading(projection: string, position: number | null): void {
    this.uncertain();
    this.positions.set(projection, position);
  }

  /** This process's runner no longer writes `projection`: its collections and checkpoint are read from the store. */
  standingBy(projection: string): void {
    this.uncertain();
    this.positions.delete(projection);
  }

  /**
   * Drops every document kept: a batch was refused or failed, so what it did is unknown. The
   * positions stay: the store is at least there, and so is anything read from it from now on.
   */
  uncertain(): void {
    this.generation++;
    this.pageKeys.clear();
    this.entries.clear();
  }

  checkpoint(projection: string): Promise<number | null> {
    if (this.positions.has(projection)) return Promise.resolve(this.positions.get(projection)!);
    return this.inner.checkpoint(projection);
  }

  async get<T extends Identified = Doc>(collection: string, tenant: string, id: string): Promise<T | null> {
    if (!this.serves(collection)) return this.inner.get<T>(collection, tenant, id);
    const key = docKey(collection, tenant, id);
    const kept = this.entries.get(key);
    if (kept !== undefined) return kept === ABSENT ? null : (kept as T);
    const generation = this.generation;
    const doc = await this.inner.get<T>(collection, tenant, id);
    return this.keep(key, doc, generation);
  }

  async getMany<T extends Identified = Doc>(collection: string, tenant: string, ids: string[]): Promise<T[]> {
    if (!this.serves(collection)) return this.inner.getMany<T>(collection, tenant, ids);
    const found: T[] = [];
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const kept = this.entries.get(docKey(collection, tenant, id));
      if (kept === undefined) missing.push(id);
      else if (kept !== ABSENT) found.push(kept as T);
    }
    if (missing.length === 0) return found;
    const generation = this.generation;
    const fetched = new Map((await this.inner.getMany<T>(collection, tenant, missing)).map((doc) => [doc.id, doc]));
    for (const id of missing) {
      const doc = this.keep(docKey(collection, tenant, id), fetched.get(id) ?? null, generation);
      if (doc) found.push(doc);
    }
    return found;
  }

  async find<T extends Identified = Doc>(collection: string, tenant: string, query: FindQuery): Promise<Page<T>> {
    if (!this.serves(collection)) return this.inner.find<T>(collection, tenant, query);
    const group = docKey(collection, tenant, '');
    const key = `${group}${PAGE}${JSON.stringify(query)}`;
    const kept = this.entries.get(key);
    if (kept !== undefined) return kept as Page<T>;
    const generation = this.generation;
    const page = this.keep(key, await this.inner.find<T>(collection, tenant, query), generation);
    if (generation === this.generation) {
      const pages = this.pageKeys.get(group) ?? new Set();
      pages.add(key);
      this.pageKeys.set(group, pages);
    }
    return page;
  }

  insertIfAbsent(collection: string, tenant: string, doc: Doc): Promise<boolean> {
    return this.bypassing(collection, () => this.inner.insertIfAbsent(collection, tenant, doc));
  }

  replaceIf(collection: string, tenant: string, doc: Doc, field: string, expected: unknown): Promise<boolean> {
    return this.bypassing(collection, () => this.inner.replaceIf(collection, tenant, doc, field, expected));
  }

  /** Bulk writes are a rebuild's, which keeps nothing here: what this kept may be stale after one. */
  async load(load: DocumentLoad): Promise<boolean> {
    try {
      return await this.inner.load(load);
    } finally {
      this.uncertain();
    }
  }

  async rebuild(projection: string, collections: string[], build: (staging: ReadStore) => Promise<void>): Promise<void> {
    try {
      await this.inner.rebuild(projection, collections, build);
    } finally {
      this.uncertain();
    }
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    this.uncertain();
    return this.inner.close();
  }

  private serves(collection: string): boolean {
    if (this.options.passThrough?.has(collection)) return false;
    const owner = this.owners.get(collection);
    return owner !== undefined && this.positions.has(owner) && this.options.maxEntries > 0;
  }

  /** A projection's collection written directly would go stale here: such a collection is never served from memory again. */
  private async bypassing<R>(collection: string, write: () => Promise<R>): Promise<R> {
    if (this.owners.has(collection)) {
      this.owners.delete(collection);
      this.uncertain();
    }
    return write();
  }

  private keep<V extends object | null>(key: string, value: V, generation: number): V {
    if (generation !== this.generation) return value;
    const frozen = deepFreeze(value);
    this.entries.set(key, frozen ?? ABSENT);
    return frozen;
  }

  private dropPages(collection: string, tenant: string) {
    const group = docKey(collection, tenant, '');
    const pages = this.pageKeys.get(group);
    if (!pages) return;
    this.pageKeys.delete(group);
    for (const key of pages) this.entries.delete(key);
  }
}

/** A kept document or page; ABSENT for a document known not to exist. */
type Kept = object | typeof ABSENT;
const ABSENT = Symbol('absent');

const docKey = documentKeyOf;
/** Sets a page's key apart from documents' keys of its collection and tenant. */
const PAGE = '\u0001';

/** What must hear the runners' reports for `store` to stay exact: its read cache, when it is one; nothing otherwise. */
export const reportsFor = (store: ReadStore): RunnerReports => (store instanceof CachingReadStore ? store : UNHEARD);
