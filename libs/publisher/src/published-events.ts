import { EventCatalog } from '@kairos/core';
import { bookingsEvents } from '@kairos/bookings';
import { resourcesEvents } from '@kairos/resources';
import { schedulingEvents } from '@kairos/scheduling';
import { servicesEvents } from '@kairos/services';

/**
 * The catalogs of the capabilities whose events leave the service, in topic order. A function, not
 * a constant: the domain libraries may still be loading when this module is (they reach the
 * publisher through the projections), so the list is read when first routed, not at import.
 */
export const publishedCatalogs = (): readonly EventCatalog[] => [servicesEvents, resourcesEvents, schedulingEvents, bookingsEvents];

/** Capabilities still to come whose topics already exist for consumers to subscribe to (api.md §3). */
export const RESERVED_CAPABILITIES: readonly string[] = ['memberships', 'clients', 'notifications'];
