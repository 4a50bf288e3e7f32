import { availabilityCapability } from '@kairos/availability';
import { bookingsCapability } from '@kairos/bookings';
import { Capability } from '@kairos/core';
import { resourcesCapability } from '@kairos/resources';
import { schedulingCapability } from '@kairos/scheduling';
import { servicesCapability } from '@kairos/services';

/** Every capability the service runs; a new one is registered here and nowhere else. Runners start in this order. */
export const CAPABILITIES: readonly Capability[] = [servicesCapability, resourcesCapability, schedulingCapability, availabilityCapability, bookingsCapability];
