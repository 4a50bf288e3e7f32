import { availabilityWindowsProjection } from '@kairos/availability';
import { bookingsProjection } from '@kairos/bookings';
import { Projection } from '@kairos/projections';
import { resourcesProjection } from '@kairos/resources';
import { schedulingProjection } from '@kairos/scheduling';
import { servicesProjection } from '@kairos/services';

export const PROJECTIONS: Projection[] = [servicesProjection, resourcesProjection, schedulingProjection, availabilityWindowsProjection, bookingsProjection];

/** Which projection writes each read-model collection. */
export const collectionOwners = (): Map<string, string> => new Map(PROJECTIONS.flatMap((p) => p.collections.map((c): [string, string] => [c, p.name])));
