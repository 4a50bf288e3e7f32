import { DomainEvent, ProjectionDefinition, RecordedEvent, putDoc } from '@kairos/core';
import { ReadStore, SqlReadStore } from '@kairos/read-store';
import { scratchPglite } from '@kairos/testing';
import { OwnDocuments } from './own-documents';
import { projectionOf } from './projection';
import { applyRemembering } from './projection-runner';

type Bumped = DomainEvent<'counter.bumped', Record<string, never>>;

const counters: ProjectionDefinition<Bumped> = {
  name: 'counters',
  collections: ['counters'],
  canHandle: ['counter.bumped'],
  evolve(event, documents) {
    const counter = documents.get<{ id: string; count: number }>('counters', event.metadata.tenant, 'c');
    return [putDoc('counters', event.metadata.tenant, { id: 'c', count: (counter?.count ?? 0) + 1 })];
  },
};

const bump = (position: number): RecordedEvent => ({
  id: `e${position}`, type: 'counter.bumped', schemaVersion: 1, data: {}, metadata: { tenant: 't1', actor: { type: 'SYSTEM' }, occurredAt: '2026-01-01T00:00:00Z' },
  streamId: 'counter:t1:c', streamRevision: position - 1, position, recordedAt: '2026-01-01T00:00:00Z',
});

/** The store, counting the documents its batches read. */
const countingReads = (store: ReadStore) => {
  const reads = { count: 0 };
  const counted: ReadStore = Object.create(store);
  counted.applyBatch = (batch) =>
    store.applyBatch({ ...batch, apply: (position, writer) => batch.apply(position, { ...writer, get: (...args) => (reads.count++, writer.get(...args)) }) });
  return { counted, reads };
};

describe('a projection runner remembering its own documents (PGlite)', () => {
  let dispose: () => Promise<void>;
  let store: SqlReadStore;
  beforeEach(async () => {
    const scratch = await scratchPglite();
    dispose = scratch.dispose;
    store = new SqlReadStore(scratch.client);
    await store.ensureCollections(counters.collections);
  });
  afterEach(() => dispose());

  it('reads a document it wrote in an earlier batch without asking the store', async () => {
    const { counted, reads } = countingReads(store);
    const apply = applyRemembering(projectionOf(counters), counted, new OwnDocuments());
    expect(await apply([bump(1)], null)).toBe(true);
    expect(await apply([bump(2)], 1)).toBe(true);
    expect(await apply([bump(3)], 2)).toBe(true);
    expect(reads.count).toBe(1);
    expect(await store.get('counters', 't1', 'c')).toEqual({ id: 'c', count: 3 });
  });

  it('forgets what it remembers when a batch is refused, so it reads what another writer wrote', async () => {
    const apply = applyRemembering(projectionOf(counters), store, new OwnDocuments());
    expect(await apply([bump(1), bump(2)], null)).toBe(true);
    // Another leader (this one had lost its lease without knowing) applied event 3.
    await store.applyBatch({ projection: 'counters', expected: 2, positions: [3], apply: (_, writer) => writer.put('counters', 't1', { id: 'c', count: 3 }) });
    expect(await apply([bump(3)], 2)).toBe(false);
    // Going on from the stored checkpoint, as the runner does.
    expect(await apply([bump(4)], 3)).toBe(true);
    expect(await store.get('counters', 't1', 'c')).toEqual({ id: 'c', count: 4 });
  });
});
