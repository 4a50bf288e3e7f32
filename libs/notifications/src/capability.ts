import { Capability } from '@kairos/core';
import { notificationsEvents } from './notifications.events';
import { notificationsProjection } from './notifications.projection';

/** A notification's rendered message holds the contact's address and words about them: sealed with the contact's key. */
export const notificationsCapability: Capability = {
  name: 'notifications',
  projections: [notificationsProjection],
  events: notificationsEvents,
  personalData: [{ eventType: 'notification.rendered', subjectOf: (data) => (typeof data.contactId === 'string' ? data.contactId : null), fields: ['message'] }],
};
