import { Static } from '@sinclair/typebox';
import { RecordedEvent } from './events';
import { EventsOf, eventSchema, eventTypesOf, isEventOf, mapOf, nullable, oneOf, record, text } from './event-schema';

const Thing = record({ id: text(), colour: nullable(oneOf(['RED', 'BLUE'])), tags: mapOf(text()) });
const thingEvents = [eventSchema('thing.made', 'A thing was made.', Thing), eventSchema('thing.dropped', 'A thing was dropped.', record({ id: text() }))] as const;
type ThingEvent = EventsOf<typeof thingEvents>;

const stored = (type: string, data: unknown): RecordedEvent => ({
  id: 'e1',
  type,
  schemaVersion: 1,
  data,
  metadata: { tenant: 't1', actor: { type: 'SYSTEM' }, occurredAt: '2026-03-01T10:00:00.000Z' },
  streamId: 'thing:t1:th-1',
  streamRevision: 0,
  position: 1,
  recordedAt: '2026-03-01T10:00:00.000Z',
});

describe('event schemas', () => {
  it('write nullables and string enums as plain JSON Schema', () => {
    expect(JSON.parse(JSON.stringify(Thing.properties.colour))).toEqual({ type: ['string', 'null'], enum: ['RED', 'BLUE', null] });
    expect(JSON.parse(JSON.stringify(Thing.properties.tags))).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
  });

  it('give the TypeScript type of the body', () => {
    const made: Static<typeof Thing> = { id: 'th-1', colour: null, tags: { a: 'b' } };
    const event: ThingEvent = { type: 'thing.made', data: made };
    expect(event.data.colour).toBeNull();
  });

  it('list their types and narrow a stored event to the union by its type', () => {
    expect(eventTypesOf(thingEvents)).toEqual(['thing.made', 'thing.dropped']);
    const isThing = isEventOf(thingEvents);
    const event = stored('thing.made', { id: 'th-1', colour: 'RED', tags: {} });
    expect(isThing(stored('other.made', {}))).toBe(false);
    if (!isThing(event) || event.type !== 'thing.made') throw new Error('expected a thing.made');
    expect(event.data.colour).toBe('RED');
    expect(event.streamId).toBe('thing:t1:th-1');
  });
});
