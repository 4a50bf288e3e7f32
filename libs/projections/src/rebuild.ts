import { RecordedEvent, deepFreeze, documentKeyOf } from '@kairos/core';
import { EventStore } from '@kairos/event-store';
import { Doc, Identified, ReadModelWriter, ReadStore } from '@kairos/read-store';
import { Projection } from './projection';

/**
 * What a rebuild keeps of the documents it wrote before writing them out: 64 MB of their JSON
 * (as long as their JSON would be; they are held as objects). The
 * process holds several times that; a rebuild of 100,000 events ran as fast with 64 as with 256,
 * whose process grew to about a gigabyte.
 */
export const DEFAULT_REBUILD_MEMORY_BYTES = 64 * 1024 * 1024;

export interface RebuildOptions {
  /** Called after every batch of the log, with the position reached and the events read so far. */
  onProgress?(position: number, events: number): void;
  batchSize?: number;
  /**
   * The documents held in memory, as the length of their JSON: past it, what changed is written to
   * the staging collections and the least recently used documents are forgotten.
   */
  memoryBytes?: number;
}

/** A map entry and its document cost about this much on top of the document's JSON length. */
const ENTRY_OVERHEAD = 128;
/** Documents per write to the staging collections: one statement for all their collections each time. */
const FLUSH_CHUNK = 5000;

interface Held {
  collection: string;
  tenant: string;
  id: string;
  /** `null`: deleted. */
  doc: Doc | null;
  /** Not yet in the staging collections. */
  dirty: boolean;
  /** What the budget counts for it. */
  bytes: number;
}

/**
 * The keys of the documents written out, as a Bloom filter: a key it has never seen was never
 * written, so a miss for a new document (most of them, in a log of bookings) costs no round trip.
 * One for the whole rebuild (keys name their collection): 2^27 bits (16 MB) keep false positives,
 * which only cost a read, below one in 100,000 up to about 4 million documents.
 */
class WrittenKeys {
  private static readonly BITS = 2 ** 27;
  private static readonly HASHES = 7;
  private readonly bits = new Uint8Array(WrittenKeys.BITS / 8);

  /** Two independent 32-bit hashes of the key (FNV-1a style, two multipliers), combined as h1 + i·h2. */
  private *positions(key: string) {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    h2 |= 1;
    for (let i = 0; i < WrittenKeys.HASHES; i++) yield (h1 + Math.imul(i, h2)) & (WrittenKeys.BITS - 1);
  }

  add(key: string) {
    for (const bit of this.positions(key)) this.bits[bit >>> 3] |= 1 << (bit & 7);
  }

  mayHave(key: string) {
    for (const bit of this.positions(key)) if ((this.bits[bit >>> 3] & (1 << (bit & 7))) === 0) return false;
    return true;
  }
}

/**
 * About the length of a value's JSON (escapes aside), without building it: a rebuild weighs every
 * document it holds, and a JSON text per write was most of its garbage.
 */
const jsonLength = (value: unknown): number => {
  if (typeof value === 'string') return value.length + 2;
  if (value === null || typeof value !== 'object') return 8;
  let length = 2;
  if (Array.isArray(value)) {
    for (const item of value) length += jsonLength(item) + 1;
    return length;
  }
  for (const field in value) length += field.length + 4 + jsonLength((value as Record<string, unknown>)[field]);
  return length;
};

/**
 * A projection's writes during a rebuild, kept in memory and written to its staging collections in
 * bulk. Those start empty, so a document neither held here nor ever written out exists nowhere;
 * one written out and since forgotten is read from the staging store. Documents are held as the
 * projection wrote them, not copied, and frozen: projections never change a document they read or
 * wrote, and one that did would fail here instead of changing what it reads next.
 */
class HeldModels implements ReadModelWriter {
  /** In order of last use, least recent first (a Map keeps insertion order). */
  private readonly held = new Map<string, Held>();
  /** The held documents not yet in the staging collections, nor on their way there. */
  private changed = new Map<string, Held>();
  private checkpoint: number | null = null;
  bytes = 0;

  constructor(
    private readonly projection: string,
    private readonly staging: ReadStore,
    private readonly written: WrittenKeys,
  ) {}

  async get<T extends Identified = Doc>(collection: string, tenant: string, id: string): Promise<T | null> {
    const key = documentKeyOf(collection, tenant, id);
    const held = this.held.get(key);
    if (held) {
      this.held.delete(key);
      this.held.set(key, held);
      return held.doc as T | null;
    }
    if (!this.written.mayHave(key)) return null;
    const doc = deepFreeze(await this.staging.get<T>(collection, tenant, id));
    this.hold(key, { collection, tenant, id, doc: doc as Doc | null, dirty: false, bytes: ENTRY_OVERHEAD + jsonLength(doc) });
    return doc;
  }

  async put(collection: string, tenant: string, doc: Doc): Promise<void> {
    this.hold(documentKeyOf(collection, tenant, doc.id), { collection, tenant, id: doc.id, doc: deepFreeze(doc), dirty: true, bytes: ENTRY_OVERHEAD + jsonLength(doc) });
  }

  async delete(collection: string, tenant: string, id: string): Promise<void> {
    this.hold(documentKeyOf(collection, tenant, id), { collection, tenant, id, doc: null, dirty: true, bytes: ENTRY_OVERHEAD + id.length });
  }

  private hold(key: string, held: Held) {
    const before = this.held.get(key);
    if (before) {
      this.bytes -= before.bytes;
      this.held.delete(key);
    }
    this.bytes += held.bytes;
    this.held.set(key, held);
    if (held.dirty) this.changed.set(key, held);
  }

