import { Static } from '@sinclair/typebox';
import { AggregateMeta, EventsOf, aggregateId, eventSchema, flag, instant, nullable, oneOf, patchOf, record, text, timeZoneName, updatedBody } from '@kairos/core';

export const Address = record({
  formatted: nullable(text()),
  street: nullable(text()),
  city: nullable(text()),
  postalCode: nullable(text()),
  country: nullable(text()),
});
export type Address = Static<typeof Address>;

export const LocationFields = record({
  name: text(),
  type: oneOf(['BUSINESS', 'CUSTOM']),
  timeZone: timeZoneName(),
  address: nullable(Address),
  isDefault: flag(),
});
export type LocationFields = Static<typeof LocationFields>;

export const LocationPatch = patchOf(LocationFields, 'location fields');
export type LocationPatch = Static<typeof LocationPatch>;

export const LocationView = record({ ...AggregateMeta.properties, ...LocationFields.properties, archived: flag() });
export type LocationView = Static<typeof LocationView>;

export const locationEvents = [
  eventSchema('location.created', 'A location was created; the body is the location as GET shows it.', LocationView),
  eventSchema('location.updated', 'Fields of a location changed.', updatedBody(LocationPatch)),
  eventSchema('location.archived', 'A location was archived.', record({ id: aggregateId(), archivedAt: instant() })),
] as const;
export type LocationEvent = EventsOf<typeof locationEvents>;
