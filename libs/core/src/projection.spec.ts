import { DomainEvent } from './domain-event';
import { MemoryReadModels, ProjectionDefinition, ReadModelDoc, deleteDoc, enveloped, evolveWith, putDoc } from './projection';

type Counted = DomainEvent<'counter.counted', { id: string }> | DomainEvent<'counter.reset', { id: string }>;

const counters: ProjectionDefinition<Counted> = {
  name: 'counters',
  collections: ['counters'],
  canHandle: ['counter.counted', 'counter.reset'],
  evolve(event, documents) {
    const tenant = event.metadata.tenant;
    if (event.type === 'counter.reset') return [deleteDoc('counters', tenant, event.data.id)];
    const current = documents.get<{ id: string; n: number }>('counters', tenant, event.data.id);
    return [putDoc('counters', tenant, { id: event.data.id, n: (current?.n ?? 0) + 1 })];
  },
};
const inTenant = enveloped({ tenant: 't1', actor: { type: 'SYSTEM' }, occurredAt: '2026-01-01T00:00:00Z' });

describe('projection definitions', () => {
  it('name the documents to load before their writes count, then write', () => {
    const event = inTenant<Counted>({ type: 'counter.counted', data: { id: 'c' } });
    expect(evolveWith(counters, event, () => undefined)).toEqual({ needs: [{ collection: 'counters', tenant: 't1', id: 'c' }] });
    expect(evolveWith(counters, event, () => null)).toEqual({ writes: [putDoc('counters', 't1', { id: 'c', n: 1 })] });
    const known = (): ReadModelDoc => ({ id: 'c', n: 4 });
    expect(evolveWith(counters, event, known)).toEqual({ writes: [putDoc('counters', 't1', { id: 'c', n: 5 })] });
  });

  it('fold in memory as a store would hold them, each tenant apart, skipping events of other types', () => {
    const events = [
      inTenant<Counted>({ type: 'counter.counted', data: { id: 'a' } }),
      inTenant<Counted>({ type: 'counter.counted', data: { id: 'a' } }),
      inTenant<Counted>({ type: 'counter.counted', data: { id: 'b' } }),
      inTenant<DomainEvent>({ type: 'counter.painted', data: { id: 'b' } }),
      inTenant<Counted>({ type: 'counter.reset', data: { id: 'b' } }),
      { ...inTenant<Counted>({ type: 'counter.counted', data: { id: 'a' } }), metadata: { tenant: 't2', actor: { type: 'SYSTEM' as const }, occurredAt: '2026-01-01T00:00:00Z' } },
    ];
    const models = new MemoryReadModels().project(counters, events);
    expect(models.all('counters', 't1')).toEqual([{ id: 'a', n: 2 }]);
    expect(models.all('counters', 't2')).toEqual([{ id: 'a', n: 1 }]);
  });
});
