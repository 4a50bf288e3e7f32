import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConformanceLog, buildOnce, describeWith, eventually, testServers, uniqueName } from '@kairos/testing';
import { KairosConfig } from '../apps/kairos/src/config/config';
import { NotificationDispatcher } from '../apps/kairos/src/notifications/dispatcher';
import { TestApp, TestAppOptions, buildForRunnerThread, startApp } from './harness';
import { builtServiceOnPostgres } from './support/built-service-on-postgres';
import { ReceivedMail, calendarOf, greenMail, mailCount, mailbox, privateGreenMail, waitForMail } from './support/greenmail';

/**
 * Notifications as a business and its clients see them: bookings made over HTTP, emails read back
 * from a real SMTP server (GreenMail, started by the global setup) as a mail client and a calendar
 * client would read them, and the delivery log. Times are driven through the app's clock.
 */

const FROM = 'Studio Lumen <bookings@studio.test>';
const EVERY_DAY = { daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'], startTime: '08:00', endTime: '20:00' };

interface Notification {
  id: string;
  trigger: string;
  status: 'QUEUED' | 'SENT' | 'FAILED';
  attempts: number;
  provider: string | null;
  providerMessageId: string | null;
  sentAt: string | null;
  lastError: string | null;
  answers: { attempt: number; outcome: string; answer: string | null; error: string | null }[];
}

/** What the suites do over HTTP, whether to an app in this process or to the built service. */
interface Api {
  call(method: 'get' | 'post' | 'patch', path: string, body?: object): Promise<{ status: number; body: any; position: number }>;
}

const inProcess = (t: TestApp): Api => ({
  async call(method, path, body) {
    const answer = await t.http[method](path).set('Kairos-Tenant', t.tenant).send(body);
    return { status: answer.status, body: answer.body, position: Number(answer.headers['kairos-position'] ?? 0) };
  },
});

const expectStatus = async (api: Api, status: number, method: 'get' | 'post' | 'patch', path: string, body?: object) => {
  const answer = await api.call(method, path, body);
  if (answer.status !== status) throw new Error(`${method.toUpperCase()} ${path} answered ${answer.status}, not ${status}: ${JSON.stringify(answer.body)}`);
  return answer;
};

/** A massage service of one therapist in London, open every day, and a client in New York. */
const studio = async (api: Api, { contactTimeZone = 'America/New_York', day }: { contactTimeZone?: string | null; day: string }) => {
  const staff = (await expectStatus(api, 201, 'post', '/v1/resources', { type: 'STAFF', name: 'Ines' })).body;
  await expectStatus(api, 200, 'patch', `/v1/schedules/${staff.scheduleId}`, { timeZone: 'Europe/London', workingHours: [EVERY_DAY] });
  const service = (
    await expectStatus(api, 201, 'post', '/v1/services', {
      name: 'Deep tissue massage',
      type: 'APPOINTMENT',
      sessionDurations: [60],
      timeZone: 'Europe/London',
      resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }],
    })
  ).body;
  const email = `${uniqueName('ada')}@example.test`;
  const created = await expectStatus(api, 201, 'post', '/v1/contacts', { name: 'Ada Lovelace', email, timeZone: contactTimeZone });
  // A booking checks its slot against the read models: they must have seen the working hours, the service and the contact.
  await expectStatus(api, 200, 'post', '/v1/availability/query', { serviceId: service.id, from: `${day}T00:00:00Z`, to: `${day}T23:59:00Z`, minPosition: created.position });
  return { staff, service, contact: created.body as { id: string }, email };
};

const book = async (api: Api, serviceId: string, contactId: string, start: string, end: string) =>
  (await expectStatus(api, 201, 'post', '/v1/bookings', { serviceId, slot: { start, end }, contactId })).body as { id: string };

const notificationsOf = async (api: Api, bookingId: string): Promise<Notification[]> => {
  const answer = await expectStatus(api, 200, 'get', `/v1/notifications?bookingId=${bookingId}&limit=100`);
  return answer.body.items as Notification[];
};

/** The mails of a mailbox in the order they arrived, as a mail client lists them. */
const inOrder = (mail: ReceivedMail[]) => [...mail].sort((a, b) => (a.parsed.date?.getTime() ?? 0) - (b.parsed.date?.getTime() ?? 0));

