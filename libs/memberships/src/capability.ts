import { Capability } from '@kairos/core';
import { couponsProjection } from './coupons.projection';
import { membershipsEvents } from './memberships.events';
import { membershipsProjection } from './memberships.projection';

export const membershipsCapability: Capability = { name: 'memberships', projections: [membershipsProjection, couponsProjection], events: membershipsEvents };
