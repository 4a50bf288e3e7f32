import { streamId } from '@kairos/core';

export const serviceStream = (tenant: string, id: string) => streamId('service', tenant, id);
export const bookingPolicyStream = (tenant: string, id: string) => streamId('booking-policy', tenant, id);
export const defaultPolicyStream = (tenant: string) => streamId('booking-policy-default', tenant, tenant);
