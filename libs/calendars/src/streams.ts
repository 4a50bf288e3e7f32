import { streamId } from '@kairos/core';

export const connectionStream = (tenant: string, id: string) => streamId('calendar-connection', tenant, id);
export const feedStream = (tenant: string, id: string) => streamId('calendar-feed', tenant, id);
/** One booking's entry in one write-back calendar. */
export const entryStream = (tenant: string, connectionId: string, bookingId: string) => streamId('calendar-entry', tenant, `${connectionId}.${bookingId}`);
