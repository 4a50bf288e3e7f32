import { Upcasters } from '@kairos/event-store';

/**
 * One step per breaking change of a stored event's body (`<type>` at version n to n + 1): every
 * reader of the event store (commands, projections, the publisher) sees old events at the current
 * version, so deciders and consumers only know the newest shape. None has been needed yet: every
 * change so far only added fields, which a `.v1` event may.
 */
export const UPCASTERS = new Upcasters([]);
