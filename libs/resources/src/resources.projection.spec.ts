import { MemoryReadModels, enveloped } from '@kairos/core';
import { LocationEvent, LocationView } from './location/location';
import { ResourceEvent, ResourceView } from './resource/resource';
import { LOCATIONS, RESOURCES, resourcesProjection } from './resources.projection';

const at = '2026-03-29T00:30:00.000Z';
const later = '2026-04-01T00:00:00.000Z';
const inTenant = enveloped({ tenant: 't1', actor: { type: 'BUSINESS' }, occurredAt: at });
const project = (...events: (ResourceEvent | LocationEvent)[]) => new MemoryReadModels().project(resourcesProjection, events.map(inTenant));

const resource: ResourceView = {
  id: 'r1', revision: 1, createdAt: at, updatedAt: at, type: 'STAFF', name: 'Ana', email: null, phone: null, tags: [], usesBusinessHours: false, scheduleId: 'sch-r1', deletedAt: null,
};
const location = (id: string, isDefault: boolean): LocationView => ({
  id, revision: 1, createdAt: at, updatedAt: at, name: id, type: 'BUSINESS', timeZone: 'Europe/Lisbon', address: null, isDefault, archived: false,
});
const created = (id: string, isDefault = false): LocationEvent => ({ type: 'location.created', data: location(id, isDefault) });
const madeDefault = (id: string, isDefault: boolean): LocationEvent => ({
  type: 'location.updated',
  data: { id, changes: { isDefault }, previous: { isDefault: !isDefault }, updatedAt: later },
});
const defaults = (models: MemoryReadModels) => models.all<LocationView>(LOCATIONS, 't1').filter((l) => l.isDefault).map((l) => l.id);

describe('resources projection', () => {
  it('keeps resources as their views: created, updated at the next revision, marked deleted', () => {
    const models = project(
      { type: 'resource.created', data: resource },
      { type: 'resource.updated', data: { id: 'r1', changes: { name: 'Ana B.' }, previous: { name: 'Ana' }, updatedAt: later } },
      { type: 'resource.deleted', data: { id: 'r1', deletedAt: later } },
    );
    expect(models.get(RESOURCES, 't1', 'r1')).toEqual({ ...resource, name: 'Ana B.', deletedAt: later, revision: 3, updatedAt: later });
  });

  it('keeps one default location: a new default takes the flag from the previous one', () => {
    expect(defaults(project(created('l1', true), created('l2', true)))).toEqual(['l2']);
    expect(defaults(project(created('l1', true), created('l2'), madeDefault('l2', true)))).toEqual(['l2']);
  });

  it('leaves the previous default’s revision alone when it loses the flag', () => {
    const models = project(created('l1', true), created('l2', true));
    expect(models.get(LOCATIONS, 't1', 'l1')).toMatchObject({ isDefault: false, revision: 1 });
  });

  it('archives a location as no longer the default, and forgets it as the default', () => {
    const archived: LocationEvent = { type: 'location.archived', data: { id: 'l1', archivedAt: later } };
    const models = project(created('l1', true), archived, created('l2', true));
    expect(models.get(LOCATIONS, 't1', 'l1')).toMatchObject({ archived: true, isDefault: false, revision: 2, updatedAt: later });
    expect(models.get(LOCATIONS, 't1', 'l2')).toMatchObject({ isDefault: true, revision: 1 });
  });

  it('forgets the default when the default location is unset, so the next one changes no other', () => {
    const models = project(created('l1', true), madeDefault('l1', false), created('l2', true));
    expect(models.get(LOCATIONS, 't1', 'l1')).toMatchObject({ isDefault: false, revision: 2 });
    expect(defaults(models)).toEqual(['l2']);
  });
});
