import { streamId } from '@kairos/core';

export const planStream = (tenant: string, id: string) => streamId('plan', tenant, id);
export const planOrderStream = (tenant: string, id: string) => streamId('plan-order', tenant, id);
