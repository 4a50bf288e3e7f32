import { EventCatalog } from '@kairos/core';
import { bookingPolicyEvents } from './booking-policy/booking-policy.events';
import { serviceEvents } from './service/service.events';

/** What the services capability publishes: services and booking policies. The default-policy pointer stays internal. */
export const servicesEvents: EventCatalog = { capability: 'services', events: [...serviceEvents, ...bookingPolicyEvents] };
