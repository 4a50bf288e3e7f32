import { given } from '@kairos/testing';
import { SettingsEvent, customTemplate, defaultSettings, isEnabled, settingsDecider } from '../index';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const T = NOW.toISOString();
const ctx = { now: NOW };

const TEMPLATE = { subject: 'Hi {{contact.name}}', body: 'See you at {{booking.start}}' };
const templatePut: SettingsEvent = {
  type: 'notification-settings.updated',
  data: { id: 'settings', changes: { templates: { 'BOOKING_CONFIRMED.EMAIL': TEMPLATE } }, previous: { templates: {} }, updatedAt: T },
};

describe('notification settings: defaults', () => {
  it('sends email for every trigger and SMS for none, reminds 24 hours ahead, with the built-in templates', () => {
    const settings = defaultSettings();
    expect(settings).toMatchObject({ revision: 0, reminderHoursBefore: 24, senderName: null, templates: {} });
    expect(isEnabled(settings, 'BOOKING_REMINDER', 'EMAIL')).toBe(true);
    expect(isEnabled(settings, 'CREDITS_LOW', 'SMS')).toBe(false);
  });
});

describe('notification settings: UpdateSettings', () => {
  it('records the changed fields with their old values; switches left out keep their value', () => {
    const [event] = given(settingsDecider, []).when({ type: 'UpdateSettings', reminderHoursBefore: 2, enabled: { BOOKING_CONFIRMED: { SMS: true } } }, ctx)();
    expect(event.data).toMatchObject({ id: 'settings', changes: { reminderHoursBefore: 2 }, previous: { reminderHoursBefore: 24 }, updatedAt: T });
    expect(event.data.changes.enabled?.BOOKING_CONFIRMED).toEqual({ EMAIL: true, SMS: true });
    expect(event.data.previous.enabled?.BOOKING_CONFIRMED).toEqual({ EMAIL: true, SMS: false });
    given(settingsDecider, [event]).when({ type: 'UpdateSettings' }, ctx).thenState({ revision: 1, reminderHoursBefore: 2, enabled: { BOOKING_CONFIRMED: { SMS: true }, BOOKING_CANCELED: { SMS: false } } });
  });

  it('records nothing when nothing changes', () => {
    given(settingsDecider, []).when({ type: 'UpdateSettings', reminderHoursBefore: 24, senderName: null, enabled: { BOOKING_CONFIRMED: { EMAIL: true } } }, ctx).thenNothing();
  });

  it('refuses a reminder lead time out of range and a stale revision', () => {
    given(settingsDecider, []).when({ type: 'UpdateSettings', reminderHoursBefore: -1 }, ctx).thenThrows('validation', [{ field: 'reminderHoursBefore' }]);
    given(settingsDecider, []).when({ type: 'UpdateSettings', reminderHoursBefore: 2.5 }, ctx).thenThrows('validation', [{ field: 'reminderHoursBefore' }]);
    given(settingsDecider, []).when({ type: 'UpdateSettings', senderName: 'Salon', expectedRevision: 1 }, ctx).thenThrows('revision-conflict');
  });
});

describe('notification settings: templates', () => {
  it('keeps a business template per trigger and channel, and drops it back to the built-in one', () => {
    given(settingsDecider, []).when({ type: 'PutTemplate', trigger: 'BOOKING_CONFIRMED', channel: 'EMAIL', template: TEMPLATE }, ctx).then([templatePut]);
    const state = given(settingsDecider, [templatePut]).state();
    expect(customTemplate(state, 'BOOKING_CONFIRMED', 'EMAIL')).toEqual(TEMPLATE);
    expect(customTemplate(state, 'BOOKING_CONFIRMED', 'SMS')).toBeNull();
    given(settingsDecider, [templatePut])
      .when({ type: 'DeleteTemplate', trigger: 'BOOKING_CONFIRMED', channel: 'EMAIL' }, ctx)
      .then([{ type: 'notification-settings.updated', data: { id: 'settings', changes: { templates: {} }, previous: { templates: { 'BOOKING_CONFIRMED.EMAIL': TEMPLATE } }, updatedAt: T } }]);
  });

  it('keeps no subject for SMS, and records nothing for a template unchanged or never written', () => {
    const [event] = given(settingsDecider, []).when({ type: 'PutTemplate', trigger: 'BOOKING_REMINDER', channel: 'SMS', template: TEMPLATE }, ctx)();
    expect(event.data.changes.templates).toEqual({ 'BOOKING_REMINDER.SMS': { subject: null, body: TEMPLATE.body } });
    given(settingsDecider, [templatePut]).when({ type: 'PutTemplate', trigger: 'BOOKING_CONFIRMED', channel: 'EMAIL', template: TEMPLATE }, ctx).thenNothing();
    given(settingsDecider, []).when({ type: 'DeleteTemplate', trigger: 'BOOKING_CONFIRMED', channel: 'EMAIL' }, ctx).thenNothing();
  });
});
