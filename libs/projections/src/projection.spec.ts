import { DomainEvent, ProjectionDefinition, ReadModelDoc, RecordedEvent, deleteDoc, putDoc } from '@kairos/core';
import { ReadModelWriter } from '@kairos/read-store';
import { projectionOf } from './projection';

type Moved = DomainEvent<'pointer.moved', { to: string }>;

/** Follows a pointer document to the document it names, and moves the pointer: a read that depends on another read. */
const pointers: ProjectionDefinition<Moved> = {
  name: 'pointers',
  collections: ['pointers', 'targets'],
  canHandle: ['pointer.moved'],
  evolve(event, documents) {
    const tenant = event.metadata.tenant;
    const pointer = documents.get<{ id: string; at: string }>('pointers', tenant, 'current');
    const previous = pointer && documents.get<{ id: string; visits: number }>('targets', tenant, pointer.at);
    return [
      ...(previous ? [previous.visits > 1 ? putDoc('targets', tenant, { ...previous, visits: previous.visits - 1 }) : deleteDoc('targets', tenant, previous.id)] : []),
      putDoc('pointers', tenant, { id: 'current', at: event.data.to }),
    ];
  },
};

const eventOf = (type: string, data: unknown): RecordedEvent => ({
  id: 'e', type, schemaVersion: 1, data, metadata: { tenant: 't1', actor: { type: 'SYSTEM' }, occurredAt: '2026-01-01T00:00:00Z' },
  streamId: 'pointer:t1:current', streamRevision: 0, position: 1, recordedAt: '2026-01-01T00:00:00Z',
});

/** A writer over a map that records what it was asked, in order. */
const recordingWriter = (docs: Record<string, ReadModelDoc>) => {
  const calls: string[] = [];
  const writer: ReadModelWriter = {
    get: async <T>(collection: string, _tenant: string, id: string) => {
      calls.push(`get ${collection}/${id}`);
      return (docs[`${collection}/${id}`] ?? null) as T | null;
    },
    put: async (collection, _tenant, doc) => void calls.push(`put ${collection}/${doc.id} ${JSON.stringify(doc)}`),
    delete: async (collection, _tenant, id) => void calls.push(`delete ${collection}/${id}`),
  };
  return { writer, calls };
};

describe('projectionOf', () => {
  it('loads the documents a definition asks for, then those they lead it to, each once, and writes what it returns in order', async () => {
    const { writer, calls } = recordingWriter({ 'pointers/current': { id: 'current', at: 'x' }, 'targets/x': { id: 'x', visits: 2 } });
    await projectionOf(pointers).apply(eventOf('pointer.moved', { to: 'y' }), writer);
    expect(calls).toEqual([
      'get pointers/current',
      'get targets/x',
      'put targets/x {"id":"x","visits":1}',
      'put pointers/current {"id":"current","at":"y"}',
    ]);
  });

  it('stops asking once a document it asked for does not exist', async () => {
    const { writer, calls } = recordingWriter({});
    await projectionOf(pointers).apply(eventOf('pointer.moved', { to: 'y' }), writer);
    expect(calls).toEqual(['get pointers/current', 'put pointers/current {"id":"current","at":"y"}']);
  });

  it('touches nothing for an event type the definition does not handle', async () => {
    const { writer, calls } = recordingWriter({});
    await projectionOf(pointers).apply(eventOf('pointer.polished', {}), writer);
    expect(calls).toEqual([]);
  });

  it('retries a definition that failed on documents not loaded yet, and lets a failure on loaded ones through', async () => {
    const strict: ProjectionDefinition<Moved> = {
      ...pointers,
      evolve(event, documents) {
        const pointer = documents.get<{ id: string; at: string }>('pointers', 't1', 'current');
        if (!pointer) throw new Error('no pointer');
        return [putDoc('pointers', 't1', { ...pointer, at: event.data.to })];
      },
    };
    const present = recordingWriter({ 'pointers/current': { id: 'current', at: 'x' } });
    await projectionOf(strict).apply(eventOf('pointer.moved', { to: 'y' }), present.writer);
    expect(present.calls).toEqual(['get pointers/current', 'put pointers/current {"id":"current","at":"y"}']);
    await expect(projectionOf(strict).apply(eventOf('pointer.moved', { to: 'y' }), recordingWriter({}).writer)).rejects.toThrow('no pointer');
  });
});