  /**
   * Writes what changed until now to the staging collections with `position` as their checkpoint;
   * the projection may go on changing documents meanwhile (a later change is a new entry, written
   * by a later write-out). One at a time: each continues from the checkpoint the previous one set.
   */
  async writeOut(position: number): Promise<void> {
    const changed = [...this.changed];
    this.changed = new Map();
    // Once even with nothing changed: the checkpoint moves to `position`.
    for (let from = 0; from === 0 || from < changed.length; from += FLUSH_CHUNK) {
      const documents = changed.slice(from, from + FLUSH_CHUNK).map(([, { collection, tenant, id, doc }]) => ({ collection, tenant, id, doc }));
      const loaded = await this.staging.load({ projection: this.projection, expected: this.checkpoint, position, documents });
      if (!loaded) throw new Error(`rebuild of ${this.projection}: staging checkpoint moved; is another rebuild running?`);
      this.checkpoint = position;
    }
    for (const [key, h] of changed) {
      h.dirty = false;
      this.written.add(key);
    }
  }

  /** Forgets the least recently used documents already written out until at most `keepBytes` are held. */
  forget(keepBytes: number) {
    for (const [key, h] of this.held) {
      if (this.bytes <= keepBytes) break;
      if (h.dirty) continue;
      this.bytes -= h.bytes;
      this.held.delete(key);
    }
  }
}

/**
 * Projections write out side by side, each to its own collections (over its own connection where the
 * store has several); all have finished when this returns, so a failure leaves none still writing.
 */
const writeOutAll = async (models: HeldModels[], position: number) => {
  const outcomes = await Promise.allSettled(models.map((m) => m.writeOut(position)));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
};

/**
 * Write-outs in the background, one at a time: what was folded goes to the store while the next
 * batches are folded, so the store's work and the projections' overlap instead of taking turns.
 */
class WriteOuts {
  private current: Promise<void> = Promise.resolve();
  private busy = false;

  constructor(private readonly models: HeldModels[]) {}

  /** Starts writing out what changed up to `position`, unless a write-out is under way: the next one takes it then. */
  async startUnlessBusy(position: number): Promise<void> {
    if (this.busy) return;
    await this.current; // settled: throws what it failed with
    this.busy = true;
    this.current = writeOutAll(this.models, position).finally(() => (this.busy = false));
    // Awaited later; a failure before then must not surface as an unhandled rejection.
    this.current.catch(() => undefined);
  }

  /** Every change up to `position` written out: the write-out under way, then the rest. */
  async everything(position: number): Promise<void> {
    await this.current;
    await writeOutAll(this.models, position);
  }

  /** The write-out under way has finished, however: after a failure, nothing is still writing. */
  settled(): Promise<void> {
    return this.current.catch(() => undefined);
  }
}

/** Each projection's ReadStore.rebuild, nested: one build fills all their staging collections, then each is swapped in on its own. */
const rebuildingTogether = async (
  readStore: ReadStore,
  projections: Projection[],
  build: (stagings: ReadStore[]) => Promise<void>,
  stagings: ReadStore[] = [],
): Promise<void> => {
  if (stagings.length === projections.length) return build(stagings);
  const next = projections[stagings.length];
  await readStore.rebuild(next.name, next.collections, (staging) => rebuildingTogether(readStore, projections, build, [...stagings, staging]));
};

/**
 * Replays the whole log once into fresh collections for every projection given, then swaps each
 * in with its checkpoint (see ReadStore.rebuild). Returns the events read.
 *
 * One pass, not one per projection; and the documents stay in memory (up to `memoryBytes`) and
 * reach the staging collections in bulk, instead of a read and a write per event and projection.
 * The next batch of the log is read, and what the last ones changed written out, while the
 * current one is applied.
 */
export const rebuildProjections = async (projections: Projection[], eventStore: EventStore, readStore: ReadStore, options: RebuildOptions = {}): Promise<number> => {
  const batchSize = options.batchSize ?? 2000;
  const memoryBytes = options.memoryBytes ?? DEFAULT_REBUILD_MEMORY_BYTES;
  let count = 0;
  await rebuildingTogether(readStore, projections, async (stagings) => {
    const written = new WrittenKeys();
    const models = projections.map((p, i) => new HeldModels(p.name, stagings[i], written));
    const held = () => models.reduce((sum, m) => sum + m.bytes, 0);
    const forgetHalf = () => {
      const bytes = held();
      for (const m of models) m.forget((m.bytes * memoryBytes) / 2 / bytes);
    };
    const writeOuts = new WriteOuts(models);
    let after: number | null = null;
    let next: Promise<RecordedEvent[]> = eventStore.readAll({ after, limit: batchSize });
    try {
      for (;;) {
        const events = await next;
        if (events.length === 0) break;
        const position = events[events.length - 1].position;
        after = position;
        next = eventStore.readAll({ after, limit: batchSize });
        // Awaited on the next turn; a failure before then must not surface as an unhandled rejection.
        next.catch(() => undefined);
        for (const event of events) {
          for (let i = 0; i < projections.length; i++) await projections[i].apply(event, models[i]);
        }
        count += events.length;
        // Past the budget, each keeps half of what it holds (room to work in before the next time),
        // forgetting documents already written out; only if those are too few does it wait for the rest to be.
        if (held() > memoryBytes) forgetHalf();
        if (held() > memoryBytes) {
          await writeOuts.everything(position);
          forgetHalf();
        } else await writeOuts.startUnlessBusy(position);
        options.onProgress?.(position, count);
      }
      if (after !== null) await writeOuts.everything(after);
    } finally {
      await writeOuts.settled();
    }
  });
  return count;
};
