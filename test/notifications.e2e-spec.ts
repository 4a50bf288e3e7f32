import { SYSTEM_TENANT } from '@kairos/core';
import { NOTIFICATION_OUTBOX, OutboxEntry } from '@kairos/notifications';
import { describeWith, eventually, testServers, uniqueName } from '@kairos/testing';
import { NotificationDispatcher } from '../apps/kairos/src/notifications/dispatcher';
import { TestApp, TestAppOptions, buildForRunnerThread, startApp } from './harness';
import { calendarOf, greenMail, waitForMail } from './support/greenmail';

const weekdays = { daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: '09:00', endTime: '17:00' };
/** Monday 30 March 2026, 10:00 in London (summer time began the day before). */
const START = '2026-03-30T09:00:00Z';
const END = '2026-03-30T10:00:00Z';

/** A running app, its tenant's HTTP API, an appointment service in London, and the dispatcher driven by hand against a pinned clock. */
const notifier = (options: () => TestAppOptions) => {
  const state: { t?: TestApp; now: Date } = { now: new Date('2026-03-28T00:00:00Z') };
  beforeAll(async () => (state.t = await startApp({ ...options(), clock: () => state.now })));
  afterAll(async () => state.t?.close());
  const t = () => state.t!;
  const as = (method: 'post' | 'patch' | 'put' | 'get' | 'delete', path: string, body?: object) => t().http[method](path).set('Kairos-Tenant', t().tenant).send(body);
  const appointmentService = async () => {
    const staff = (await as('post', '/v1/resources', { type: 'STAFF', name: 'Sam' }).expect(201)).body;
    const hours = await as('patch', `/v1/schedules/${staff.scheduleId}`, { timeZone: 'Europe/London', workingHours: [weekdays] }).expect(200);
    await as('get', `/v1/schedules/${staff.scheduleId}?minPosition=${hours.headers['kairos-position']}`).expect(200);
    const service = await as('post', '/v1/services', {
      name: 'Haircut',
      type: 'APPOINTMENT',
      sessionDurations: [60],
      timeZone: 'Europe/London',
      resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }],
    }).expect(201);
    // A booking's slot takes its zone from the service's schedule as the read models hold it.
    await as('get', `/v1/schedules/${service.body.scheduleId}?minPosition=${service.headers['kairos-position']}`).expect(200);
    return service.body as { id: string };
  };
  const sweep = () => t().app.get(NotificationDispatcher).sweep();
  /** The tenant's outbox entries for a booking, once the projection applied the write at `position`. */
  const outboxOf = async (bookingId: string, position: string) => {
    await as('get', `/v1/notifications?minPosition=${position}`).expect(200);
    const entries = await t().stores.readStore.find<OutboxEntry>(NOTIFICATION_OUTBOX, SYSTEM_TENANT, { where: { tenant: t().tenant, bookingId }, orderBy: 'dueAt', limit: 50 });
    return entries.items;
  };
  /**
   * Sweeps until the booking's notifications settle as expected, by trigger (dispatch, then
   * delivery, each once the projection caught up; under a pinned clock they share their instant).
   */
  const settle = (bookingId: string, expected: ({ trigger: string } & Record<string, unknown>)[]) =>
    eventually(async () => {
      // Work is due strictly before now: the pinned clock moves on a millisecond per look.
      state.now = new Date(state.now.getTime() + 1);
      await sweep();
      const log: { trigger: string }[] = (await as('get', `/v1/notifications?bookingId=${bookingId}`).expect(200)).body.items;
      const byTrigger = (a: { trigger: string }, b: { trigger: string }) => a.trigger.localeCompare(b.trigger);
      expect([...log].sort(byTrigger)).toMatchObject([...expected].sort(byTrigger));
    }, 20_000, 100);
  return { state, t, as, appointmentService, sweep, outboxOf, settle };
};

