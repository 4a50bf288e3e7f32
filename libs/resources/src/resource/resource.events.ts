import { Static, Type } from '@sinclair/typebox';
import { AggregateMeta, EventsOf, deletedBody, eventSchema, flag, instant, listOf, nullable, oneOf, patchOf, record, text, updatedBody } from '@kairos/core';

export const ResourceType = oneOf(['STAFF', 'ROOM', 'EQUIPMENT']);
export type ResourceType = Static<typeof ResourceType>;

export const ResourceFields = record({
  type: ResourceType,
  name: text(),
  email: nullable(text()),
  phone: nullable(text()),
  tags: listOf(text()),
  usesBusinessHours: flag('links the business schedule FREE: the resource works the opening hours'),
});
export type ResourceFields = Static<typeof ResourceFields>;

export const ResourcePatch = patchOf(Type.Omit(ResourceFields, ['type']), 'resource fields');
export type ResourcePatch = Static<typeof ResourcePatch>;

export const ResourceView = record({ ...AggregateMeta.properties, ...ResourceFields.properties, scheduleId: text(), deletedAt: nullable(instant()) });
export type ResourceView = Static<typeof ResourceView>;

export const resourceEvents = [
  eventSchema('resource.created', 'A resource (staff, room, equipment) was created; the body is the resource as GET shows it.', ResourceView),
  eventSchema('resource.updated', 'Fields of a resource changed.', updatedBody(ResourcePatch)),
  eventSchema('resource.deleted', 'A resource was deleted.', deletedBody('The resource')),
] as const;
export type ResourceEvent = EventsOf<typeof resourceEvents>;
