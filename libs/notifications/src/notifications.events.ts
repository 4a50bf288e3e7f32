import { EventCatalog } from '@kairos/core';
import { deliveryEvents } from './delivery/delivery.events';
import { settingsEvents } from './settings/settings.events';

/** What the notifications capability publishes: what was asked for, sent or given up on, and settings changes. Attempts, retries and dispatched outbox entries stay internal. */
export const notificationsEvents: EventCatalog = { capability: 'notifications', events: [...deliveryEvents, ...settingsEvents] };
