import { Static } from '@sinclair/typebox';
import { Channel, Trigger } from '../triggers';
import { EventsOf, eventSchema, flag, instant, integer, mapOf, nullable, patchOf, record, text, updatedBody } from '@kairos/core';

export const ChannelSwitches = record({ EMAIL: flag(), SMS: flag() }, 'whether the trigger sends on each channel');
export type ChannelSwitches = Static<typeof ChannelSwitches>;

export const MessageTemplate = record({
  subject: nullable(text('Handlebars; emails only (null for SMS)')),
  body: text('Handlebars: escaped for HTML email, as is for SMS and plain text'),
});
export type MessageTemplate = Static<typeof MessageTemplate>;

export const NotificationSettingsFields = record({
  reminderHoursBefore: integer('how long before a booking starts its reminder goes out', 0),
  senderName: nullable(text('the business as messages name it; null: the sender address alone')),
  enabled: mapOf(ChannelSwitches, 'per trigger (BOOKING_CONFIRMED, ...): the channels it sends on'),
  templates: mapOf(MessageTemplate, 'the business\'s own templates by `<trigger>.<channel>`; the others use the built-in ones'),
});
export type NotificationSettingsFields = Static<typeof NotificationSettingsFields>;

export const NotificationSettingsPatch = patchOf(NotificationSettingsFields, 'notification settings');
export type NotificationSettingsPatch = Static<typeof NotificationSettingsPatch>;

export const NotificationSettingsView = record({
  id: text('always `settings`: one per tenant'),
  revision: integer('0 while the defaults were never changed, +1 per change', 0),
  updatedAt: nullable(instant()),
  ...NotificationSettingsFields.properties,
});
export type NotificationSettingsView = Static<typeof NotificationSettingsView>;

export const NotificationTemplateView = record({
  trigger: Trigger,
  channel: Channel,
  ...MessageTemplate.properties,
  custom: flag("whether it is the business's own (else the built-in one)"),
});

export const settingsEvents = [
  eventSchema(
    'notification-settings.updated',
    "The tenant's notification settings changed (reminder lead time, sender name, channels per trigger, templates); `enabled` and `templates` are given whole.",
    updatedBody(NotificationSettingsPatch),
  ),
] as const;
export type SettingsEvent = EventsOf<typeof settingsEvents>;
