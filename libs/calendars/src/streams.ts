import { streamId } from '@kairos/core';

export const connectionStream = (tenant: string, id: string) => streamId('calendar-connection', tenant, id);
export const feedStream = (tenant: string, id: string) => streamId('calendar-feed', tenant, id);
