import { RecordedEvent } from '@kairos/core';
import { Projection, applyLifecycle } from '@kairos/projections';
import { ReadModelWriter } from '@kairos/read-store';

export const RESOURCES = 'resources';
export const LOCATIONS = 'locations';
/** One document per tenant naming its default location, so a new default can clear the old one. */
const LOCATION_DEFAULT = 'location_default';

export const resourcesProjection: Projection = {
  name: 'resources',
  collections: [RESOURCES, LOCATIONS, LOCATION_DEFAULT],
  async apply(event: RecordedEvent, writer: ReadModelWriter) {
    if (event.type.startsWith('resource.')) {
      await applyLifecycle(event, writer, RESOURCES);
      return;
    }
    if (!event.type.startsWith('location.')) return;
    const tenant = event.metadata.tenant;
    const location = await applyLifecycle(event, writer, LOCATIONS);
    if (!location) return;
    const current = await writer.get<{ id: string; locationId: string }>(LOCATION_DEFAULT, tenant, 'default');
    if (location.isDefault && current?.locationId !== location.id) {
      const previous = current && (await writer.get(LOCATIONS, tenant, current.locationId));
      if (previous) await writer.put(LOCATIONS, tenant, { ...previous, isDefault: false });
      await writer.put(LOCATION_DEFAULT, tenant, { id: 'default', locationId: location.id });
    } else if (!location.isDefault && current?.locationId === location.id) {
      await writer.delete(LOCATION_DEFAULT, tenant, 'default');
    }
  },
};
