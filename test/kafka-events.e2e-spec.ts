import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeWith, eventually, testServers } from '@kairos/testing';
import { TestApp, buildForRunnerThread, startApp } from './harness';
import { Follower, endOffsets, follow, problemsOf, report } from './kafka-conformance';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { loadConfig } from '../apps/kairos/src/config/config';
import { twilioStandIn } from './support/twilio-stand-in';

/** Every event type the contract documents: one committed schema each, named by ce_type. */
const DOCUMENTED = readdirSync(join(__dirname, '..', 'docs', 'events'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''))
  .sort();

describeWith('PostgreSQL', testServers.postgresUrl(), 'every published event type, read by an independent consumer (PostgreSQL + Kafka)', () => {
  const brokers = testServers.kafkaBrokers()?.split(',');
  let t: TestApp;
  let follower: Follower;
  let now = new Date('2026-03-28T00:00:00Z');
  const sms = { accountSid: 'AC-kafka-events', authToken: 'secret', from: '+15005550006' };
  let provider: Awaited<ReturnType<typeof twilioStandIn>>;
  let feed: ReturnType<typeof createServer>;
  let calendarUp = true;
  const CALENDAR = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Kairos tests//EN', 'BEGIN:VEVENT', 'UID:dentist@example.com', 'DTSTAMP:20260320T000000Z', 'DTSTART:20260406T140000Z', 'DTEND:20260406T150000Z', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

  buildForRunnerThread();
  beforeAll(async () => {
    if (!brokers) throw new Error('this suite needs the Kafka broker the global setup finds or starts (unset KAIROS_SKIP_KAFKA)');
    provider = await twilioStandIn(sms);
    // A staff member's calendar feed, read from this machine.
    feed = createServer((req, res) => (calendarUp ? res.writeHead(200, { 'content-type': 'text/calendar' }).end(CALENDAR) : req.socket.destroy()));
    await new Promise<void>((resolve) => feed.listen(0, '127.0.0.1', resolve));
    const calendars = { ...loadConfig({}).calendars, allowPrivateHosts: true };
    t = await startApp({ engine: 'postgres', postgresUrl: testServers.postgresUrl(), kafkaBrokers: brokers, clock: () => now, config: { sms: { ...sms, url: provider.url }, calendars } });
    // Ready means the publisher reached the broker and created its topics (the first ping does): read
    // them from where they stand, as a consumer that joins now would.
    await t.http.get('/health/ready').expect(200);
    follower = await follow(brokers, await endOffsets(brokers));
  }, 150_000); // on a fresh broker, the consumer's first group join waits for Kafka's offsets topic
  afterAll(async () => {
    await follower?.stop();
    await t?.close();
    await provider?.close();
    await new Promise((resolve) => feed?.close(resolve));
  });

  const as = (method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', t.tenant).send(body);
  const customer = (path: string, body?: object) => t.http.post(path).set('Kairos-Tenant', t.tenant).set('Kairos-Actor', 'CUSTOMER').send(body);
  const contact = (n: number) => `0b7d2a8e-7c55-4b7a-9d2c-${String(n).padStart(12, '0')}`;
  const slot = (start: string, end: string) => ({ start, end });
  const mine = () => follower.messages.filter((m) => m.headers.kairos_tenant === t.tenant);
  const typesOf = () => [...new Set(mine().map((m) => m.headers.ce_type))].sort();

  it('publishes each documented type through the API, every message conforming to the contract', async () => {
    // Catalog: policies, locations, resources, services, schedules.
    const policy = (await as('post', '/v1/booking-policies', { name: 'Standard', maxParticipantsPerBooking: 4, waitlist: { capacity: 5, reservationMinutes: 10 } }).expect(201)).body;
    await as('patch', `/v1/booking-policies/${policy.id}`, { name: 'Standard+' }).expect(200);
    await as('post', `/v1/booking-policies/${policy.id}/set-default`).expect(200);
    const spare = (await as('post', '/v1/booking-policies', { name: 'Spare' }).expect(201)).body;
    await as('delete', `/v1/booking-policies/${spare.id}`).expect(200);

    const location = (await as('post', '/v1/locations', { name: 'Downtown', timeZone: 'Europe/London' }).expect(201)).body;
    await as('patch', `/v1/locations/${location.id}`, { name: 'Downtown East' }).expect(200);
    await as('post', `/v1/locations/${location.id}/archive`).expect(200);

    const staff = (await as('post', '/v1/resources', { type: 'STAFF', name: 'Ana' }).expect(201)).body;
    await as('patch', `/v1/resources/${staff.id}`, { name: 'Ana Silva' }).expect(200);
    await as('patch', `/v1/schedules/${staff.scheduleId}`, { timeZone: 'Europe/London', workingHours: [{ daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: '09:00', endTime: '17:00' }] }).expect(200);
    const room = (await as('post', '/v1/resources', { type: 'ROOM', name: 'Spare room' }).expect(201)).body;
    await as('post', `/v1/schedules/${room.scheduleId}/cancel`).expect(200);
    await as('delete', `/v1/resources/${room.id}`).expect(200);

    const cut = (
      await as('post', '/v1/services', {
        name: 'Cut',
        type: 'APPOINTMENT',
        sessionDurations: [60],
        timeZone: 'Europe/London',
        resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }],
        onlineBooking: { enabled: true, requireManualApproval: true, allowMultipleRequests: true },
      }).expect(201)
    ).body;
    const extra = (await as('post', '/v1/services', { name: 'Extra', type: 'CLASS', timeZone: 'Europe/London' }).expect(201)).body;
    await as('patch', `/v1/services/${extra.id}`, { name: 'Extra class' }).expect(200);
    await as('delete', `/v1/services/${extra.id}`).expect(200);

    // Appointments: a request confirmed, rescheduled, resized, paid, attended; another declined; a third canceled.
    const request = (await customer('/v1/bookings', { serviceId: cut.id, slot: slot('2026-03-30T09:00:00Z', '2026-03-30T10:00:00Z'), contactId: contact(1) }).expect(201)).body;
    await as('post', `/v1/bookings/${request.id}/confirm`).expect(200);
    await as('post', `/v1/bookings/${request.id}/reschedule`, { slot: slot('2026-03-30T11:00:00Z', '2026-03-30T12:00:00Z') }).expect(200);
    await as('post', `/v1/bookings/${request.id}/payment`, { paymentStatus: 'PAID', amountPaid: '25.00' }).expect(200);
    const declined = (await customer('/v1/bookings', { serviceId: cut.id, slot: slot('2026-03-31T09:00:00Z', '2026-03-31T10:00:00Z'), contactId: contact(2) }).expect(201)).body;
    await as('post', `/v1/bookings/${declined.id}/decline`).expect(200);

    // Coupons: one changed, used by a booking, released by its cancellation, then archived.
    const colour = (
      await as('post', '/v1/services', {
        name: 'Colour',
        type: 'APPOINTMENT',
        sessionDurations: [60],
        timeZone: 'Europe/London',
        resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }],
        payment: { rateType: 'FIXED', price: { amount: '40.00', currency: 'EUR' } },
      }).expect(201)
    ).body;
    const coupon = (await as('post', '/v1/coupons', { code: 'SPRING10', name: 'Spring', discountType: 'PERCENT', percentOff: 10 }).expect(201)).body;
    await as('patch', `/v1/coupons/${coupon.id}`, { usageLimit: 50 }).expect(200);
    const discounted = (await as('post', '/v1/bookings', { serviceId: colour.id, slot: slot('2026-04-02T09:00:00Z', '2026-04-02T10:00:00Z'), contactId: contact(6), couponCode: 'spring10' }).expect(201)).body;
    await as('post', `/v1/bookings/${discounted.id}/cancel`).expect(200);
    await as('post', `/v1/coupons/${coupon.id}/archive`).expect(200);

    // Slot holds: booked, released, expired.
    const booked = (await as('post', '/v1/slot-holds', { serviceId: cut.id, slot: slot('2026-04-01T09:00:00Z', '2026-04-01T10:00:00Z'), contactId: contact(3) }).expect(201)).body;
    await as('post', '/v1/bookings', { serviceId: cut.id, slot: slot('2026-04-01T09:00:00Z', '2026-04-01T10:00:00Z'), contactId: contact(3), holdId: booked.id }).expect(201);
    const released = (await as('post', '/v1/slot-holds', { serviceId: cut.id, slot: slot('2026-04-01T11:00:00Z', '2026-04-01T12:00:00Z'), contactId: contact(4) }).expect(201)).body;
    await as('delete', `/v1/slot-holds/${released.id}`).expect(200);
    const lapsing = (await as('post', '/v1/slot-holds', { serviceId: cut.id, slot: slot('2026-04-01T13:00:00Z', '2026-04-01T14:00:00Z'), contactId: contact(5), minutes: 1 }).expect(201)).body;

    // Classes: a full session's waitlist, an offer accepted, one lapsing, one left; sessions updated and canceled.
    const yoga = (await as('post', '/v1/services', { name: 'Yoga', type: 'CLASS', defaultCapacity: 1, timeZone: 'Europe/London' }).expect(201)).body;
    const session = (await as('post', `/v1/schedules/${yoga.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-03-31T18:00', localEnd: '2026-03-31T19:00' }).expect(201)).body;
    await as('patch', `/v1/sessions/${session.id}`, { title: 'Evening yoga' }).expect(200);
    const seated = (await as('post', '/v1/bookings', { serviceId: yoga.id, sessionId: session.id, contactId: contact(10) }).expect(201)).body;
    const line = [];
    for (const n of [11, 12, 13]) line.push((await as('post', `/v1/sessions/${session.id}/waitlist`, { contactId: contact(n) }).expect(201)).body);
    const [first, second, third] = line;
    await as('post', `/v1/bookings/${seated.id}/cancel`).expect(200);
    // The offer is read from the waitlist's read model, which may lag the cancel that made it.
    await eventually(async () => expect((await as('get', `/v1/waitlist/${first.entryId}`).expect(200)).body.status).toBe('OFFERED'), 10_000);
    const accepted = (await as('post', `/v1/waitlist/${first.entryId}/accept`).expect(201)).body;
    await as('post', `/v1/bookings/${accepted.id}/cancel`).expect(200);
    await as('delete', `/v1/waitlist/${third.entryId}`).expect(200);
    const other = (await as('post', `/v1/schedules/${yoga.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-04-02T18:00', localEnd: '2026-04-02T19:00' }).expect(201)).body;
    await as('post', `/v1/sessions/${other.id}/cancel`).expect(200);
    const group = (await as('post', '/v1/services', { name: 'Pilates', type: 'CLASS', defaultCapacity: 5, timeZone: 'Europe/London' }).expect(201)).body;
    const mat = (await as('post', `/v1/schedules/${group.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-04-01T18:00', localEnd: '2026-04-01T19:00' }).expect(201)).body;
    const pair = (await as('post', '/v1/bookings', { serviceId: group.id, sessionId: mat.id, contactId: contact(20) }).expect(201)).body;
    await as('post', `/v1/bookings/${pair.id}/participants`, { partySize: 2 }).expect(200);

    // Plans: a membership with a day's trial that renews, one canceled at the end of its trial, a paid pack paused and resumed.
    const trial = { type: 'SUBSCRIPTION', cycle: { unit: 'WEEK', length: 1 }, freeTrialDays: 1 };
    const membership = (await as('post', '/v1/plans', { name: 'Weekly', pricing: trial, benefit: { kind: 'UNLIMITED', serviceIds: [yoga.id] } }).expect(201)).body;
    await as('patch', `/v1/plans/${membership.id}`, { name: 'Weekly yoga' }).expect(200);
    const renewing = (await as('post', '/v1/plan-orders', { planId: membership.id, contactId: contact(30) }).expect(201)).body;
    // A class paid with the membership redeems a credit; canceled inside the window, it gives it back.
    const early = (await as('post', `/v1/schedules/${yoga.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-04-01T07:00', localEnd: '2026-04-01T08:00' }).expect(201)).body;
    const member = (await as('post', '/v1/bookings', { sessionId: early.id, contactId: contact(30), selectedPaymentOption: 'MEMBERSHIP', planOrderId: renewing.id }).expect(201)).body;
    await as('post', `/v1/bookings/${member.id}/cancel`).expect(200);
    const leaving = (await as('post', '/v1/plan-orders', { planId: membership.id, contactId: contact(31) }).expect(201)).body;
    await as('post', `/v1/plan-orders/${leaving.id}/cancel`, { effective: 'END_OF_CYCLE' }).expect(200);
    await as('post', `/v1/plans/${membership.id}/archive`).expect(200);
    const pack = (
      await as('post', '/v1/plans', { name: 'Three days', pricing: { type: 'SINGLE_PAYMENT', duration: { unit: 'DAY', length: 3 }, price: { amountMinor: 2000, currency: 'GBP' } }, benefit: { kind: 'LIMITED', credits: 3 } }).expect(201)
    ).body;
    const packOrder = (await as('post', '/v1/plan-orders', { planId: pack.id, contactId: contact(32) }).expect(201)).body;
    await as('post', `/v1/plan-orders/${packOrder.id}/payment`, { paymentStatus: 'PAID', amountPaid: 2000 }).expect(200);
    await as('post', `/v1/plan-orders/${packOrder.id}/pause`).expect(200);
    await as('post', `/v1/plan-orders/${packOrder.id}/resume`).expect(200);

    // Notifications: confirmations by SMS too; the email goes to the log (no SMTP server here), the text message is refused for good.
    await as('patch', '/v1/notification-settings', { enabled: { BOOKING_CONFIRMED: { SMS: true } } }).expect(200);
    provider.failNext(400);
    await as('post', '/v1/bookings', { serviceId: cut.id, slot: slot('2026-04-02T11:00:00Z', '2026-04-02T12:00:00Z'), contact: { name: 'Noor', email: 'noor@example.test', phone: '+442071838750' } }).expect(201);

    // Contacts: one made by hand, changed, noted, its note deleted, then erased.
    const client = (await as('post', '/v1/contacts', { name: 'Ines', email: 'ines@example.test', timeZone: 'Europe/Lisbon' }).expect(201)).body;
    const changed = (await as('patch', `/v1/contacts/${client.id}`, { phone: '+351912345678', revision: client.revision }).expect(200)).body;
    const note = (await as('post', `/v1/contacts/${client.id}/notes`, { text: 'prefers mornings' }).expect(201)).body;
    await as('delete', `/v1/contacts/${client.id}/notes/${note.id}`).expect(204);
    expect(changed.phone).toBe('+351912345678');
    await as('delete', `/v1/contacts/${client.id}`).expect(204);

    // A staff member's own calendar: connected, read, failing once, changed and removed (its busy time given back).
    const url = `http://127.0.0.1:${(feed.address() as AddressInfo).port}/ana.ics`;
    const connection = (await as('post', '/v1/calendar-connections', { resourceId: staff.id, name: "Ana's calendar", source: 'ICS', url }).expect(201)).body;
    expect((await as('post', `/v1/calendar-connections/${connection.id}/sync`).expect(200)).body).toMatchObject({ outcome: 'CHANGED', added: 1 });
    calendarUp = false;
    expect((await as('post', `/v1/calendar-connections/${connection.id}/sync`).expect(200)).body).toMatchObject({ outcome: 'FAILED', reason: 'unreachable' });
    await as('patch', `/v1/calendar-connections/${connection.id}`, { syncIntervalMinutes: 60 }).expect(200);
    await as('delete', `/v1/calendar-connections/${connection.id}`).expect(200);

    // Time passes: the short hold and the second offer lapse (the timer acts), the first appointment is over; the notifier sends what is due.
    now = new Date('2026-04-03T00:00:00Z');
    await eventually(() => expect(typesOf()).toEqual(expect.arrayContaining(['kairos.slot-hold.expired.v1', 'kairos.waitlist.offer-expired.v1'])), 30_000);
    const ofType = (type: string) => mine().filter((m) => m.headers.ce_type === type);
    expect(ofType('kairos.slot-hold.expired.v1').map((m) => [m.key, JSON.parse(m.value).actor])).toEqual([[lapsing.id, 'SYSTEM']]);
    expect(ofType('kairos.waitlist.offer-expired.v1').map((m) => [m.key, JSON.parse(m.value).entryId, JSON.parse(m.value).actor])).toEqual([[session.id, second.entryId, 'SYSTEM']]);
    await as('post', `/v1/bookings/${request.id}/attendance`, { status: 'ATTENDED', attendeeCount: 1 }).expect(200);
    // The timer also renewed the membership, canceled the other at the end of its trial and ended the pack.
    await eventually(() => expect(typesOf()).toEqual(expect.arrayContaining(['kairos.plan-order.cycle-started.v1', 'kairos.plan-order.canceled.v1', 'kairos.plan-order.ended.v1'])), 30_000);
    expect(ofType('kairos.plan-order.cycle-started.v1').map((m) => m.key)).toContain(renewing.id);
    expect(ofType('kairos.plan-order.canceled.v1').map((m) => [m.key, JSON.parse(m.value).effective])).toEqual([[leaving.id, 'END_OF_CYCLE']]);
    expect(ofType('kairos.plan-order.ended.v1').map((m) => m.key)).toEqual([packOrder.id]);

    await eventually(() => expect(typesOf()).toEqual(DOCUMENTED), 30_000);
    expect(report(mine())).toEqual([]);
  });

  it('fails a message that strays from the contract', () => {
    const [good] = mine().filter((m) => m.headers.ce_type === 'kairos.booking.confirmed.v1');
    expect(problemsOf(good)).toEqual([]);
    const { ce_dataschema: _dropped, ...noSchema } = good.headers;
    expect(problemsOf({ ...good, headers: noSchema })).toContain('header ce_dataschema is missing');
    expect(problemsOf({ ...good, topic: 'kairos.bookings.v2' })).toEqual(['kairos.booking.confirmed.v1 from /kairos/bookings is on kairos.bookings.v2']);
    expect(problemsOf({ ...good, headers: { ...good.headers, extra: 'x' } })).toEqual(['header extra is not in the contract']);
    expect(problemsOf({ ...good, value: JSON.stringify({ ...JSON.parse(good.value), surprise: 1 }) })).toHaveLength(1);
    expect(problemsOf({ ...good, value: JSON.stringify({ ...JSON.parse(good.value), actor: 'ROBOT' }) })).toHaveLength(1);
    expect(problemsOf({ ...good, headers: { ...good.headers, ce_specversion: '0.3' } })[0]).toMatch(/specversion|CloudEvent/);
    expect(problemsOf({ ...good, headers: { ...good.headers, ce_subject: 'another' } })).toEqual([`subject another is not the key ${good.key}`]);
  });
});
