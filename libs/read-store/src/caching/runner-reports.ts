import { CheckpointedBatch, Doc, DocumentLoad, FindQuery, Identified, Page, ReadModelWriter, ReadStore } from '../read-store';

/** A document a batch wrote or deleted. */
export type Touched = readonly [collection: string, tenant: string, id: string];

/** What a batch left in each document it touched, in the same order: the document as written, or null where it deleted it. */
export type Written = readonly (Doc | null)[];

/**
 * What the runners that write the read models tell a read cache in front of them, so that it stays
 * exact. The cache serves a projection's collections only while it knows the projection's runner
 * leads in this process, since only then does it hear of every change; a change it cannot account
 * for makes it drop what it keeps. Reports arrive in the order things happened, after the fact:
 * a batch is reported once it has committed (or failed), a lead once the checkpoint is read.
 *
 * Runners on the cache's own thread write through it, so it sees their batches itself and needs
 * only `leading` and `standingBy`; runners in another thread (RunnerThread) report all four, by
 * message (`RunnerReport`, `reportingTo`, `deliver`), and write through `reportingBatches`.
 */
export interface RunnerReports {
  /** The runner `runner` of this process now writes its projection, from `position` as it read it from the store; nothing else does until it stands by. */
  leading(runner: string, position: number | null): void;
  /**
   * A batch of `projection`'s runner committed up to `position`, having written or deleted the
   * `touched` documents; `written` tells what it left in each, unless that was too much to report
   * (see reportingBatches).
   */
  committed(projection: string, position: number, touched: readonly Touched[], written?: Written): void;
  /** A batch was refused (another writer moved the checkpoint) or failed (whether it committed is unknown). */
  uncertain(): void;
  /** The runner `runner` of this process no longer writes its projection (it lost its lease, stopped, or its thread ended). */
  standingBy(runner: string): void;
}

/** A report as it crosses threads (structured clone). */
export type RunnerReport =
  | { report: 'leading'; runner: string; position: number | null }
  | { report: 'committed'; projection: string; position: number; touched: readonly Touched[]; written?: Written }
  | { report: 'uncertain' }
  | { report: 'standingBy'; runner: string };

/** Reports sent as messages, for `deliver` on the other side. */
export const reportingTo = (send: (report: RunnerReport) => void): RunnerReports => ({
  leading: (runner, position) => send({ report: 'leading', runner, position }),
  committed: (projection, position, touched, written) => send({ report: 'committed', projection, position, touched, written }),
  uncertain: () => send({ report: 'uncertain' }),
  standingBy: (runner) => send({ report: 'standingBy', runner }),
});

export const deliver = (message: RunnerReport, to: RunnerReports): void => {
  switch (message.report) {
    case 'leading':
      return to.leading(message.runner, message.position);
    case 'committed':
      return to.committed(message.projection, message.position, message.touched, message.written);
    case 'uncertain':
      return to.uncertain();
    case 'standingBy':
      return to.standingBy(message.runner);
    default: {
      const unknown: never = message;
      throw new Error(`unknown runner report: ${JSON.stringify(unknown)}`);
    }
  }
};

/** Every report to each of `listeners`, in the order given. */
export const reportingToAll = (...listeners: RunnerReports[]): RunnerReports => ({
  leading: (runner, position) => listeners.forEach((l) => l.leading(runner, position)),
  committed: (projection, position, touched, written) => listeners.forEach((l) => l.committed(projection, position, touched, written)),
  uncertain: () => listeners.forEach((l) => l.uncertain()),
  standingBy: (runner) => listeners.forEach((l) => l.standingBy(runner)),
});

/** Reports nobody needs: a read store with no cache in front of it. */
export const UNHEARD: RunnerReports = { leading: () => undefined, committed: () => undefined, uncertain: () => undefined, standingBy: () => undefined };

/** A writer that tells `onWrite` of every document a batch writes (null: deletes). */
export const recordingWrites = (writer: ReadModelWriter, onWrite: (place: Touched, doc: Doc | null) => void): ReadModelWriter => ({
  get: (collection, tenant, id) => writer.get(collection, tenant, id),
  put: (collection, tenant, doc) => (onWrite([collection, tenant, doc.id], doc), writer.put(collection, tenant, doc)),
  delete: (collection, tenant, id) => (onWrite([collection, tenant, id], null), writer.delete(collection, tenant, id)),
});

