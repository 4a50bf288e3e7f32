import { performance } from 'node:perf_hooks';
import { RecordedEvent } from '@kairos/core';
import { anEvent, eventually, uniqueName } from '@kairos/testing';
import { EventStore, WrongExpectedRevision } from './event-store';

/**
 * The behaviour every event store adapter must have. Each adapter's spec calls this with a
 * factory for a store on a real engine; the suite shares one store per file.
 */
export const eventStoreContract = (open: () => Promise<{ store: EventStore; dispose(): Promise<void> }>) => {
  let store: EventStore;
  let dispose: () => Promise<void>;
  beforeAll(async () => ({ store, dispose } = await open()));
  afterAll(async () => dispose?.());

  const stream = () => uniqueName('stream');

  it('appends to a new stream and reads it back in order with metadata intact', async () => {
    const id = stream();
    const events = [anEvent('a.one', { text: 'żółw 🐢', nested: { list: [1, 2] } }), anEvent('a.two')];
    const result = await store.append([{ streamId: id, expectedRevision: 'noStream', events }]);
    expect(result.nextRevisions).toEqual([1]);
    const read = await store.readStream(id);
    expect(read.map((e) => [e.id, e.type, e.streamRevision])).toEqual([
      [events[0].id, 'a.one', 0],
      [events[1].id, 'a.two', 1],
    ]);
    expect(read[0].data).toEqual({ text: 'żółw 🐢', nested: { list: [1, 2] } });
    expect(read[0].metadata).toEqual(events[0].metadata);
    expect(read[0].schemaVersion).toBe(1);
    expect(read[1].position).toBeGreaterThan(read[0].position);
    expect(result.position).toBe(read[1].position);
  });

  it('reads an unknown stream as empty', async () => {
    expect(await store.readStream(stream())).toEqual([]);
  });

  it('enforces every kind of expected revision', async () => {
    const id = stream();
    await expect(store.append([{ streamId: id, expectedRevision: 'streamExists', events: [anEvent()] }])).rejects.toBeInstanceOf(
      WrongExpectedRevision,
    );
    await expect(store.append([{ streamId: id, expectedRevision: 0, events: [anEvent()] }])).rejects.toBeInstanceOf(
      WrongExpectedRevision,
    );
    await store.append([{ streamId: id, expectedRevision: 'noStream', events: [anEvent()] }]);
    const again = store.append([{ streamId: id, expectedRevision: 'noStream', events: [anEvent()] }]);
    await expect(again).rejects.toMatchObject({ streamId: id, expected: 'noStream', actual: 0 });
    await expect(store.append([{ streamId: id, expectedRevision: 5, events: [anEvent()] }])).rejects.toMatchObject({ actual: 0 });
    expect((await store.append([{ streamId: id, expectedRevision: 0, events: [anEvent()] }])).nextRevisions).toEqual([1]);
    expect((await store.append([{ streamId: id, expectedRevision: 'streamExists', events: [anEvent()] }])).nextRevisions).toEqual([2]);
    expect((await store.append([{ streamId: id, expectedRevision: 'any', events: [anEvent()] }])).nextRevisions).toEqual([3]);
    expect((await store.readStream(id)).map((e) => e.streamRevision)).toEqual([0, 1, 2, 3]);
  });

  it('treats a retry with the same event ids at the same place as done, without duplicating', async () => {
    const id = stream();
    const events = [anEvent(), anEvent()];
    const first = await store.append([{ streamId: id, expectedRevision: 'noStream', events }]);
    const retry = await store.append([{ streamId: id, expectedRevision: 'noStream', events }]);
    expect(retry).toEqual(first);
    expect(await store.readStream(id)).toHaveLength(2);
  });

  it('appends to several streams atomically: all or nothing', async () => {
    const [a, b] = [stream(), stream()];
    await store.append([{ streamId: b, expectedRevision: 'noStream', events: [anEvent()] }]);
    const failing = store.append([
      { streamId: a, expectedRevision: 'noStream', events: [anEvent()] },
      { streamId: b, expectedRevision: 'noStream', events: [anEvent()] },
    ]);
    await expect(failing).rejects.toMatchObject({ streamId: b });
    expect(await store.readStream(a)).toEqual([]);
    expect(await store.readStream(b)).toHaveLength(1);

    const ok = await store.append([
      { streamId: a, expectedRevision: 'noStream', events: [anEvent(), anEvent()] },
      { streamId: b, expectedRevision: 0, events: [anEvent()] },
    ]);
    expect(ok.nextRevisions).toEqual([1, 1]);
    expect(await store.readStream(a)).toHaveLength(2);
    expect(await store.readStream(b)).toHaveLength(2);
  });

  it('lets exactly one of many concurrent writers win the same expected revision', async () => {
    const id = stream();
    await store.append([{ streamId: id, expectedRevision: 'noStream', events: [anEvent()] }]);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => store.append([{ streamId: id, expectedRevision: 0, events: [anEvent()] }])),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === 'rejected')) {
      expect((o as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevision);
    }
    expect(await store.readStream(id)).toHaveLength(2);
  });

  it('reads all streams in global order, paged by position', async () => {
    const head = await store.headPosition();
    const [a, b] = [stream(), stream()];
    const written: string[] = [];
    for (let i = 0; i < 5; i++) {
      const event = anEvent('seq', { i });
      written.push(event.id);
      await store.append([{ streamId: i % 2 ? a : b, expectedRevision: 'any', events: [event] }]);
    }
    const firstPage = await store.readAll({ after: head, limit: 3 });
    const secondPage = await store.readAll({ after: firstPage[2].position, limit: 10 });
    expect([...firstPage, ...secondPage].map((e) => e.id)).toEqual(written);
    const positions = [...firstPage, ...secondPage].map((e) => e.position);
    expect([...positions].sort((x, y) => x - y)).toEqual(positions);
    expect(await store.headPosition()).toBe(positions[positions.length - 1]);
  });

  it('subscribes from a position: catches up, turns live, never skips or reorders', async () => {
    const head = await store.headPosition();
    const id = stream();
    const before = [anEvent(), anEvent(), anEvent()];
    await store.append([{ streamId: id, expectedRevision: 'noStream', events: before }]);

    const seen: RecordedEvent[] = [];
    const subscription = store.subscribeAll({
      after: head,
      batchSize: 2,
      onEvents: async (events) => {
        seen.push(...events.filter((e) => e.streamId === id));
      },
    });
    try {
      await eventually(() => expect(seen).toHaveLength(3));
      const live = Array.from({ length: 20 }, () => anEvent());
      await Promise.all(live.map((event) => store.append([{ streamId: id, expectedRevision: 'any', events: [event] }])));
      await eventually(() => expect(seen).toHaveLength(23));
      const positions = seen.map((e) => e.position);
      expect(new Set(positions).size).toBe(23);
      expect([...positions].sort((x, y) => x - y)).toEqual(positions);
      expect(new Set(seen.map((e) => e.id))).toEqual(new Set([...before, ...live].map((e) => e.id)));
    } finally {
      await subscription.stop();
    }
  });

  it('paces a subscription once caught up: appends made meanwhile come as one batch, no sooner than the pace', async () => {
    const paceMs = 1000;
    const head = await store.headPosition();
    const id = stream();
    const batches: { at: number; ids: string[] }[] = [];
    const subscription = store.subscribeAll({
      after: head,
      paceMs,
      onEvents: async (events) => {
        const ours = events.filter((e) => e.streamId === id).map((e) => e.id);
        if (ours.length > 0) batches.push({ at: performance.now(), ids: ours });
      },
    });
    try {
      // Quiet for longer than the pace: the next append is read as soon as it wakes the subscription.
      await new Promise((resolve) => setTimeout(resolve, paceMs + 100));
      const first = anEvent();
      const appendedAt = performance.now();
      await store.append([{ streamId: id, expectedRevision: 'any', events: [first] }]);
      await eventually(() => expect(batches).toHaveLength(1));
      expect(batches[0].at - appendedAt).toBeLessThan(paceMs * 0.8);
      const later = [anEvent(), anEvent(), anEvent()];
      for (const event of later) await store.append([{ streamId: id, expectedRevision: 'any', events: [event] }]);
      await eventually(() => expect(batches.flatMap((b) => b.ids)).toHaveLength(4));
      expect(batches.map((b) => b.ids)).toEqual([[first.id], later.map((e) => e.id)]);
      // Less a little: the first batch's read began before it was handed over.
      expect(batches[1].at - batches[0].at).toBeGreaterThanOrEqual(paceMs * 0.8);
    } finally {
      await subscription.stop();
    }
  });

  it('stops a paced subscription without waiting out its pause', async () => {
    const head = await store.headPosition();
    const id = stream();
    let seen = 0;
    const subscription = store.subscribeAll({ after: head, paceMs: 60_000, onEvents: async (events) => void (seen += events.filter((e) => e.streamId === id).length) });
    await store.append([{ streamId: id, expectedRevision: 'any', events: [anEvent()] }]);
    await eventually(() => expect(seen).toBe(1));
    // Woken again within the pace: the subscription now pauses for the rest of the minute.
    await store.append([{ streamId: id, expectedRevision: 'any', events: [anEvent()] }]);
    const started = performance.now();
    await subscription.stop();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(seen).toBe(1);
  });

  it('answers a ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
};
