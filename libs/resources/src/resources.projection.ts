import { DocumentWrite, ProjectionDefinition, ViewDoc, advance, deleteDoc, markedDeleted, putDoc, updatedFields, viewDocuments } from '@kairos/core';
import { LocationEvent } from './location/location';
import { ResourceEvent } from './resource/resource';

export const RESOURCES = 'resources';
export const LOCATIONS = 'locations';
/** One document per tenant naming its default location, so a new default can clear the old one. */
const LOCATION_DEFAULT = 'location_default';

const resourceDocs = viewDocuments<ResourceEvent>(RESOURCES, {
  'resource.created': 'creates',
  'resource.updated': updatedFields,
  'resource.deleted': markedDeleted,
});

const locationDocs = viewDocuments<LocationEvent>(LOCATIONS, {
  'location.created': 'creates',
  'location.updated': updatedFields,
  // An archived location cannot stay the default: the tenant is left without one until another is made default.
  'location.archived': (doc, { archivedAt }) => advance(doc, archivedAt, { archived: true, isDefault: false }),
});

export const resourcesProjection: ProjectionDefinition<ResourceEvent | LocationEvent> = {
  name: 'resources',
  collections: [RESOURCES, LOCATIONS, LOCATION_DEFAULT],
  canHandle: [...resourceDocs.canHandle, ...locationDocs.canHandle],
  evolve(event, documents) {
    if (resourceDocs.handles(event)) return resourceDocs.writes(event, documents);
    const tenant = event.metadata.tenant;
    const location = locationDocs.next(event, documents);
    if (!location) return [];
    const writes: DocumentWrite[] = [putDoc(LOCATIONS, tenant, location)];
    const current = documents.get<{ id: string; locationId: string }>(LOCATION_DEFAULT, tenant, 'default');
    if (location.isDefault && current?.locationId !== location.id) {
      const previous = current && documents.get<ViewDoc>(LOCATIONS, tenant, current.locationId);
      if (previous) writes.push(putDoc(LOCATIONS, tenant, { ...previous, isDefault: false }));
      writes.push(putDoc(LOCATION_DEFAULT, tenant, { id: 'default', locationId: location.id }));
    } else if (!location.isDefault && current?.locationId === location.id) {
      writes.push(deleteDoc(LOCATION_DEFAULT, tenant, 'default'));
    }
    return writes;
  },
};
