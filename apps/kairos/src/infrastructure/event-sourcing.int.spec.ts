import { DomainError, newId } from '@kairos/core';
import { SqlEventStore, WrongExpectedRevision } from '@kairos/event-store';
import { SqlReadStore } from '@kairos/read-store';
import { scratchPglite } from '@kairos/testing';
import { KEY_RECORDED, KeyRecord } from '../http/idempotency';
import { KeyedRequest, RequestContext } from '../http/request-context';
import { handleCommand, streamOf } from './command-handling';
import { CONSULTED_BY_COMMANDS, EventSourcing } from './event-sourcing';

const NOW = new Date('2026-03-28T00:00:00Z');

/** Tells when a command starts waiting for the read models, so a case moves them along only then. */
class WatchedEventSourcing extends EventSourcing {
  onWait?: () => void;

  override readModelsReach(position: number, timeoutMs: number): Promise<boolean> {
    if (timeoutMs > 0) this.onWait?.();
    return super.readModelsReach(position, timeoutMs);
  }
}

describe('EventSourcing.commit with an Idempotency-Key, and handleCommand (PGlite)', () => {
  let dispose: () => Promise<void>;
  let store: SqlEventStore;
  let readStore: SqlReadStore;
  let es: WatchedEventSourcing;
  beforeAll(async () => {
    const scratch = await scratchPglite();
    dispose = scratch.dispose;
    store = new SqlEventStore(scratch.client);
    await store.init();
    readStore = new SqlReadStore(scratch.client);
    await readStore.ensureCollections([]);
    es = new WatchedEventSourcing(store, () => NOW, {}, readStore);
  });
  afterAll(async () => dispose());

  const keyedContext = (streamId: string): RequestContext & { idempotency: KeyedRequest } => ({
    tenant: 't1',
    actor: { type: 'BUSINESS' },
    correlationId: 'c1',
    idempotency: { streamId, path: '/v1/things', requestHash: 'h1', expected: 'noStream', status: 201, committed: false },
  });
  const change = (streamId: string) => ({ streamId, expected: 'any' as const, events: [{ type: 'thing.changed', data: { n: 1 } }] });

  const thing = (streamId: string) => streamOf(streamId, { initialState: () => 0, evolve: (n: number) => n + 1 });

  it('records the key and the answer last in the same append, once per request', async () => {
    const ctx = keyedContext('idempotency:t1:once');
    const answered = await es.commit(ctx, [change('thing:t1:a')], NOW, { id: 'a' }, '/v1/things/a');
    const [record] = await store.readStream('idempotency:t1:once');
    expect(record).toMatchObject({ type: KEY_RECORDED, position: answered.position, data: { requestHash: 'h1', path: '/v1/things', status: 201, location: '/v1/things/a', body: '{"id":"a"}' } satisfies KeyRecord });
    await es.commit(ctx, [change('thing:t1:a')], NOW, { id: 'a' });
    expect(await store.readStream('idempotency:t1:once')).toHaveLength(1);
    expect(await store.readStream('thing:t1:a')).toHaveLength(2);
  });

  it('records nothing when nothing changes', async () => {
    const answered = await es.commit(keyedContext('idempotency:t1:noop'), [{ ...change('thing:t1:b'), events: [] }], NOW, { id: 'b' });
    expect(answered.position).toBeNull();
    expect(await store.readStream('idempotency:t1:noop')).toEqual([]);
  });

  it('does not retry, and changes nothing, when another attempt committed the key first', async () => {
    await es.commit(keyedContext('idempotency:t1:raced'), [change('thing:t1:c')], NOW, { id: 'c' });
    let attempts = 0;
    const losing = handleCommand(es, keyedContext('idempotency:t1:raced'), () => {
      attempts++;
      return { streams: [thing('thing:t1:d')], decide: () => ({ appends: [{ streamId: 'thing:t1:d', events: change('thing:t1:d').events }], answer: { id: 'd' } }) };
    });
    await expect(losing).rejects.toMatchObject({ code: 'request-in-progress' });
    expect(attempts).toBe(1);
    expect(await store.readStream('thing:t1:d')).toEqual([]);
  });

  describe('handleCommand', () => {
    const ctx: RequestContext = { tenant: 't1', actor: { type: 'BUSINESS' }, correlationId: 'c2' };
    /** An event appended by someone else, between an attempt's reads and its append. */
    const otherWriter = () => ({ id: newId(), type: 'thing.changed', schemaVersion: 1, data: {}, metadata: { tenant: 't1', actor: { type: 'SYSTEM' as const }, occurredAt: NOW.toISOString() } });
    const counted = (streamId: string, n: number) => ({ streamId, events: Array.from({ length: n }, () => ({ type: 'thing.changed', data: { n: 1 } })) });

    it('decides on the states read, appends each written stream at the revision read, and leaves read-only streams alone', async () => {
      await store.append([{ streamId: 'thing:t1:ro', expectedRevision: 'any', events: [otherWriter()] }]);
      const written = thing('thing:t1:w');
      const readOnly = thing('thing:t1:ro');
      const answered = await handleCommand(es, ctx, () => ({
        streams: [written, readOnly],
        decide: (states, now) => ({ appends: [counted(written.streamId, states.of(readOnly) + 1)], answer: { seen: states.of(readOnly), now: now.toISOString() }, location: '/v1/things/w' }),
      }));
      expect(answered).toMatchObject({ body: { seen: 1, now: NOW.toISOString() }, location: '/v1/things/w' });
      expect(await store.readStream('thing:t1:w')).toHaveLength(2);
      expect(await store.readStream('thing:t1:ro')).toHaveLength(1);
    });

    it('runs the whole attempt again when another writer got in between, on fresh state', async () => {
      const contended = thing('thing:t1:race');
      let attempts = 0;
      const answered = await handleCommand(es, ctx, async ({ read }) => {
        attempts++;
        const seen = await read(contended);
        if (attempts === 1) await store.append([{ streamId: contended.streamId, expectedRevision: 'any', events: [otherWriter()] }]);
        return { streams: [contended], decide: (states) => ({ appends: [counted(contended.streamId, 1)], answer: { seen, decidedOn: states.of(contended) } }) };
      });
      expect(attempts).toBe(2);
      expect(answered.body).toEqual({ seen: 1, decidedOn: 1 });
      expect(await store.readStream(contended.streamId)).toHaveLength(2);
    });

    it('gives up after 30 lost races', async () => {
      const contended = thing('thing:t1:busy');
      let attempts = 0;
      const losing = handleCommand(es, ctx, async ({ read }) => {
        attempts++;
        await read(contended);
        await store.append([{ streamId: contended.streamId, expectedRevision: 'any', events: [otherWriter()] }]);
        return { streams: [contended], decide: () => ({ appends: [counted(contended.streamId, 1)], answer: null }) };
      });
      await expect(losing).rejects.toBeInstanceOf(WrongExpectedRevision);
      expect(attempts).toBe(30);
    });

    describe('a refusal made on read models behind what the attempt read', () => {
      /** The read models commands consult, as if their projections had applied the log up to `position`. */
      const projectTo = async (position: number) => {
        for (const projection of CONSULTED_BY_COMMANDS) {
          const applied = await readStore.applyBatch({ projection, expected: await readStore.checkpoint(projection), positions: [position], apply: async () => undefined });
          expect(applied).toBe(true);
        }
      };
      /** Projects up to `position` once the command starts waiting; the returned function awaits that. */
      const projectedOnWait = (position: number) => {
        let projected: Promise<void> | undefined;
        es.onWait = () => void (projected ??= projectTo(position));
        return async () => {
          expect(projected).toBeDefined();
          await projected;
        };
      };
      afterEach(() => (es.onWait = undefined));
      /** A command that reads `streamId` and refuses with `refusal` while the availability read model is behind it. */
      const consulting = (streamId: string, refusal: DomainError) => {
        const attempts: string[] = [];
        const run = handleCommand(es, ctx, async ({ read }) => {
          await read(thing(streamId));
          const [last] = (await store.readStream(streamId)).slice(-1);
          const shown = ((await readStore.checkpoint(CONSULTED_BY_COMMANDS[0])) ?? -1) >= last.position;
          attempts.push(shown ? 'decided' : 'refused');
          if (!shown) throw refusal;
          return { streams: [], decide: () => ({ appends: [], answer: 'booked' }) };
        });
        return { run, attempts };
      };
      const slotTaken = new DomainError('slot-taken', 'the slot is not open');

      it('waits for them to reach it, then runs the attempt again', async () => {
        const { position } = await store.append([{ streamId: 'thing:t1:created', expectedRevision: 'noStream', events: [otherWriter()] }]);
        const projected = projectedOnWait(position);
        const { run, attempts } = consulting('thing:t1:created', slotTaken);
        await expect(run).resolves.toMatchObject({ body: 'booked' });
        await projected();
        expect(attempts).toEqual(['refused', 'decided']);
      });

      it('stands at once when they are already there', async () => {
        const { position } = await store.append([{ streamId: 'thing:t1:shown', expectedRevision: 'noStream', events: [otherWriter()] }]);
        await projectTo(position);
        // The read models show it, yet the command refuses: the refusal is the read models' answer.
        const run = handleCommand(es, ctx, async ({ read }) => {
          await read(thing('thing:t1:shown'));
          throw slotTaken;
        });
        await expect(run).rejects.toBe(slotTaken);
      });

      it('stands without waiting when the read models cannot have caused it', async () => {
        await store.append([{ streamId: 'thing:t1:invalid', expectedRevision: 'noStream', events: [otherWriter()] }]);
        const invalid = new DomainError('validation', 'no such duration', [{ field: 'slot', reason: 'not a duration of the service' }]);
        let waited = false;
        es.onWait = () => (waited = true);
        const { run, attempts } = consulting('thing:t1:invalid', invalid);
        await expect(run).rejects.toBe(invalid);
        expect(attempts).toEqual(['refused']);
        expect(waited).toBe(false);
      });

      it('stands after one wait, when the attempt run again refuses too', async () => {
        const { position } = await store.append([{ streamId: 'thing:t1:refused', expectedRevision: 'noStream', events: [otherWriter()] }]);
        let attempts = 0;
        const projected = projectedOnWait(position);
        const run = handleCommand(es, ctx, async ({ read }) => {
          attempts++;
          await read(thing('thing:t1:refused'));
          // Each attempt sees a newer write the read models do not show yet.
          await store.append([{ streamId: 'thing:t1:refused', expectedRevision: 'any', events: [otherWriter()] }]);
          throw slotTaken;
        });
        await expect(run).rejects.toBe(slotTaken);
        await projected();
        expect(attempts).toBe(2);
      });
    });

    it('refuses a decision that writes a stream it did not read', async () => {
      await expect(
        handleCommand(es, ctx, () => ({ streams: [], decide: () => ({ appends: [counted('thing:t1:unread', 1)], answer: null }) })),
      ).rejects.toThrow('did not read');
      expect(await store.readStream('thing:t1:unread')).toEqual([]);
    });
  });
});
