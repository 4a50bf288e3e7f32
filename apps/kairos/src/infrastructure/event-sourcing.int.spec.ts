import { SqlEventStore } from '@kairos/event-store';
import { scratchPglite } from '@kairos/testing';
import { KEY_RECORDED, KeyRecord } from '../http/idempotency';
import { KeyedRequest, RequestContext } from '../http/request-context';
import { handleCommand, streamOf } from './command-handling';
import { EventSourcing } from './event-sourcing';

const NOW = new Date('2026-03-28T00:00:00Z');

describe('EventSourcing.commit with an Idempotency-Key (PGlite)', () => {
  let dispose: () => Promise<void>;
  let store: SqlEventStore;
  let es: EventSourcing;
  beforeAll(async () => {
    const scratch = await scratchPglite();
    dispose = scratch.dispose;
    store = new SqlEventStore(scratch.client);
    await store.init();
    es = new EventSourcing(store, () => NOW, {});
  });
  afterAll(async () => dispose());

  const keyedContext = (streamId: string): RequestContext & { idempotency: KeyedRequest } => ({
    tenant: 't1',
    actor: { type: 'BUSINESS' },
    correlationId: 'c1',
    idempotency: { streamId, requestHash: 'h1', expected: 'noStream', status: 201, committed: false },
  });
  const change = (streamId: string) => ({ streamId, expected: 'any' as const, events: [{ type: 'thing.changed', data: { n: 1 } }] });

  const thing = (streamId: string) => streamOf(streamId, { initialState: () => 0, evolve: (n: number) => n + 1 });

  it('records the key and the answer last in the same append, once per request', async () => {
    const ctx = keyedContext('idempotency:t1:once');
    const answered = await es.commit(ctx, [change('thing:t1:a')], NOW, { id: 'a' }, '/v1/things/a');
    const [record] = await store.readStream('idempotency:t1:once');
    expect(record).toMatchObject({ type: KEY_RECORDED, position: answered.position, data: { requestHash: 'h1', status: 201, location: '/v1/things/a', body: '{"id":"a"}' } satisfies KeyRecord });
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
});
