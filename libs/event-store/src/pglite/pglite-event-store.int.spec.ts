import { PgliteClient } from '@kairos/sql';
import { anEvent, uniqueName } from '@kairos/testing';
import { eventStoreContract } from '../contract';
import { pgliteEventStore } from './pglite-event-store';

describe('event store on PGlite', () => {
  eventStoreContract(async () => {
    const client = await PgliteClient.open();
    return { store: pgliteEventStore(client), dispose: () => client.close() };
  });
});

/** A store whose statements are counted. */
const countingStore = async () => {
  const client = await PgliteClient.open();
  const statements: string[] = [];
  const counting = Object.assign(Object.create(client) as PgliteClient, {
    query: (text: string, params?: unknown[]) => (statements.push(text), client.query(text, params)),
  });
  const store = pgliteEventStore(counting);
  await store.init();
  return { client, store, statements };
};

describe('SQL event store on PGlite: reading streams and the log', () => {
  it('reads streams asked for in the same turn with one statement, each answer as if read alone', async () => {
    const { client, store, statements } = await countingStore();
    try {
      const streams = [uniqueName('s'), uniqueName('s'), uniqueName('s')];
      for (const [i, stream] of streams.entries()) {
        await store.append([{ streamId: stream, expectedRevision: 'noStream', events: Array.from({ length: i + 1 }, () => anEvent(`e${i}`)) }]);
      }
      statements.length = 0;
      const [a, b, c, missing, bFrom1] = await Promise.all([
        store.readStream(streams[0]),
        store.readStream(streams[1]),
        store.readStream(streams[2]),
        store.readStream(uniqueName('none')),
        store.readStream(streams[1], { fromRevision: 1 }),
      ]);
      expect(statements).toHaveLength(1);
      expect([a, b, c].map((events) => events.map((e) => e.streamRevision))).toEqual([[0], [0, 1], [0, 1, 2]]);
      expect(c.every((e) => e.streamId === streams[2] && e.type === 'e2')).toBe(true);
      expect(missing).toEqual([]);
      expect(bFrom1.map((e) => e.streamRevision)).toEqual([1]);
      expect(await store.readStream(streams[0])).toEqual(a);
    } finally {
      await client.close();
    }
  });

  it('reads the log for readers asking in the same turn from nearby places with one statement, each answer as if read alone', async () => {
    const { client, store, statements } = await countingStore();
    try {
      for (let i = 0; i < 12; i++) await store.append([{ streamId: uniqueName('s'), expectedRevision: 'noStream', events: [anEvent(`e${i}`), anEvent(`e${i}`)] }]);
      const all = await store.readAll({ after: null, limit: 100 });
      const at = (n: number) => all[n].position;
      const asks = [
        { after: null, limit: 5 },
        { after: at(2), limit: 5 },
        { after: at(3), limit: 100 },
        { after: at(20), limit: 2 },
        { after: at(23), limit: 5 },
        // Too far from the others to share their statement.
        { after: at(19), limit: 1 },
      ];
      statements.length = 0;
      const answers = await Promise.all(asks.map((ask) => store.readAll(ask)));
      expect(statements).toHaveLength(2);
      expect(answers.map((events) => events.map((e) => e.position))).toEqual([
        all.slice(0, 5).map((e) => e.position),
        all.slice(3, 8).map((e) => e.position),
        all.slice(4).map((e) => e.position),
        all.slice(21, 23).map((e) => e.position),
        [],
        all.slice(20, 21).map((e) => e.position),
      ]);
      const [shared] = answers;
      expect(Object.isFrozen(shared[0].data)).toBe(true);
      for (const [i, ask] of asks.entries()) expect(await store.readAll(ask)).toEqual(answers[i]);
    } finally {
      await client.close();
    }
  });
});