/** The booking flow and its messages, on one engine: confirmation, move, cancellation, and a reminder on time. */
const deliveryScenarios = (options: () => Omit<TestAppOptions, 'clock' | 'config'>) => {
  let t: TestApp;
  let api: Api;
  // A clock the test sets; each reading is a millisecond later, as time goes on while the app works.
  let now = new Date('2026-03-28T00:00:00Z');
  const clock = () => (now = new Date(now.getTime() + 1));

  beforeAll(async () => {
    const config: Partial<KairosConfig> = { smtp: { url: greenMail.smtpUrl()!, from: FROM } };
    t = await startApp({ ...options(), clock, config });
    api = inProcess(t);
  });
  afterAll(async () => t?.close());

  it('sends a confirmation with the time in the client\'s zone and an invitation, an update with the next sequence on reschedule, a cancellation on cancel', async () => {
    now = new Date('2026-03-28T00:00:00Z');
    const { service, contact, email } = await studio(api, { day: '2026-03-30' });
    const booking = await book(api, service.id, contact.id, '2026-03-30T13:00:00Z', '2026-03-30T14:00:00Z');

    const [confirmation] = await waitForMail(email, 1);
    expect(confirmation.parsed.subject).toBe('Booking confirmed: Deep tissue massage');
    expect(confirmation.parsed.from?.value).toEqual([{ name: 'Studio Lumen', address: 'bookings@studio.test' }]);
    // 13:00 UTC is 09:00 in New York (EDT): the client's zone, named, not the studio's London.
    expect(confirmation.parsed.text).toContain('Hello Ada Lovelace,');
    expect(confirmation.parsed.text).toContain('Your booking is confirmed.');
    expect(confirmation.parsed.text).toContain('Monday 30 March 2026, 09:00 – Monday 30 March 2026, 10:00 (America/New_York)');
    expect(confirmation.parsed.html).toContain('Monday 30 March 2026, 09:00');
    const invite = calendarOf(confirmation.parsed);
    expect(invite).toMatchObject({
      method: 'REQUEST',
      uid: `${booking.id}@kairos`,
      status: 'CONFIRMED',
      start: new Date('2026-03-30T13:00:00Z'),
      end: new Date('2026-03-30T14:00:00Z'),
      summary: 'Deep tissue massage',
      attendees: [`mailto:${email}`],
    });

    await expectStatus(api, 200, 'post', `/v1/bookings/${booking.id}/reschedule`, { slot: { start: '2026-03-31T15:00:00Z', end: '2026-03-31T16:00:00Z' } });
    const update = inOrder(await waitForMail(email, 2))[1];
    expect(update.parsed.subject).toBe('Booking moved: Deep tissue massage');
    expect(update.parsed.text).toContain('Tuesday 31 March 2026, 11:00 – Tuesday 31 March 2026, 12:00 (America/New_York)');
    const moved = calendarOf(update.parsed);
    expect(moved).toMatchObject({ method: 'REQUEST', uid: invite.uid, sequence: invite.sequence + 1, start: new Date('2026-03-31T15:00:00Z') });

    await expectStatus(api, 200, 'post', `/v1/bookings/${booking.id}/cancel`, { reason: 'ill' });
    const cancellation = inOrder(await waitForMail(email, 3))[2];
    expect(cancellation.parsed.subject).toBe('Booking canceled: Deep tissue massage');
    const canceled = calendarOf(cancellation.parsed);
    expect(canceled).toMatchObject({ method: 'CANCEL', uid: invite.uid, status: 'CANCELLED' });
    expect(canceled.sequence).toBeGreaterThan(moved.sequence);

    // The delivery log: each message SENT by SMTP on its first attempt, under the Message-ID it arrived with.
    let log: Notification[] = [];
    await eventually(async () => {
      log = await notificationsOf(api, booking.id);
      expect(log.map((n) => [n.trigger, n.status, n.attempts, n.provider]).sort()).toEqual([
        ['BOOKING_CANCELED', 'SENT', 1, 'smtp'],
        ['BOOKING_CONFIRMED', 'SENT', 1, 'smtp'],
        ['BOOKING_RESCHEDULED', 'SENT', 1, 'smtp'],
      ]);
    });
    expect(log.map((n) => `<${n.id}@kairos>`).sort()).toEqual((await mailbox(email)).map((m) => m.messageId).sort());
  });

  it('sends a reminder when it falls due by the clock, reminderHoursBefore (24 h) ahead of the booking, and not before', async () => {
    now = new Date('2026-03-28T00:00:00Z');
    const { service, contact, email } = await studio(api, { day: '2026-03-30', contactTimeZone: null });
    const booking = await book(api, service.id, contact.id, '2026-03-30T13:00:00Z', '2026-03-30T14:00:00Z');
    await waitForMail(email, 1);

    const dispatcher = t.app.get(NotificationDispatcher);
    now = new Date('2026-03-29T12:59:00Z');
    await dispatcher.sweep();
    await dispatcher.sweep();
    expect(await mailbox(email)).toHaveLength(1);

    now = new Date('2026-03-29T13:00:01Z');
    const reminder = inOrder(await waitForMail(email, 2))[1];
    expect(reminder.parsed.subject).toBe('Reminder: Deep tissue massage');
    // A contact without a zone of their own reads the booking's: 13:00 UTC is 14:00 in London (BST).
    expect(reminder.parsed.text).toContain('Monday 30 March 2026, 14:00 – Monday 30 March 2026, 15:00 (Europe/London)');
    expect(calendarOf(reminder.parsed)).toMatchObject({ method: 'REQUEST', uid: `${booking.id}@kairos` });
    await eventually(async () => {
      const sent = (await notificationsOf(api, booking.id)).find((n) => n.trigger === 'BOOKING_REMINDER');
      expect(sent?.status).toBe('SENT');
      expect(Date.parse(sent!.sentAt!)).toBeGreaterThanOrEqual(Date.parse('2026-03-29T13:00:00Z'));
    });
  });
};

