import { DecisionContext, Decider, DomainError, FieldError, assertNever, changedFields, checkRevision, hasChanges } from '@kairos/core';
import { Channel, TRIGGERS, Trigger } from '../triggers';
import { templateKey } from './default-templates';
import { ChannelSwitches, MessageTemplate, NotificationSettingsFields, NotificationSettingsPatch, NotificationSettingsView, SettingsEvent } from './settings.events';

export const SETTINGS_ID = 'settings';
export const DEFAULT_REMINDER_HOURS = 24;

/** Email for every trigger, SMS for none: a business turns SMS on once it has a provider and its customers' consent. */
export const defaultSettings = (): NotificationSettingsView => ({
  id: SETTINGS_ID,
  revision: 0,
  updatedAt: null,
  reminderHoursBefore: DEFAULT_REMINDER_HOURS,
  senderName: null,
  enabled: Object.fromEntries(TRIGGERS.map((trigger) => [trigger, { EMAIL: true, SMS: false }])),
  templates: {},
});

/** Switches named per trigger and channel; those left out keep their value. */
export type SwitchesPatch = Partial<Record<Trigger, Partial<ChannelSwitches>>>;

export type SettingsCommand =
  | { type: 'UpdateSettings'; reminderHoursBefore?: number; senderName?: string | null; enabled?: SwitchesPatch; expectedRevision?: number }
  | { type: 'PutTemplate'; trigger: Trigger; channel: Channel; template: MessageTemplate }
  | { type: 'DeleteTemplate'; trigger: Trigger; channel: Channel };

/** The settings of a tenant: the defaults until the first change. */
export type SettingsState = NotificationSettingsView;

const MAX_REMINDER_HOURS = 24 * 30;

const settingsFieldsOf = ({ reminderHoursBefore, senderName, enabled, templates }: NotificationSettingsView): NotificationSettingsFields => ({ reminderHoursBefore, senderName, enabled, templates });

const validate = (fields: NotificationSettingsFields): FieldError[] => {
  const errors: FieldError[] = [];
  if (!Number.isInteger(fields.reminderHoursBefore) || fields.reminderHoursBefore < 0 || fields.reminderHoursBefore > MAX_REMINDER_HOURS) {
    errors.push({ field: 'reminderHoursBefore', reason: `a whole number of hours from 0 to ${MAX_REMINDER_HOURS}` });
  }
  return errors;
};

/** Whether a trigger sends on a channel, by the tenant's settings. */
export const isEnabled = (settings: Pick<NotificationSettingsView, 'enabled'>, trigger: Trigger, channel: Channel): boolean =>
  settings.enabled[trigger]?.[channel] ?? defaultSettings().enabled[trigger][channel];

/** The template a tenant wrote for a trigger and channel, or null when it uses the built-in one. */
export const customTemplate = (settings: Pick<NotificationSettingsView, 'templates'>, trigger: Trigger, channel: Channel): MessageTemplate | null =>
  settings.templates[templateKey(trigger, channel)] ?? null;

const switchesAfter = (current: NotificationSettingsView['enabled'], patch: SwitchesPatch): NotificationSettingsView['enabled'] =>
  Object.fromEntries(
    TRIGGERS.map((trigger) => {
      const switched = (channel: Channel) => patch[trigger]?.[channel] ?? isEnabled({ enabled: current }, trigger, channel);
      return [trigger, { EMAIL: switched('EMAIL'), SMS: switched('SMS') }];
    }),
  );

/** One document per tenant: when reminders go out, who messages come from, which trigger sends on which channel, and the templates. */
export const settingsDecider: Decider<SettingsCommand, SettingsState, SettingsEvent> = {
  initialState: defaultSettings,

  evolve: (state, event) => ({ ...state, ...event.data.changes, revision: state.revision + 1, updatedAt: event.data.updatedAt }),

  decide(command, state, { now }: DecisionContext) {
    const current = settingsFieldsOf(state);
    let patch: NotificationSettingsPatch;
    switch (command.type) {
      case 'UpdateSettings':
        checkRevision(command.expectedRevision, state.revision);
        patch = {
          reminderHoursBefore: command.reminderHoursBefore,
          senderName: command.senderName,
          enabled: command.enabled && switchesAfter(state.enabled, command.enabled),
        };
        break;
      case 'PutTemplate':
        patch = { templates: { ...state.templates, [templateKey(command.trigger, command.channel)]: command.channel === 'SMS' ? { ...command.template, subject: null } : command.template } };
        break;
      case 'DeleteTemplate': {
        const { [templateKey(command.trigger, command.channel)]: _removed, ...rest } = state.templates;
        patch = { templates: rest };
        break;
      }
      default:
        return assertNever(command);
    }
    const errors = validate({ ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) });
    if (errors.length > 0) throw new DomainError('validation', 'the notification settings are not valid', errors);
    const diff = changedFields<NotificationSettingsPatch>(current, patch);
    return hasChanges(diff) ? [{ type: 'notification-settings.updated', data: { id: SETTINGS_ID, ...diff, updatedAt: now.toISOString() } }] : [];
  },
};
