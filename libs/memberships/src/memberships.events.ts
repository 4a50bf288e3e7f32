import { EventCatalog } from '@kairos/core';
import { couponEvents } from './coupon/coupon.events';

/** What the memberships capability publishes. Coupon code claims stay internal. */
export const membershipsEvents: EventCatalog = { capability: 'memberships', events: [...couponEvents] };
