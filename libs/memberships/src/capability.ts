import { Capability } from '@kairos/core';
import { couponsProjection } from './coupons.projection';
import { membershipsEvents } from './memberships.events';

export const membershipsCapability: Capability = { name: 'memberships', projections: [couponsProjection], events: membershipsEvents };
