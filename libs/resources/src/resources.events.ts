import { EventCatalog } from '@kairos/core';
import { locationEvents } from './location/location.events';
import { resourceEvents } from './resource/resource.events';

/** What the resources capability publishes: resources and locations. */
export const resourcesEvents: EventCatalog = { capability: 'resources', events: [...resourceEvents, ...locationEvents] };
