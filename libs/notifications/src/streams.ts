import { streamId } from '@kairos/core';

export const notificationSettingsStream = (tenant: string) => streamId('notification-settings', tenant, 'settings');
export const notificationStream = (tenant: string, id: string) => streamId('notification', tenant, id);
export const notificationOutboxStream = (tenant: string, outboxId: string) => streamId('notification-outbox', tenant, outboxId);