describeWith('GreenMail', greenMail.smtpUrl(), 'notification delivery by email (embedded default, GreenMail)', () => {
  deliveryScenarios(() => ({ engine: 'pglite' }));
});

const postgresAndMail = testServers.postgresUrl() && greenMail.smtpUrl();

describeWith('PostgreSQL and GreenMail', postgresAndMail, 'notification delivery by email (PostgreSQL, Kafka when there is one, GreenMail)', () => {
  buildForRunnerThread();
  deliveryScenarios(() => ({ engine: 'postgres', postgresUrl: testServers.postgresUrl(), kafkaBrokers: testServers.kafkaBrokers()?.split(',') }));
});

describeWith('PostgreSQL and GreenMail', postgresAndMail, 'notification delivery through an SMTP outage and a burst (PostgreSQL, GreenMail)', () => {
  buildForRunnerThread();
  // The clock runs in real time from a fixed start, so retries fall due as they would.
  const started = Date.now();
  const clock = () => new Date(Date.parse('2026-03-28T00:00:00Z') + (Date.now() - started));
  const apps: TestApp[] = [];
  const appWith = async (smtp: KairosConfig['smtp']) => {
    const t = await startApp({ engine: 'postgres', postgresUrl: testServers.postgresUrl(), clock, config: { smtp } });
    apps.push(t);
    return t;
  };
  afterAll(async () => Promise.all(apps.map((t) => t.close())));

  it('queues the messages while the SMTP server is down for 30 s, with their attempts, and sends each once when it is back', async () => {
    const state = mkdtempSync(join(tmpdir(), 'kairos-greenmail-'));
    const server = privateGreenMail(state);
    try {
      const mail = server.start();
      const t = await appWith({ url: mail.smtpUrl, from: FROM });
      const api = inProcess(t);
      const { service, contact, email } = await studio(api, { day: '2026-03-30' });

      server.stop();
      const downSince = Date.now();
      const booking = await book(api, service.id, contact.id, '2026-03-30T13:00:00Z', '2026-03-30T14:00:00Z');
      await eventually(async () => {
        const [confirmation] = await notificationsOf(api, booking.id);
        expect(confirmation).toMatchObject({ status: 'QUEUED', attempts: 2, lastError: expect.stringContaining('SMTP') });
      }, 20_000, 200);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 30_000 - (Date.now() - downSince))));
      const [queued] = await notificationsOf(api, booking.id);
      expect(queued.status).toBe('QUEUED');
      expect(queued.attempts).toBeGreaterThanOrEqual(3);

      const back = server.resume();
      expect(back.smtpUrl).toBe(mail.smtpUrl);
      // The next retry after the server is back sends it (retries wait 5 s, doubling: 35 s after the first attempt, then 75 s).
      await eventually(async () => expect((await notificationsOf(api, booking.id))[0].status).toBe('SENT'), 90_000, 200);
      const [sent] = await notificationsOf(api, booking.id);
      expect(sent.answers.map((a) => a.outcome)).toEqual([...Array(sent.attempts - 1).fill('DEFERRED'), 'SENT']);
      const received = await waitForMail(email, 1, 5_000, back.api);
      // Once: a few seconds more bring no second copy.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect((await mailbox(email, back.api)).map((m) => m.messageId)).toEqual([`<${sent.id}@kairos>`]);
      expect(received[0].parsed.subject).toBe('Booking confirmed: Deep tissue massage');
    } finally {
      server.stop();
      rmSync(state, { recursive: true, force: true });
    }
  }, 180_000);

  it('sends 1,000 confirmations for a burst of 1,000 bookings, each exactly once', async () => {
    const archive = `${uniqueName('archive')}@kairos.test`;
    const t = await appWith({ url: greenMail.smtpUrl()!, from: FROM, archive: { imapUrl: `${greenMail.imapUrl()!.replace('imap://', `imap://${encodeURIComponent(archive)}:any@`)}/INBOX`, address: archive } });
    const api = inProcess(t);
    const yoga = (await expectStatus(api, 201, 'post', '/v1/services', { name: 'Yoga', type: 'CLASS', defaultCapacity: 100 })).body;
    const sessions: string[] = [];
    let position = 0;
    for (let i = 0; i < 10; i++) {
      const hour = String(8 + i).padStart(2, '0');
      const created = await expectStatus(api, 201, 'post', `/v1/schedules/${yoga.scheduleId}/sessions`, { type: 'EVENT', start: `2026-03-31T${hour}:00:00Z`, end: `2026-03-31T${hour}:45:00Z` });
      sessions.push(created.body.id);
      position = created.position;
    }
    await expectStatus(api, 200, 'get', `/v1/sessions/${sessions[9]}?minPosition=${position}`);

    const emails = Array.from({ length: 1000 }, (_, i) => `${uniqueName(`guest${i}`)}@example.test`);
    const queue = emails.map((email, i) => ({ email, sessionId: sessions[i % sessions.length] }));
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        await expectStatus(api, 201, 'post', '/v1/bookings', { serviceId: yoga.id, sessionId: next.sessionId, partySize: 1, contact: { name: 'Guest', email: next.email } });
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));

    // Every email is Bcc'd to the archive in its own SMTP transaction: its copies count the messages sent.
    await eventually(async () => expect(await mailCount(archive)).toBeGreaterThanOrEqual(1000), 120_000, 500);
    // Once: a few seconds more bring no second copy.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const archived = await mailbox(archive);
    expect(archived).toHaveLength(1000);
    expect(new Set(archived.map((m) => m.messageId)).size).toBe(1000);
    expect(archived.map((m) => m.parsed.to && !Array.isArray(m.parsed.to) && m.parsed.to.value[0].address).sort()).toEqual([...emails].sort());
    // And a few of the guests' own mailboxes hold their one confirmation.
    for (const email of [emails[0], emails[499], emails[999]]) expect(await mailbox(email)).toHaveLength(1);
  }, 300_000);
});

