/** Stream ids are `<aggregate>:<tenant>:<id>`, so a tenant can never reach another tenant's stream by id. */
export const serviceStream = (tenant: string, id: string) => `service:${tenant}:${id}`;
export const bookingPolicyStream = (tenant: string, id: string) => `booking-policy:${tenant}:${id}`;
export const defaultPolicyStream = (tenant: string) => `booking-policy-default:${tenant}:${tenant}`;
