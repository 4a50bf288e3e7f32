import { uniqueName } from '@kairos/testing';
import { CheckpointedBatch, Doc, InvalidCursor, ReadStore } from './read-store';

/**
 * The behaviour every read-store adapter must have. Each adapter's spec calls this with a factory
 * for a store on a real engine; one store per file, collections named per test. `unsupported` names
 * the cases the server under test cannot run (a stand-in for the engine), each with what it lacks:
 * they are skipped there, saying so, and still run on the engine itself.
 */
export const readStoreContract = (open: () => Promise<{ store: ReadStore; dispose(): Promise<void> }>, unsupported: Readonly<Record<string, string>> = {}) => {
  const it = (name: string, body: () => Promise<void>) => {
    if (!(name in unsupported)) return globalThis.it(name, body);
    // eslint-disable-next-line no-console
    console.warn(`SKIPPED ${name}: ${unsupported[name]}`);
    return globalThis.it.skip(name, body);
  };
  let store: ReadStore;
  let dispose: () => Promise<void>;
  beforeAll(async () => ({ store, dispose } = await open()));
  afterAll(async () => dispose?.());

  const collection = async () => {
    const name = uniqueName('c');
    await store.ensureCollections([name]);
    return name;
  };
  const batch = (projection: string, expected: number | null, positions: number[], apply: CheckpointedBatch['apply']) =>
    store.applyBatch({ projection, expected, positions, apply });

  it('applies a batch and its checkpoint together', async () => {
    const c = await collection();
    const p = uniqueName('p');
    expect(await store.checkpoint(p)).toBeNull();
    const ok = await batch(p, null, [3, 7], async (position, w) => {
      await w.put(c, 't1', { id: `d${position}`, position, createdAt: `2026-01-0${position}` });
    });
    expect(ok).toBe(true);
    expect(await store.checkpoint(p)).toBe(7);
    expect(await store.get(c, 't1', 'd3')).toEqual({ id: 'd3', position: 3, createdAt: '2026-01-03' });
  });

  it('refuses a batch that does not continue from the stored checkpoint, applying nothing', async () => {
    const c = await collection();
    const p = uniqueName('p');
    await batch(p, null, [1], async (_, w) => w.put(c, 't1', { id: 'a' }));
    const stale = await batch(p, null, [2], async (_, w) => w.put(c, 't1', { id: 'b' }));
    expect(stale).toBe(false);
    expect(await store.get(c, 't1', 'b')).toBeNull();
    expect(await store.checkpoint(p)).toBe(1);
  });

  it('answers each of many batches asked for at once on its own, those that write nothing too', async () => {
    const c = await collection();
    const [fresh, moving, stale, twice] = ['fresh', 'moving', 'stale', 'twice'].map(uniqueName);
    await batch(moving, null, [1], async () => undefined);
    await batch(stale, null, [1], async () => undefined);
    await batch(twice, null, [1], async () => undefined);
    const nothing = async () => undefined;
    const answers = await Promise.all([
      batch(fresh, null, [2], nothing),
      batch(moving, 1, [2, 3], nothing),
      batch(stale, 0, [2], nothing),
      batch(stale, 1, [5], async (_, w) => w.put(c, 't1', { id: 'written' })),
      batch(twice, 1, [4], nothing),
      batch(twice, 1, [6], nothing),
    ]);
    expect(answers.slice(0, 4)).toEqual([true, true, false, true]);
    // The same checkpoint moved twice from the same place: exactly one of them wins.
    expect(answers.slice(4).sort()).toEqual([false, true]);
    expect(await store.checkpoint(fresh)).toBe(2);
    expect(await store.checkpoint(moving)).toBe(3);
    expect(await store.checkpoint(stale)).toBe(5);
    expect(await store.get(c, 't1', 'written')).toEqual({ id: 'written' });
    expect([4, 6]).toContain(await store.checkpoint(twice));
  });

  it('lets a projection read what it wrote earlier in the same batch, and delete', async () => {
    const c = await collection();
    const p = uniqueName('p');
    await batch(p, null, [1, 2, 3], async (position, w) => {
      const current = await w.get<Doc & { count: number }>(c, 't1', 'counter');
      await w.put(c, 't1', { id: 'counter', count: (current?.count ?? 0) + position });
      if (position === 3) await w.delete(c, 't1', 'gone');
      if (position === 1) await w.put(c, 't1', { id: 'gone' });
    });
    expect(await store.get(c, 't1', 'counter')).toEqual({ id: 'counter', count: 6 });
    expect(await store.get(c, 't1', 'gone')).toBeNull();
  });

  it('gets several documents by id in one call, skipping missing ones and other tenants', async () => {
    const c = await collection();
    const p = uniqueName('p');
    await batch(p, null, [1], async (_, w) => {
      for (const id of ['a', 'b', 'c']) await w.put(c, 't1', { id, n: id });
      await w.put(c, 't2', { id: 'd', n: 'd' });
    });
    const found = await store.getMany(c, 't1', ['c', 'a', 'zz', 'd']);
    expect(found.map((d) => d.id).sort()).toEqual(['a', 'c']);
    expect(await store.getMany(c, 't1', [])).toEqual([]);
  });

  it('keeps tenants apart', async () => {
    const c = await collection();
    const p = uniqueName('p');
    await batch(p, null, [1], async (_, w) => {
      await w.put(c, 't1', { id: 'same', owner: 't1', createdAt: 'x' });
      await w.put(c, 't2', { id: 'same', owner: 't2', createdAt: 'x' });
    });
    expect(await store.get(c, 't1', 'same')).toMatchObject({ owner: 't1' });
    expect(await store.get(c, 't2', 'same')).toMatchObject({ owner: 't2' });
    expect((await store.find(c, 't2', { limit: 10 })).items).toEqual([{ id: 'same', owner: 't2', createdAt: 'x' }]);
    expect((await store.find(c, 't3', { limit: 10 })).items).toEqual([]);
  });

  it('filters by equality, null and array membership, pages with a cursor in both directions', async () => {
    const c = await collection();
    const p = uniqueName('p');
    const docs = Array.from({ length: 7 }, (_, i) => ({
      id: `id-${i}`,
      createdAt: `2026-01-01T00:00:0${i % 3}Z`,
      type: i % 2 ? 'CLASS' : 'APPOINTMENT',
      hidden: i === 4,
      deletedAt: i === 6 ? '2026-02-01T00:00:00Z' : null,
      resourceIds: [`r${i % 3}`, 'all'],
    }));
    await batch(p, null, [1], async (_, w) => {
      for (const doc of docs) await w.put(c, 't1', doc);
    });
    const ids = async (where: Record<string, never> | Parameters<ReadStore['find']>[2]['where'], descending = false, limit = 3) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: Doc[]; nextCursor: string | null } = await store.find(c, 't1', { where, descending, limit, cursor });
        seen.push(...page.items.map((d) => d.id));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    const byCreated = [...docs].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1));
    expect(await ids({})).toEqual(byCreated.map((d) => d.id));
    expect(await ids({}, true)).toEqual(byCreated.map((d) => d.id).reverse());
    expect(await ids({ type: 'CLASS' })).toEqual(byCreated.filter((d) => d.type === 'CLASS').map((d) => d.id));
    expect(await ids({ deletedAt: null, hidden: false })).toEqual(byCreated.filter((d) => !d.deletedAt && !d.hidden).map((d) => d.id));
    expect(await ids({ resourceIds: { contains: 'r1' } })).toEqual(byCreated.filter((d) => d.resourceIds[0] === 'r1').map((d) => d.id));
    const exact = await store.find(c, 't1', { limit: 7 });
    expect(exact.items).toHaveLength(7);
    expect(exact.nextCursor).toBeNull();
  });

  it('filters a string field by a set of values and by a range', async () => {
    const c = await collection();
    const p = uniqueName('p');
    const starts = ['2026-03-28T23:00:00.000Z', '2026-03-29T00:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:00:00.000Z'];
    await batch(p, null, [1], async (_, w) => {
      for (const [i, start] of starts.entries()) await w.put(c, 't1', { id: `s${i}`, createdAt: start, start, scheduleId: `sch${i % 2}`, tags: [start] });
    });
    const ids = async (where: Parameters<ReadStore['find']>[2]['where']) => (await store.find(c, 't1', { where, limit: 10 })).items.map((d) => d.id);
    expect(await ids({ start: { gte: '2026-03-29T00:30:00.000Z', lt: '2026-03-30T00:00:00.000Z' } })).toEqual(['s1', 's2']);
    expect(await ids({ start: { lt: '2026-03-29T00:00:00.000Z' } })).toEqual(['s0']);
    expect(await ids({ scheduleId: { in: ['sch1', 'nope'] } })).toEqual(['s1', 's3']);
    expect(await ids({ scheduleId: { in: ['sch0'] }, start: { gte: '2026-03-29T00:00:00.000Z' } })).toEqual(['s2']);
    // Ranges and sets apply to string fields only, never to arrays holding strings.
    expect(await ids({ tags: { in: [starts[0]] } })).toEqual([]);
    expect(await ids({ tags: { gte: starts[0] } })).toEqual([]);
  });

  it('rejects a cursor it did not issue', async () => {
    const c = await collection();
    await expect(store.find(c, 't1', { limit: 5, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursor);
  });

  it('inserts only when absent and replaces only on the expected value', async () => {
    const c = await collection();
    expect(await store.insertIfAbsent(c, 't1', { id: 'k', state: 'running' })).toBe(true);
    expect(await store.insertIfAbsent(c, 't1', { id: 'k', state: 'other' })).toBe(false);
    expect(await store.insertIfAbsent(c, 't2', { id: 'k', state: 'running' })).toBe(true);
    expect(await store.replaceIf(c, 't1', { id: 'k', state: 'done' }, 'state', 'other')).toBe(false);
    expect(await store.replaceIf(c, 't1', { id: 'k', state: 'done' }, 'state', 'running')).toBe(true);
    expect(await store.get(c, 't1', 'k')).toEqual({ id: 'k', state: 'done' });
  });

  it('rebuilds into fresh collections and swaps them in with their checkpoint', async () => {
    const c = await collection();
    const p = uniqueName('p');
    await batch(p, null, [5], async (_, w) => w.put(c, 't1', { id: 'old', createdAt: 'a' }));
    await store.rebuild(p, [c], async (staging) => {
      expect(await staging.checkpoint(p)).toBeNull();
      expect(await staging.get(c, 't1', 'old')).toBeNull();
      await staging.applyBatch({ projection: p, expected: null, positions: [9], apply: async (_, w) => w.put(c, 't1', { id: 'new', createdAt: 'b' }) });
      // The live collections still answer while the rebuild runs.
      expect(await store.get(c, 't1', 'old')).not.toBeNull();
    });
    expect(await store.get(c, 't1', 'old')).toBeNull();
    expect(await store.get(c, 't1', 'new')).toEqual({ id: 'new', createdAt: 'b' });
    expect(await store.checkpoint(p)).toBe(9);
    // A second rebuild works on the swapped-in collections too.
    await store.rebuild(p, [c], async (staging) => {
      await staging.applyBatch({ projection: p, expected: null, positions: [10], apply: async (_, w) => w.put(c, 't1', { id: 'newer', createdAt: 'c' }) });
    });
    expect((await store.find(c, 't1', { limit: 5 })).items.map((d) => d.id)).toEqual(['newer']);
  });

  it('loads documents in bulk with their checkpoint, and refuses a load that does not continue from it', async () => {
    const [c, d] = [await collection(), await collection()];
    const p = uniqueName('p');
    const doc = (id: string, extra: Record<string, unknown> = {}) => ({ id, createdAt: 'a', text: 'quote " backslash \\ é', ...extra });
    const loaded = await store.load({
      projection: p,
      expected: null,
      position: 4,
      documents: [
        { collection: c, tenant: 't1', id: 'a', doc: doc('a', { nested: { list: [1, 'two', null] } }) },
        { collection: c, tenant: 't2', id: 'a', doc: doc('a') },
        { collection: d, tenant: 't1', id: 'b', doc: doc('b') },
      ],
    });
    expect(loaded).toBe(true);
    expect(await store.checkpoint(p)).toBe(4);
    expect(await store.get(c, 't1', 'a')).toEqual(doc('a', { nested: { list: [1, 'two', null] } }));
    expect(await store.get(d, 't1', 'b')).toEqual(doc('b'));
    const replaced = await store.load({
      projection: p,
      expected: 4,
      position: 6,
      documents: [
        { collection: c, tenant: 't1', id: 'a', doc: null },
        { collection: c, tenant: 't2', id: 'a', doc: doc('a', { version: 2 }) },
      ],
    });
    expect(replaced).toBe(true);
    expect(await store.get(c, 't1', 'a')).toBeNull();
    expect(await store.get(c, 't2', 'a')).toEqual(doc('a', { version: 2 }));
    const stale = await store.load({ projection: p, expected: 4, position: 8, documents: [{ collection: d, tenant: 't1', id: 'c', doc: doc('c') }] });
    expect(stale).toBe(false);
    expect(await store.get(d, 't1', 'c')).toBeNull();
    expect(await store.checkpoint(p)).toBe(6);
    expect(await store.load({ projection: p, expected: 6, position: 9, documents: [] })).toBe(true);
    expect(await store.checkpoint(p)).toBe(9);
  });

  it('loads names and texts holding tabs, line breaks, backslashes and bulk-format markers as they are', async () => {
    const c = await collection();
    // What a bulk format could take for a separator, an end of row, an escape, a null or the end of the data.
    const awkward = 'tab\there, new\nline, return\r, back\\slash, \\N, \\.\n\\.';
    const doc = { id: awkward, createdAt: 'a', text: awkward, list: [awkward, '\\'] };
    expect(await store.load({ projection: uniqueName('p'), expected: null, position: 1, documents: [{ collection: c, tenant: awkward, id: awkward, doc }] })).toBe(true);
    expect(await store.get(c, awkward, awkward)).toEqual(doc);
    expect((await store.find(c, awkward, { limit: 2 })).items).toEqual([doc]);
  });
};
