import { PgliteClient } from '@kairos/sql';
import { uniqueName } from '@kairos/testing';
import { Doc, Identified, ReadStore } from '../read-store';
import { SqlReadStore } from '../sql/sql-read-store';
import { CachingReadStore, reportsFor } from './caching-read-store';
import { RunnerReport, RunnerReports, UNHEARD, deliver, reportingBatches, reportingTo, reportingToAll } from './runner-reports';

/** Every report, as it arrived. */
const heard = () => {
  const reports: RunnerReport[] = [];
  return { reports, listener: reportingTo((report) => reports.push(report)) };
};

describe('runner reports', () => {
  let client: PgliteClient;
  beforeAll(async () => (client = await PgliteClient.open()));
  afterAll(async () => client?.close());

  const setUp = async () => {
    const collection = uniqueName('c');
    const projection = uniqueName('p');
    const direct = new SqlReadStore(client);
    await direct.ensureCollections([collection]);
    const batch = (store: ReadStore, expected: number | null, positions: number[], write: (put: (doc: Doc) => Promise<void>, remove: (id: string) => Promise<void>) => Promise<void>) =>
      store.applyBatch({
        projection,
        expected,
        positions,
        apply: (_, w) =>
          write(
            (doc) => w.put(collection, 't1', doc),
            (id) => w.delete(collection, 't1', id),
          ),
      });
    return { collection, projection, direct, batch };
  };

  it('tells of a committed batch once it commits: its last position and each document it wrote or deleted, once', async () => {
    const { collection, projection, direct, batch } = await setUp();
    const { reports, listener } = heard();
    const reporting = reportingBatches(direct, listener);
    expect(
      await batch(reporting, null, [1, 2], async (put, remove) => {
        await put({ id: 'a', v: 1 });
        await put({ id: 'b', v: 1 });
        expect(reports).toEqual([]);
        await put({ id: 'a', v: 2 });
        await remove('b');
      }),
    ).toBe(true);
    expect(reports).toEqual([{ report: 'committed', projection, position: 2, touched: [[collection, 't1', 'a'], [collection, 't1', 'b']] }]);
    // Everything else is the store's own.
    expect(await reporting.get(collection, 't1', 'a')).toEqual({ id: 'a', v: 2 });
    expect(await reporting.checkpoint(projection)).toBe(2);
    expect(reporting.engine).toBe(direct.engine);
  });

  it('tells what a committed batch left in each document it touched while that fits the budget, and names them only over it', async () => {
    const { collection, projection, direct, batch } = await setUp();
    const { reports, listener } = heard();
    const budget = JSON.stringify({ id: 'a', v: 2 }).length;
    const reporting = reportingBatches(direct, listener, budget);
    expect(
      await batch(reporting, null, [1], async (put, remove) => {
        await put({ id: 'a', v: 1 });
        await put({ id: 'b', v: 1 });
        await put({ id: 'a', v: 2 });
        await remove('b');
      }),
    ).toBe(true);
    expect(await batch(reporting, 1, [2], (put) => put({ id: 'a', v: 'over the budget' }))).toBe(true);
    expect(reports).toEqual([
      { report: 'committed', projection, position: 1, touched: [[collection, 't1', 'a'], [collection, 't1', 'b']], written: [{ id: 'a', v: 2 }, null] },
      { report: 'committed', projection, position: 2, touched: [[collection, 't1', 'a']] },
    ]);
  });

  it('tells of a refused or failed batch as uncertain, and of an empty one nothing', async () => {
    const { direct, batch } = await setUp();
    const { reports, listener } = heard();
    const reporting = reportingBatches(direct, listener);
    expect(await batch(reporting, 7, [8], (put) => put({ id: 'a' }))).toBe(false);
    await expect(batch(reporting, null, [1], () => Promise.reject(new Error('projection bug')))).rejects.toThrow('projection bug');
    expect(await batch(reporting, null, [], async () => undefined)).toBe(true);
    expect(reports).toEqual([{ report: 'uncertain' }, { report: 'uncertain' }]);
  });

  it('crosses a thread as messages and arrives as it was told', () => {
    const { reports, listener } = heard();
    listener.leading('bookings', null);
    listener.committed('bookings', 3, [['bookings', 't1', 'b1']]);
    listener.uncertain();
    listener.standingBy('bookings');
    const calls: unknown[][] = [];
    const recorder: RunnerReports = {
      leading: (...args) => calls.push(['leading', ...args]),
      committed: (...args) => calls.push(['committed', ...args]),
      uncertain: () => calls.push(['uncertain']),
      standingBy: (...args) => calls.push(['standingBy', ...args]),
    };
    for (const report of reports) deliver(structuredClone(report), recorder);
    expect(calls).toEqual([['leading', 'bookings', null], ['committed', 'bookings', 3, [['bookings', 't1', 'b1']]], ['uncertain'], ['standingBy', 'bookings']]);
  });

  it('reaches every listener, in the order given', () => {
    const first = heard();
    const second = heard();
    const both = reportingToAll(first.listener, second.listener);
    both.leading('services', 4);
    both.committed('services', 5, []);
    both.uncertain();
    both.standingBy('services');
    expect(first.reports).toHaveLength(4);
    expect(second.reports).toEqual(first.reports);
  });

  it('is heard by the read cache in front of a store, and by nobody in front of a plain one', async () => {
    const { direct } = await setUp();
    const cached = new CachingReadStore(direct, { owners: new Map(), maxEntries: 10 });
    expect(reportsFor(cached)).toBe(cached);
    expect(reportsFor(direct)).toBe(UNHEARD);
  });

  it('keeps a cache on another thread exact: runners write through reportingBatches, the cache hears only the messages', async () => {
    const { collection, projection, direct, batch } = await setUp();
    // The request thread's store, counting what the cache asks it.
    const reads: string[] = [];
    const counted = new (class extends SqlReadStore {
      override get<T extends Identified = Doc>(c: string, t: string, id: string): Promise<T | null> {
        reads.push(id);
        return super.get<T>(c, t, id);
      }
    })(client);
    const cached = new CachingReadStore(counted, { owners: new Map([[collection, projection]]), maxEntries: 100 });
    // The runner thread: its own stores, its reports posted to the request thread.
    const toRequestThread = reportingTo((report) => deliver(structuredClone(report), cached));
    const runnerStore = reportingBatches(direct, toRequestThread);
    toRequestThread.leading(projection, null);
    expect(await batch(runnerStore, null, [1], (put) => put({ id: 'a', v: 1 }))).toBe(true);
    const kept = await cached.get(collection, 't1', 'a');
    expect(kept).toEqual({ id: 'a', v: 1 });
    expect(await cached.get(collection, 't1', 'a')).toBe(kept);
    expect(await cached.checkpoint(projection)).toBe(1);

    expect(await batch(runnerStore, 1, [2], (put) => put({ id: 'a', v: 2 }))).toBe(true);
    expect(await cached.checkpoint(projection)).toBe(2);
    expect(await cached.get(collection, 't1', 'a')).toEqual({ id: 'a', v: 2 });

    // Another process moves the projection on; the thread's next batch is refused: nothing kept is trusted.
    await cached.get(collection, 't1', 'a');
    expect(await batch(direct, 2, [3], (put) => put({ id: 'a', v: 3 }))).toBe(true);
    expect(await batch(runnerStore, 2, [3], (put) => put({ id: 'a', v: 9 }))).toBe(false);
    expect(await cached.get(collection, 't1', 'a')).toEqual({ id: 'a', v: 3 });

    // A batch that reports what it wrote: the cache keeps it, frozen, and asks the store nothing.
    const carrying = reportingBatches(direct, toRequestThread, 1000);
    expect(await batch(carrying, 3, [4], async (put, remove) => {
      await put({ id: 'a', v: 4 });
      await remove('b');
    })).toBe(true);
    const readsBefore = reads.length;
    expect(await cached.checkpoint(projection)).toBe(4);
    const written = await cached.get(collection, 't1', 'a');
    expect(written).toEqual({ id: 'a', v: 4 });
    expect(Object.isFrozen(written)).toBe(true);
    expect(await cached.get(collection, 't1', 'b')).toBeNull();
    expect(reads.length).toBe(readsBefore);

    // The thread ends: its runner stands by, and the cache reads the store from then on.
    toRequestThread.standingBy(projection);
    expect(await batch(direct, 4, [5], (put) => put({ id: 'a', v: 5 }))).toBe(true);
    expect(await cached.checkpoint(projection)).toBe(5);
    expect(await cached.get(collection, 't1', 'a')).toEqual({ id: 'a', v: 5 });
  });
});
