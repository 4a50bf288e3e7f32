import { EventCatalog, RecordedEvent, record, streamId, text } from '@kairos/core';
import { asyncApiDocument } from './asyncapi/asyncapi';
import { eventRoutes, toPublishedMessage } from './cloud-events';

/** A capability whose `thing.renamed` had a breaking change: its body is at version 2, the others at 1. */
const catalogs: EventCatalog[] = [
  {
    capability: 'things',
    events: [
      { type: 'thing.made', schemaVersion: 1, summary: 'made', body: record({ id: text() }) },
      { type: 'thing.renamed', schemaVersion: 2, summary: 'renamed', body: record({ id: text(), name: record({ given: text() }) }) },
    ],
  },
];
const routes = eventRoutes(catalogs, ['stuff']);

const recorded = (type: string, schemaVersion: number): RecordedEvent => ({
  id: '00000000-0000-4000-8000-000000000001',
  type,
  schemaVersion,
  data: { id: 'th1' },
  metadata: { tenant: 't1', actor: { type: 'BUSINESS' }, occurredAt: '2026-03-01T10:00:00.000Z' },
  streamId: streamId('thing', 't1', 'th1'),
  streamRevision: 0,
  position: 1,
  recordedAt: '2026-03-01T10:00:00.000Z',
});

describe('topics and versions: kairos.<capability>.v<major of the event schema>', () => {
  it('routes each event to the topic of its own major version, and reserves v1 of a capability that publishes nothing', () => {
    expect(routes.events.map((e) => [e.type, e.topic])).toEqual([
      ['thing.made', 'kairos.things.v1'],
      ['thing.renamed', 'kairos.things.v2'],
    ]);
    expect(routes.topics).toEqual(['kairos.things.v1', 'kairos.things.v2', 'kairos.stuff.v1']);
  });

  it('sends a v2 event to the .v2 topic with a .v2 type and schema', () => {
    const message = toPublishedMessage(recorded('thing.renamed', 2), routes)!;
    expect(message.topic).toBe('kairos.things.v2');
    expect(message.headers).toMatchObject({ ce_type: 'kairos.thing.renamed.v2', ce_dataschema: 'urn:kairos:event:kairos.thing.renamed.v2', ce_source: '/kairos/things' });
    expect(toPublishedMessage(recorded('thing.made', 1), routes)!.topic).toBe('kairos.things.v1');
  });

  it('lists the v2 message on the .v2 channel of the AsyncAPI document, with an operation of its own', () => {
    const document = asyncApiDocument(routes);
    expect(Object.keys(document.channels['kairos.things.v2'].messages)).toEqual(['kairos.thing.renamed.v2']);
    expect(Object.keys(document.channels['kairos.things.v1'].messages)).toEqual(['kairos.thing.made.v1']);
    expect(Object.keys(document.operations).sort()).toEqual(['publish-things.v1', 'publish-things.v2']);
    expect(document.components.messages['kairos.thing.renamed.v2'].headers.properties!.ce_dataschema.const).toBe('urn:kairos:event:kairos.thing.renamed.v2');
  });
});
