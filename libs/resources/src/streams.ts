import { streamId } from '@kairos/core';

export const resourceStream = (tenant: string, id: string) => streamId('resource', tenant, id);
export const locationStream = (tenant: string, id: string) => streamId('location', tenant, id);