/**
 * `store`, reporting each batch applied through it once it is settled: `committed` with the
 * documents it touched, or `uncertain` when it was refused or failed. Everything else passes
 * through unchanged.
 *
 * A committed batch's report also carries what it wrote, so that a read cache on another thread
 * keeps the new versions instead of reading them back, as long as they come to at most
 * `writtenBudget` characters of JSON: a report crosses threads by copy, and a rebuild or a long
 * catch-up would otherwise spend more copying than the reads it saves. Over the budget, the report
 * names the documents only, and the cache drops them. The documents reported are the
 * objects the projection put: it must not change one afterwards (a read cache under `store`
 * freezes them, which makes a projection that tries fail).
 */
export const reportingBatches = (store: ReadStore, reports: Pick<RunnerReports, 'committed' | 'uncertain'>, writtenBudget = 0): ReadStore =>
  new ReportingReadStore(store, reports, writtenBudget);

class ReportingReadStore implements ReadStore {
  readonly engine: string;

  constructor(
    private readonly inner: ReadStore,
    private readonly reports: Pick<RunnerReports, 'committed' | 'uncertain'>,
    private readonly writtenBudget: number,
  ) {
    this.engine = inner.engine;
  }

  async applyBatch(batch: CheckpointedBatch): Promise<boolean> {
    // Once per document, however often the batch wrote it (the last version is what the store
    // holds once it commits): a report may cross threads by copy.
    const written = new Map<string, { place: Touched; doc: Doc | null }>();
    const write = (place: Touched, doc: Doc | null) => written.set(place.join('\u0000'), { place, doc });
    let applied: boolean;
    try {
      applied = await this.inner.applyBatch({ ...batch, apply: (position, writer) => batch.apply(position, recordingWrites(writer, write)) });
    } catch (error) {
      this.reports.uncertain();
      throw error;
    }
    if (!applied) this.reports.uncertain();
    else if (batch.positions.length > 0) {
      const changes = [...written.values()];
      const docs = changes.map((change) => change.doc);
      const touched = changes.map((change) => change.place);
      this.reports.committed(batch.projection, batch.positions[batch.positions.length - 1], touched, withinBudget(docs, this.writtenBudget) ? docs : undefined);
    }
    return applied;
  }

  ensureCollections(collections: string[]): Promise<void> {
    return this.inner.ensureCollections(collections);
  }
  checkpoint(projection: string): Promise<number | null> {
    return this.inner.checkpoint(projection);
  }
  get<T extends Identified = Doc>(collection: string, tenant: string, id: string): Promise<T | null> {
    return this.inner.get<T>(collection, tenant, id);
  }
  getMany<T extends Identified = Doc>(collection: string, tenant: string, ids: string[]): Promise<T[]> {
    return this.inner.getMany<T>(collection, tenant, ids);
  }
  find<T extends Identified = Doc>(collection: string, tenant: string, query: FindQuery): Promise<Page<T>> {
    return this.inner.find<T>(collection, tenant, query);
  }
  insertIfAbsent(collection: string, tenant: string, doc: Doc): Promise<boolean> {
    return this.inner.insertIfAbsent(collection, tenant, doc);
  }
  replaceIf(collection: string, tenant: string, doc: Doc, field: string, expected: unknown): Promise<boolean> {
    return this.inner.replaceIf(collection, tenant, doc, field, expected);
  }
  async load(load: DocumentLoad): Promise<boolean> {
    try {
      return await this.inner.load(load);
    } finally {
      // A cache told of these writes one by one would copy them all across: it drops what it kept instead.
      this.reports.uncertain();
    }
  }
  rebuild(projection: string, collections: string[], build: (staging: ReadStore) => Promise<void>): Promise<void> {
    return this.inner.rebuild(projection, collections, build);
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Whether `docs` come to at most `budget` characters of JSON; stops counting once they do not. */
const withinBudget = (docs: readonly (Doc | null)[], budget: number): boolean => {
  let size = 0;
  for (const doc of docs) {
    if (doc) size += JSON.stringify(doc).length;
    if (size > budget) return false;
  }
  return true;
};
