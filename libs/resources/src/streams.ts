export const resourceStream = (tenant: string, id: string) => `resource:${tenant}:${id}`;
export const locationStream = (tenant: string, id: string) => `location:${tenant}:${id}`;
