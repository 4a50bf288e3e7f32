import { Capability } from '@kairos/core';
import { schedulingEvents } from './scheduling.events';
import { schedulingProjection } from './scheduling.projection';

export const schedulingCapability: Capability = { name: 'scheduling', projections: [schedulingProjection], events: schedulingEvents };