/**
 * The built service on PostgreSQL, killed (SIGKILL, by KAIROS_FAULT_AFTER_SEND=exit) right after the
 * SMTP server took a confirmation and before the service recorded it as sent, then started again:
 * the attempt is in doubt, the archive mailbox shows the message went out, and it is not sent twice.
 */
describeWith('PostgreSQL and GreenMail', postgresAndMail, 'a crash between "accepted by SMTP" and "recorded as SENT" (built service, PostgreSQL, GreenMail)', () => {
  const tenant = uniqueName('tenant');
  const conformance = new ConformanceLog();
  const archive = `${uniqueName('archive')}@kairos.test`;
  const built = builtServiceOnPostgres('notify_crash');
  const start = (env: Record<string, string> = {}) =>
    built.start({
      KAIROS_SMTP_URL: greenMail.smtpUrl(),
      KAIROS_SMTP_FROM: FROM,
      KAIROS_SMTP_ARCHIVE_IMAP_URL: `${greenMail.imapUrl()!.replace('imap://', `imap://${encodeURIComponent(archive)}:any@`)}/INBOX`,
      KAIROS_SMTP_ARCHIVE_ADDRESS: archive,
      ...env,
    });
  const api: Api = {
    async call(method, path, body) {
      const response = await conformance.fetch(`${built.service().base}${path}`, {
        method: method.toUpperCase(),
        headers: { 'kairos-tenant': tenant, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json(), position: Number(response.headers.get('kairos-position') ?? 0) };
    },
  };

  beforeAll(buildOnce, 240_000);
  afterAll(async () => built.dispose());

  it('sends the confirmation once: after the restart the archive shows it went out, and it is recorded as SENT', async () => {
    // The service reads the real clock: a day two to four days ahead, inside the default booking window.
    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const crashing = await start({ KAIROS_FAULT_AFTER_SEND: 'exit' });
    const exited = once(crashing.process, 'exit');
    const { service: massage, contact, email } = await studio(api, { day });
    const booking = await book(api, massage.id, contact.id, `${day}T13:00:00Z`, `${day}T14:00:00Z`);
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
    const [delivered] = await waitForMail(email, 1);

    await start();
    let confirmation: Notification | undefined;
    // The attempt is in doubt a minute after it began; the dispatcher then looks in the archive.
    await eventually(async () => {
      [confirmation] = await notificationsOf(api, booking.id);
      expect(confirmation.status).toBe('SENT');
    }, 100_000, 500);
    expect(confirmation).toMatchObject({ attempts: 1, provider: 'smtp' });
    expect(confirmation!.answers.at(-1)?.answer).toMatch(/found with the provider/);
    expect((await mailbox(email)).map((m) => m.messageId)).toEqual([delivered.messageId]);
    expect(delivered.messageId).toBe(`<${confirmation!.id}@kairos>`);
  }, 180_000);
});
