import { streamId } from '@kairos/core';

export const contactStream = (tenant: string, id: string) => streamId('contact', tenant, id);
