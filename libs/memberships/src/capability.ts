import { Capability } from '@kairos/core';
import { membershipsEvents } from './memberships.events';
import { membershipsProjection } from './memberships.projection';

export const membershipsCapability: Capability = { name: 'memberships', projections: [membershipsProjection], events: membershipsEvents };
