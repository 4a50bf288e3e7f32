import { Capability } from '@kairos/core';
import { resourcesProjection } from './resources.projection';

export const resourcesCapability: Capability = { name: 'resources', projections: [resourcesProjection] };
