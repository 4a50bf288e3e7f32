import { Static } from '@sinclair/typebox';
import { EventsOf, eventSchema, eventTypesOf, mapOf, nullable, oneOf, record, text } from './event-schema';

const Thing = record({ id: text(), colour: nullable(oneOf(['RED', 'BLUE'])), tags: mapOf(text()) });
const thingEvents = [eventSchema('thing.made', 'A thing was made.', Thing), eventSchema('thing.dropped', 'A thing was dropped.', record({ id: text() }))] as const;
type ThingEvent = EventsOf<typeof thingEvents>;

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

  it('list their types, in declaration order', () => {
    expect(eventTypesOf(thingEvents)).toEqual(['thing.made', 'thing.dropped']);
  });
});