describe('notifications over HTTP (embedded default)', () => {
  const { state, t, as, appointmentService, sweep, outboxOf, settle } = notifier(() => ({ engine: 'pglite' }));

  it('answers the default settings, and changes them with the switches left out kept', async () => {
    const defaults = (await as('get', '/v1/notification-settings').expect(200)).body;
    expect(defaults).toMatchObject({ id: 'settings', revision: 0, reminderHoursBefore: 24, senderName: null, templates: {} });
    expect(defaults.enabled.BOOKING_CONFIRMED).toEqual({ EMAIL: true, SMS: false });
    const changed = await as('patch', '/v1/notification-settings', { reminderHoursBefore: 2, senderName: 'Baixa Hair', enabled: { CREDITS_LOW: { SMS: true } } }).expect(200);
    expect(changed.body).toMatchObject({ revision: 1, reminderHoursBefore: 2, senderName: 'Baixa Hair', enabled: { CREDITS_LOW: { EMAIL: true, SMS: true }, BOOKING_CONFIRMED: { EMAIL: true, SMS: false } } });
    const read = (await as('get', `/v1/notification-settings?minPosition=${changed.headers['kairos-position']}`).expect(200)).body;
    expect(read).toEqual(changed.body);
    await as('put', '/v1/notification-settings', { reminderHoursBefore: 24 }).set('If-Match', '1').expect(200);
    const stale = await as('patch', '/v1/notification-settings', { senderName: null }).set('If-Match', '1').expect(409);
    expect(stale.body.type).toBe('urn:kairos:problem:revision-conflict');
    const invalid = await as('patch', '/v1/notification-settings', { reminderHoursBefore: -1, enabled: { BOOKING_CONFIRMED: { FAX: true } } }).expect(400);
    expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['enabled.BOOKING_CONFIRMED.FAX', 'reminderHoursBefore']);
  });

  it('serves the built-in template until the business writes its own, and refuses one that does not parse or names an unknown placeholder', async () => {
    const builtIn = (await as('get', '/v1/notification-templates/BOOKING_CONFIRMED/EMAIL').expect(200)).body;
    expect(builtIn).toMatchObject({ trigger: 'BOOKING_CONFIRMED', channel: 'EMAIL', custom: false });
    expect(builtIn.body).toContain('{{booking.start}}');
    const own = { subject: 'See you, {{contact.name}}', body: '{{service.name}} on {{booking.start}} ({{booking.timeZone}}){{#if message}}: {{message}}{{/if}}' };
    const put = await as('put', '/v1/notification-templates/BOOKING_CONFIRMED/EMAIL', own).expect(200);
    expect(put.body).toEqual({ trigger: 'BOOKING_CONFIRMED', channel: 'EMAIL', ...own, custom: true });
    expect((await as('get', `/v1/notification-templates/BOOKING_CONFIRMED/EMAIL?minPosition=${put.headers['kairos-position']}`).expect(200)).body).toEqual(put.body);

    const unknown = await as('put', '/v1/notification-templates/BOOKING_CONFIRMED/EMAIL', { subject: 'Hi', body: 'Hello {{contact.password}}' }).expect(400);
    expect(unknown.body.errors).toEqual([{ field: 'body', reason: expect.stringContaining('{{contact.password}} is not a placeholder') }]);
    const broken = await as('put', '/v1/notification-templates/BOOKING_CONFIRMED/EMAIL', { subject: 'Hi {{contact.name', body: 'Hello' }).expect(400);
    expect(broken.body.errors).toEqual([{ field: 'subject', reason: expect.stringContaining('does not parse') }]);
    await as('put', '/v1/notification-templates/BOOKING_CONFIRMED/EMAIL', { subject: 'Hi', body: '{{#each contact}}x{{/each}}' }).expect(400);
    await as('put', '/v1/notification-templates/BOOKING_CONFIRMED/EMAIL', { body: 'no subject' }).expect(400);
    await as('get', '/v1/notification-templates/BOOKING_SHOUTED/EMAIL').expect(404);
    await as('get', '/v1/notification-templates/BOOKING_CONFIRMED/FAX').expect(404);

    const dropped = await as('delete', '/v1/notification-templates/BOOKING_CONFIRMED/EMAIL').expect(200);
    expect(dropped.body).toEqual({ ...builtIn });
  });

  it('queues nothing for a booking written with notifyParticipants false, and tells the contact of the others, once, in the delivery log', async () => {
    const service = await appointmentService();
    const quiet = await as('post', '/v1/bookings', {
      serviceId: service.id,
      slot: { start: START, end: END },
      contact: { name: 'Quinn', email: `${uniqueName('quinn')}@example.test` },
      participantNotification: { notifyParticipants: false },
    }).expect(201);
    expect((await outboxOf(quiet.body.id, quiet.headers['kairos-position'])).map((e) => e.trigger)).toEqual(['BOOKING_REMINDER']);
    await as('post', `/v1/bookings/${quiet.body.id}/cancel`, { participantNotification: { notifyParticipants: false, message: 'ignored' } }).expect(200);

    const told = await as('post', '/v1/bookings', {
      serviceId: service.id,
      slot: { start: '2026-03-30T11:00:00Z', end: '2026-03-30T12:00:00Z' },
      contact: { name: 'Tess', email: `${uniqueName('tess')}@example.test` },
      participantNotification: { notifyParticipants: true, message: 'Bring your own towel.' },
    }).expect(201);
    const outbox = await outboxOf(told.body.id, told.headers['kairos-position']);
    expect(outbox.map((e) => [e.trigger, e.message])).toEqual([
      ['BOOKING_CONFIRMED', 'Bring your own towel.'],
      ['BOOKING_REMINDER', null],
    ]);
    await settle(told.body.id, [{ trigger: 'BOOKING_CONFIRMED', channel: 'EMAIL', status: 'SENT', provider: 'log', attempts: 1, answers: [{ attempt: 1, outcome: 'SENT' }] }]);
    expect((await as('get', `/v1/notifications?bookingId=${quiet.body.id}`).expect(200)).body.items).toEqual([]);

    const [sent] = (await as('get', `/v1/notifications?bookingId=${told.body.id}&status=SENT&channel=EMAIL`).expect(200)).body.items;
    expect((await as('get', `/v1/notifications/${sent.id}`).expect(200)).body).toEqual(sent);
    expect((await as('get', `/v1/notifications?bookingId=${told.body.id}&status=FAILED`).expect(200)).body.items).toEqual([]);
    await as('get', '/v1/notifications/0b7d2a8e-7c55-4b7a-9d2c-000000000000').expect(404);
    // Swept again, nothing more goes out.
    state.now = new Date(state.now.getTime() + 1000);
    await settle(told.body.id, [{ trigger: 'BOOKING_CONFIRMED', id: sent.id, revision: sent.revision }]);
  });

  it('waits a minute for a contact the read models do not know yet before dispatching without them', async () => {
    const service = await appointmentService();
    const stranger = await as('post', '/v1/bookings', { serviceId: service.id, slot: { start: '2026-03-30T13:00:00Z', end: '2026-03-30T14:00:00Z' }, contactId: '0b7d2a8e-7c55-4b7a-9d2c-00000000beef' }).expect(201);
    const waiting = async () => (await outboxOf(stranger.body.id, String(await t().stores.eventStore.headPosition()))).map((e) => e.trigger);
    expect(await waiting()).toEqual(['BOOKING_CONFIRMED', 'BOOKING_REMINDER']);
    // A contact id from the caller's own CRM looks, to the dispatcher, like one whose contact is not projected yet.
    state.now = new Date(state.now.getTime() + 59_000);
    await sweep();
    expect(await waiting()).toEqual(['BOOKING_CONFIRMED', 'BOOKING_REMINDER']);
    state.now = new Date(state.now.getTime() + 2_000);
    await sweep();
    await eventually(async () => expect(await waiting()).toEqual(['BOOKING_REMINDER']), 20_000, 100);
    expect((await as('get', `/v1/notifications?bookingId=${stranger.body.id}`).expect(200)).body.items).toEqual([]);
  });
});

