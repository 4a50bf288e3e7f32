import { Capability } from '@kairos/core';
import { schedulingProjection } from './scheduling.projection';

export const schedulingCapability: Capability = { name: 'scheduling', projections: [schedulingProjection] };
