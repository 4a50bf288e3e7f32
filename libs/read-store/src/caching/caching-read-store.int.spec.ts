import { PgliteClient } from '@kairos/sql';
import { uniqueName } from '@kairos/testing';
import { readStoreContract } from '../contract';
import { Doc, Identified, ReadStore } from '../read-store';
import { SqlReadStore } from '../sql/sql-read-store';
import { CachingReadStore } from './caching-read-store';

describe('caching read store in front of PGlite', () => {
  readStoreContract(async () => {
    const client = await PgliteClient.open();
    return { store: new CachingReadStore(new SqlReadStore(client), { owners: new Map(), maxEntries: 1000 }), dispose: () => client.close() };
  });
});

describe('caching read store', () => {
  let client: PgliteClient;
  beforeAll(async () => (client = await PgliteClient.open()));
  afterAll(async () => client?.close());

  /** A cached store and, on the same database, the plain store another process would write through. */
  const setUp = async (maxEntries = 1000) => {
    const collection = uniqueName('c');
    const projection = uniqueName('p');
    const direct = new SqlReadStore(client);
    await direct.ensureCollections([collection]);
    const cached = new CachingReadStore(direct, { owners: new Map([[collection, projection]]), maxEntries });
    // This process's runner writes the projection, from its start.
    cached.leading(projection, null);
    const write = (store: ReadStore, expected: number | null, position: number, docs: Doc[]) =>
      store.applyBatch({ projection, expected, positions: [position], apply: async (_, w) => { for (const doc of docs) await w.put(collection, 't1', doc); } });
    expect(await write(cached, null, 1, [{ id: 'a', v: 1 }, { id: 'b', v: 1 }])).toBe(true);
    return { collection, projection, direct, cached, write };
  };

  it('hands out the same document until a batch through it changes it', async () => {
    const { collection, cached, write } = await setUp();
    const first = await cached.get(collection, 't1', 'a');
    expect(await cached.get(collection, 't1', 'a')).toBe(first);
    expect(await cached.getMany(collection, 't1', ['a', 'b'])).toContain(first);
    await write(cached, 1, 2, [{ id: 'a', v: 2 }]);
    expect(await cached.get(collection, 't1', 'a')).toEqual({ id: 'a', v: 2 });
    expect(await cached.checkpoint(uniqueName('unknown'))).toBeNull();
  });

  it('keeps what its own batches wrote, as written, without asking the store again', async () => {
    const { collection, direct, cached, write } = await setUp();
    let storeReads = 0;
    const get = direct.get.bind(direct);
    direct.get = (...args) => (storeReads++, get(...args));
    const getMany = direct.getMany.bind(direct);
    direct.getMany = (...args) => (storeReads++, getMany(...args));
    expect(await write(cached, 1, 2, [{ id: 'a', v: 2, tags: ['x'] }])).toBe(true);
    expect(await cached.get(collection, 't1', 'a')).toEqual({ id: 'a', v: 2, tags: ['x'] });
    expect(await cached.getMany(collection, 't1', ['a', 'b'])).toEqual([{ id: 'a', v: 2, tags: ['x'] }, { id: 'b', v: 1 }]);
    expect(storeReads).toBe(0);
    expect(Object.isFrozen((await cached.get<{ id: string; tags: string[] }>(collection, 't1', 'a'))!.tags)).toBe(true);
  });

  it('remembers absent documents and forgets them once a batch creates them', async () => {
    const { collection, cached, write } = await setUp();
    expect(await cached.getMany(collection, 't1', ['a', 'z'])).toHaveLength(1);
    expect(await cached.get(collection, 't1', 'z')).toBeNull();
    await write(cached, 1, 2, [{ id: 'z', v: 1 }]);
    expect(await cached.get(collection, 't1', 'z')).toEqual({ id: 'z', v: 1 });
  });

  it('drops the pages of a collection and tenant that a batch changed', async () => {
    const { collection, cached, write } = await setUp();
    const query = { where: { v: 1 }, orderBy: 'id', limit: 10 };
    const page = await cached.find(collection, 't1', query);
    expect(await cached.find(collection, 't1', query)).toBe(page);
    await write(cached, 1, 2, [{ id: 'c', v: 1 }]);
    expect((await cached.find(collection, 't1', query)).items.map((d) => d.id)).toEqual(['a', 'b', 'c']);
  });

  it('follows batches committed in another thread as it is told of them: drops what they touched, moves on, keeps no read that raced one', async () => {
    const { collection, projection, direct, cached } = await setUp();
    const kept = await cached.get(collection, 't1', 'a');
    expect(await direct.applyBatch({ projection, expected: 1, positions: [2], apply: async (_, w) => w.put(collection, 't1', { id: 'a', v: 2 }) })).toBe(true);
    // Not told yet: still the documents as they were at 1, and 1.
    expect(await cached.get(collection, 't1', 'a')).toBe(kept);
    expect(await cached.checkpoint(projection)).toBe(1);
    cached.committed(projection, 2, [[collection, 't1', 'a']]);
    expect(await cached.checkpoint(projection)).toBe(2);
    expect(await cached.get(collection, 't1', 'a')).toEqual({ id: 'a', v: 2 });
    expect(await cached.get(collection, 't1', 'b')).toEqual({ id: 'b', v: 1 });

    // A read under way when news of a commit arrives may have seen the store before it: not kept.
    const racing = cached.get(collection, 't1', 'c');
    cached.committed(projection, 3, [[collection, 't1', 'c']]);
    expect(await racing).toBeNull();
    expect(await direct.applyBatch({ projection, expected: 2, positions: [3], apply: async (_, w) => w.put(collection, 't1', { id: 'c', v: 3 }) })).toBe(true);
    expect(await cached.get(collection, 't1', 'c')).toEqual({ id: 'c', v: 3 });

    // A batch of unknown fate: every document goes, the position stays as a lower bound until news arrives.
    cached.uncertain();
    expect(await direct.applyBatch({ projection, expected: 3, positions: [4], apply: async (_, w) => w.put(collection, 't1', { id: 'a', v: 4 }) })).toBe(true);
    expect(await cached.checkpoint(projection)).toBe(3);
    expect(await cached.get(collection, 't1', 'a')).toEqual({ id: 'a', v: 4 });
  });

  it('keeps what a batch committed in another thread wrote, when told, only while that projection leads here', async () => {
    const { collection, projection, direct, cached } = await setUp();
    expect(await direct.applyBatch({ projection, expected: 1, positions: [2], apply: async (_, w) => w.put(collection, 't1', { id: 'a', v: 2 }) })).toBe(true);
    cached.committed(projection, 2, [[collection, 't1', 'a'], [collection, 't1', 'b']], [{ id: 'a', v: 2 }, null]);
    const kept = await cached.get(collection, 't1', 'a');
    expect(kept).toEqual({ id: 'a', v: 2 });
    expect(Object.isFrozen(kept)).toBe(true);
    // Deleted, as far as the cache knows: the store still has it, which shows it was not asked.
    expect(await cached.get(collection, 't1', 'b')).toBeNull();

    // Standing by, it hears nothing for sure: a report that arrives then keeps nothing.
    cached.standingBy(projection);
    cached.committed(projection, 3, [[collection, 't1', 'a']], [{ id: 'a', v: 'not in the store' }]);
    cached.leading(projection, 2);
    expect(await cached.get(collection, 't1', 'a')).toEqual({ id: 'a', v: 2 });
  });

  it('answers the position its documents reflect while another writer moves on, and lets go once its own batch is refused', async () => {
    const { collection, projection, direct, cached, write } = await setUp();
    expect(await cached.get(collection, 't1', 'a')).toEqual({ id: 'a', v: 1 });
    expect(await write(direct, 1, 2, [{ id: 'a', v: 2 }])).toBe(true);
    // Consistent, if behind: position 1 and the document as it was at 1.
    expect(await cached.checkpoint(projection)).toBe(1);
    expect(await cached.get(collection, 't1', 'a')).toEqual({ id: 'a', v: 1 });
    // Its own runner tries event 2 as well and is refused: nothing read before is kept.
    expect(await write(cached, 1, 2, [{ id: 'a', v: 2 }])).toBe(false);
    expect(await cached.get(collection, 't1', 'a')).toEqual({ id: 'a', v: 2 });
    // The runner re-reads the checkpoint (standing by meanwhile, so it gets the store's) and leads from there.
    cached.standingBy(projection);
    expect(await cached.checkpoint(projection)).toBe(2);
    cached.leading(projection, 2);
    expect(await write(cached, 2, 3, [{ id: 'b', v: 3 }])).toBe(true);
    expect(await cached.checkpoint(projection)).toBe(3);
    expect(await cached.get(collection, 't1', 'b')).toBe(await cached.get(collection, 't1', 'b'));
  });

  it('reads a projection that another process writes from the store, documents and checkpoint alike', async () => {
    const { collection, projection, direct, cached, write } = await setUp();
    cached.standingBy(projection);
    const query = { limit: 10, orderBy: 'id' };
    expect(await cached.get(collection, 't1', 'a')).not.toBe(await cached.get(collection, 't1', 'a'));
    expect(await cached.find(collection, 't1', query)).not.toBe(await cached.find(collection, 't1', query));
    // The other process's runner moves on; this one hears nothing of it, and needs not.
    expect(await write(direct, 1, 2, [{ id: 'a', v: 2 }])).toBe(true);
    expect(await cached.checkpoint(projection)).toBe(2);
    expect(await cached.get(collection, 't1', 'a')).toEqual({ id: 'a', v: 2 });
    expect(await cached.getMany(collection, 't1', ['a', 'b'])).toEqual(expect.arrayContaining([{ id: 'a', v: 2 }, { id: 'b', v: 1 }]));
    // Once its own runner takes over, from the position it read, it serves from memory again.
    cached.leading(projection, 2);
    expect(await cached.get(collection, 't1', 'a')).toBe(await cached.get(collection, 't1', 'a'));
  });

  it('drops what it kept when its runner leads again: another writer may have changed it meanwhile', async () => {
    const { collection, projection, direct, cached, write } = await setUp();
    expect(await cached.get(collection, 't1', 'a')).toEqual({ id: 'a', v: 1 });
    expect(await write(direct, 1, 2, [{ id: 'a', v: 2 }])).toBe(true);
    cached.leading(projection, 2);
    expect(await cached.checkpoint(projection)).toBe(2);
    expect(await cached.get(collection, 't1', 'a')).toEqual({ id: 'a', v: 2 });
  });

  it('does not keep a read that was answered from before a commit', async () => {
    const { collection, projection, direct, write } = await setUp();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The store answers, then the answer is slow to arrive: a batch commits in between.
    const slow: ReadStore = Object.assign(Object.create(direct) as ReadStore, {
      get: async <T extends Identified>(c: string, t: string, id: string) => {
        const doc = await direct.get<T>(c, t, id);
        await held;
        return doc;
      },
    });
    const cached = new CachingReadStore(slow, { owners: new Map([[collection, projection]]), maxEntries: 1000 });
    cached.leading(projection, 1);
    const racing = cached.get(collection, 't1', 'a');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await write(cached, 1, 2, [{ id: 'a', v: 2 }])).toBe(true);
    release();
    expect(await racing).toEqual({ id: 'a', v: 1 });
    expect(await cached.get(collection, 't1', 'a')).toEqual({ id: 'a', v: 2 });
  });

  it('lets a batch read its projection\'s kept documents without the store, and its own changes from the batch', async () => {
    const { collection, projection, direct } = await setUp();
    const storeReads: string[] = [];
    // The same store, noting the reads a batch makes of it.
    const noting: ReadStore = Object.assign(Object.create(direct) as ReadStore, {
      applyBatch: (batch: Parameters<ReadStore['applyBatch']>[0]) =>
        direct.applyBatch({
          ...batch,
          apply: (position, writer) => batch.apply(position, { ...writer, get: (c, t, id) => (storeReads.push(id), writer.get(c, t, id)) }),
        }),
    });
    const cached = new CachingReadStore(noting, { owners: new Map([[collection, projection]]), maxEntries: 1000 });
    cached.leading(projection, 1);
    await cached.getMany(collection, 't1', ['a', 'b']);
    const seen: unknown[] = [];
    const applied = await cached.applyBatch({
      projection,
      expected: 1,
      positions: [2],
      apply: async (_, w) => {
        const a = (await w.get<Doc & { v: number }>(collection, 't1', 'a'))!;
        a.v += 10;
        await w.put(collection, 't1', a);
        seen.push(await w.get(collection, 't1', 'a'), await w.get(collection, 't1', 'b'), await w.get(collection, 't1', 'never'));
      },
    });
    expect(applied).toBe(true);
    expect(seen).toEqual([{ id: 'a', v: 11 }, { id: 'b', v: 1 }, null]);
    // 'a' after the batch changed it, and 'never', which was never kept, came from the store.
    expect(storeReads).toEqual(['a', 'never']);
    expect(await cached.get(collection, 't1', 'a')).toEqual({ id: 'a', v: 11 });
  });

  it('keeps what a committed batch read of its projection, present or absent, as the store had it, reading each once', async () => {
    const { collection, projection, direct } = await setUp();
    const storeReads: string[] = [];
    const noting: ReadStore = Object.assign(Object.create(direct) as ReadStore, {
      applyBatch: (batch: Parameters<ReadStore['applyBatch']>[0]) =>
        direct.applyBatch({ ...batch, apply: (position, writer) => batch.apply(position, { ...writer, get: (c, t, id) => (storeReads.push(id), writer.get(c, t, id)) }) }),
      get: (c: string, t: string, id: string) => (storeReads.push(id), direct.get(c, t, id)),
    });
    const cached = new CachingReadStore(noting, { owners: new Map([[collection, projection]]), maxEntries: 1000 });
    cached.leading(projection, 1);
    const readBAndNever = (expected: number, position: number) =>
      cached.applyBatch({
        projection,
        expected,
        positions: [position],
        apply: async (_, w) => {
          const b = (await w.get<Doc & { v: number }>(collection, 't1', 'b'))!;
          // Changed but not written: the store still holds what was read, and so does a second read in the batch.
          const stored = b.v;
          b.v = 99;
          expect(await w.get(collection, 't1', 'b')).toEqual({ id: 'b', v: stored });
          expect(await w.get(collection, 't1', 'never')).toBeNull();
          await w.put(collection, 't1', { id: 'a', v: position });
        },
      });
    expect(await readBAndNever(1, 2)).toBe(true);
    expect(storeReads).toEqual(['b', 'never']);
    expect(await readBAndNever(2, 3)).toBe(true);
    expect(await cached.get(collection, 't1', 'b')).toEqual({ id: 'b', v: 1 });
    expect(await cached.get(collection, 't1', 'never')).toBeNull();
    expect(storeReads).toEqual(['b', 'never']);
    // A refused batch keeps nothing it read: another writer moved on.
    expect(await direct.applyBatch({ projection, expected: 3, positions: [4], apply: async (_, w) => w.put(collection, 't1', { id: 'b', v: 4 }) })).toBe(true);
    cached.leading(projection, 3);
    expect(await readBAndNever(3, 5)).toBe(false);
    expect(await cached.get(collection, 't1', 'b')).toEqual({ id: 'b', v: 4 });
    expect(storeReads).toEqual(['b', 'never', 'b', 'never', 'b']);
  });

  it('freezes what it hands out, so a caller cannot change what the next one reads', async () => {
    const { collection, cached } = await setUp();
    const doc = (await cached.get<Doc & { v: number }>(collection, 't1', 'a'))!;
    expect(() => {
      doc.v = 9;
    }).toThrow(TypeError);
    expect(await cached.get(collection, 't1', 'a')).toEqual({ id: 'a', v: 1 });
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const { collection, cached } = await setUp(1);
    const a = await cached.get(collection, 't1', 'a');
    await cached.get(collection, 't1', 'b');
    const again = await cached.get(collection, 't1', 'a');
    expect(again).toEqual(a);
    expect(again).not.toBe(a);
  });

  it('always reads a pass-through collection from the store', async () => {
    const { collection, projection, direct } = await setUp();
    const cached = new CachingReadStore(direct, { owners: new Map([[collection, projection]]), maxEntries: 1000, passThrough: new Set([collection]) });
    cached.leading(projection, 1);
    const query = { limit: 10, orderBy: 'id' };
    expect(await cached.get(collection, 't1', 'a')).not.toBe(await cached.get(collection, 't1', 'a'));
    expect(await cached.find(collection, 't1', query)).not.toBe(await cached.find(collection, 't1', query));
  });

  it('never serves again a collection written around its projection, whatever batches are reported on it later', async () => {
    const { collection, projection, direct, cached } = await setUp();
    expect(await cached.insertIfAbsent(collection, 't1', { id: 'x' })).toBe(true);
    // A batch of the runner thread that touched the collection, reported afterwards.
    cached.committed(projection, 2, [[collection, 't1', 'a']]);
    expect(await cached.get(collection, 't1', 'y')).toBeNull();
    // Another thread writes it around the projection as well: nothing tells this one.
    expect(await direct.insertIfAbsent(collection, 't1', { id: 'y' })).toBe(true);
    expect(await cached.get(collection, 't1', 'y')).toEqual({ id: 'y' });
  });

  it('stops serving a projection collection from memory once something writes it directly', async () => {
    const { collection, cached } = await setUp();
    const first = await cached.get(collection, 't1', 'a');
    expect(await cached.insertIfAbsent(collection, 't1', { id: 'x' })).toBe(true);
    const second = await cached.get(collection, 't1', 'a');
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    expect(await cached.get(collection, 't1', 'a')).not.toBe(second);
  });
});