const emailJourney = (options: () => TestAppOptions) => {
  const { state, t, as, appointmentService, outboxOf, settle } = notifier(() => ({
    ...options(),
    config: { smtp: { url: greenMail.smtpUrl()!, from: 'Baixa Hair <bookings@baixa.test>' } },
  }));

  it('emails the confirmation with the time in the zone named and an invitation, then an update, a cancellation, each with a higher SEQUENCE', async () => {
    state.now = new Date('2026-03-28T00:00:00Z');
    const service = await appointmentService();
    const email = `${uniqueName('ada')}@example.test`;
    const booked = await as('post', '/v1/bookings', { serviceId: service.id, slot: { start: START, end: END }, contact: { name: 'Ada <Lovelace>', email } }).expect(201);
    const id = booked.body.id;
    await settle(id, [{ trigger: 'BOOKING_CONFIRMED', status: 'SENT', provider: 'smtp' }]);
    const [confirmation] = await waitForMail(email, 1);
    expect(confirmation.parsed.subject).toBe('Booking confirmed: Haircut');
    expect(confirmation.parsed.text).toContain('Hello Ada <Lovelace>');
    expect(confirmation.parsed.text).toContain('Monday 30 March 2026, 10:00 – Monday 30 March 2026, 11:00 (Europe/London)');
    // The HTML part escapes what the contact typed.
    expect(confirmation.parsed.html).toContain('Hello Ada &lt;Lovelace&gt;');
    expect(calendarOf(confirmation.parsed)).toMatchObject({ method: 'REQUEST', uid: `${id}@kairos`, sequence: 0, start: new Date(START), end: new Date(END), summary: 'Haircut' });

    const moved = await as('post', `/v1/bookings/${id}/reschedule`, { slot: { start: '2026-03-31T09:00:00Z', end: '2026-03-31T10:00:00Z' } }).expect(200);
    expect(moved.body.status).toBe('CONFIRMED');
    await settle(id, [{ trigger: 'BOOKING_CONFIRMED', status: 'SENT' }, { trigger: 'BOOKING_RESCHEDULED', status: 'SENT' }]);
    const update = (await waitForMail(email, 2)).find((m) => m.parsed.subject === 'Booking moved: Haircut')!;
    expect(update.parsed.text).toContain('Tuesday 31 March 2026, 10:00');
    expect(calendarOf(update.parsed)).toMatchObject({ method: 'REQUEST', uid: `${id}@kairos`, sequence: 1, start: new Date('2026-03-31T09:00:00Z') });

    await as('post', `/v1/bookings/${id}/cancel`, { participantNotification: { notifyParticipants: true, message: 'The salon floods.' } }).expect(200);
    await settle(id, [{ trigger: 'BOOKING_CONFIRMED' }, { trigger: 'BOOKING_RESCHEDULED' }, { trigger: 'BOOKING_CANCELED', status: 'SENT' }]);
    const cancellation = (await waitForMail(email, 3)).find((m) => m.parsed.subject === 'Booking canceled: Haircut')!;
    expect(cancellation.parsed.text).toContain('The salon floods.');
    expect(calendarOf(cancellation.parsed)).toMatchObject({ method: 'CANCEL', uid: `${id}@kairos`, sequence: 2 });
    expect(await waitForMail(email, 3)).toHaveLength(3);
  });

  it('sends the reminder when the clock reaches 24 hours before the start, not before, and skips one found after the start', async () => {
    state.now = new Date('2026-03-28T00:00:00Z');
    const service = await appointmentService();
    const email = `${uniqueName('grace')}@example.test`;
    const booked = await as('post', '/v1/bookings', { serviceId: service.id, slot: { start: '2026-04-01T09:00:00Z', end: '2026-04-01T10:00:00Z' }, contact: { name: 'Grace', email } }).expect(201);
    const late = `${uniqueName('late')}@example.test`;
    const missed = await as('post', '/v1/bookings', { serviceId: service.id, slot: { start: '2026-04-01T11:00:00Z', end: '2026-04-01T12:00:00Z' }, contact: { name: 'Late', email: late } }).expect(201);
    await settle(booked.body.id, [{ trigger: 'BOOKING_CONFIRMED', status: 'SENT' }]);
    await settle(missed.body.id, [{ trigger: 'BOOKING_CONFIRMED', status: 'SENT' }]);

    state.now = new Date('2026-03-31T08:59:58Z');
    await settle(booked.body.id, [{ trigger: 'BOOKING_CONFIRMED' }]);
    const head = String(await t().stores.eventStore.headPosition());
    expect((await outboxOf(booked.body.id, head)).map((e) => e.trigger)).toEqual(['BOOKING_REMINDER']);
    state.now = new Date('2026-03-31T09:00:00Z');
    await settle(booked.body.id, [{ trigger: 'BOOKING_CONFIRMED' }, { trigger: 'BOOKING_REMINDER', status: 'SENT' }]);
    const reminder = (await waitForMail(email, 2)).find((m) => m.parsed.subject === 'Reminder: Haircut')!;
    expect(reminder.parsed.text).toContain('Wednesday 1 April 2026, 10:00 – Wednesday 1 April 2026, 11:00 (Europe/London)');
    expect(calendarOf(reminder.parsed)).toMatchObject({ method: 'REQUEST', sequence: 0 });

    // As if the service had been down from before 11:00 the day before until after the start: too late to remind.
    state.now = new Date('2026-04-01T11:00:01Z');
    await eventually(async () => expect(await outboxOf(missed.body.id, missed.headers['kairos-position'])).toEqual([]), 20_000, 100);
    await settle(missed.body.id, [{ trigger: 'BOOKING_CONFIRMED' }]);
    expect(await waitForMail(late, 1)).toHaveLength(1);
  });
};

describeWith('GreenMail', greenMail.smtpUrl(), 'notifications by email (embedded default, GreenMail)', () => emailJourney(() => ({ engine: 'pglite' })));

describeWith('PostgreSQL and GreenMail', testServers.postgresUrl() && greenMail.smtpUrl(), 'notifications by email (PostgreSQL, GreenMail)', () => {
  buildForRunnerThread();
  emailJourney(() => ({ engine: 'postgres', postgresUrl: testServers.postgresUrl()! }));
});
