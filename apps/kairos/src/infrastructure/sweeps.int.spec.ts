import { SYSTEM_TENANT } from '@kairos/core';
import { SqlReadStore } from '@kairos/read-store';
import { scratchPglite } from '@kairos/testing';
import { BackgroundDueWork, DueDoc } from './sweeps';

const COLLECTION = 'due_work';
const NOW = '2026-03-01T12:00:00.000Z';

describe('work found due and run in the background (PGlite)', () => {
  let opened: Awaited<ReturnType<typeof scratchPglite>>;
  let store: SqlReadStore;
  beforeAll(async () => {
    opened = await scratchPglite();
    store = new SqlReadStore(opened.client);
    await store.ensureCollections([COLLECTION]);
    // More than a page of due work, oldest first by the minute, and some not due yet.
    for (let i = 0; i < 450; i++) await store.insertIfAbsent(COLLECTION, SYSTEM_TENANT, { id: `w${String(i).padStart(3, '0')}`, dueAt: new Date(Date.parse(NOW) - (450 - i) * 60_000).toISOString() });
    for (let i = 0; i < 5; i++) await store.insertIfAbsent(COLLECTION, SYSTEM_TENANT, { id: `later${i}`, dueAt: '2026-03-02T00:00:00.000Z' });
  });
  afterAll(() => opened?.dispose());

  it('runs at most its limit at once, oldest first, each key once at a time, and makes room as work ends', async () => {
    const work = new BackgroundDueWork<DueDoc>(store, COLLECTION, 3);
    const gates = new Map<string, () => void>();
    const started: string[] = [];
    const run = (doc: DueDoc) => new Promise<void>((resolve) => void (started.push(doc.id), gates.set(doc.id, resolve)));
    expect(await work.startDue(NOW, (doc) => doc.id, () => true, run)).toBe(3);
    expect(started).toEqual(['w000', 'w001', 'w002']);
    // No room: nothing more starts, and nothing running starts twice.
    expect(await work.startDue(NOW, (doc) => doc.id, () => true, run)).toBe(0);
    gates.get('w001')!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await work.startDue(NOW, (doc) => doc.id, () => true, run)).toBe(1);
    // The room w001 made goes to the oldest due work not running: w001 itself, due again.
    expect(started).toEqual(['w000', 'w001', 'w002', 'w001']);
    for (const open of gates.values()) open();
    await work.settled();
  });

  it('pages through everything due when there is room, and leaves what `wanted` refuses and what is not due', async () => {
    const work = new BackgroundDueWork<DueDoc>(store, COLLECTION, 1000);
    const ran: string[] = [];
    const started = await work.startDue(NOW, (doc) => doc.id, (doc) => doc.id !== 'w100', async (doc) => void ran.push(doc.id));
    await work.settled();
    expect(started).toBe(449);
    expect(ran).toHaveLength(449);
    expect(ran).not.toContain('w100');
    expect(ran.some((id) => id.startsWith('later'))).toBe(false);
  });
});
