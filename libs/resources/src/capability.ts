import { Capability } from '@kairos/core';
import { resourcesEvents } from './resources.events';
import { resourcesProjection } from './resources.projection';

export const resourcesCapability: Capability = { name: 'resources', projections: [resourcesProjection], events: resourcesEvents };
