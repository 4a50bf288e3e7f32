import { eventually } from '@kairos/testing';
import { TestApp, startApp } from './harness';

/** Canceling a class session, a series from an instant, or a schedule cancels what stands on it. */
describe('canceling sessions and schedules cancels their bookings (embedded default)', () => {
  let t: TestApp;
  let now = new Date('2026-03-28T00:00:00Z');
  beforeAll(async () => (t = await startApp({ engine: 'pglite', clock: () => now })));
  afterAll(async () => t?.close());

  const as = (method: 'post' | 'get', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', t.tenant).send(body);
  const contact = (n: number) => `5c1e0a3b-2d4f-4e6a-8b7c-${String(n).padStart(12, '0')}`;
  const book = async (body: object) => (await as('post', '/v1/bookings', body).expect(201)).body;
  const bookingAt = async (id: string, position: string) => (await as('get', `/v1/bookings/${id}?minPosition=${position}`).expect(200)).body;
  const messages = (type: string) => t.published.filter((m) => m.headers.ce_type === `kairos.${type}.v1`).map((m) => JSON.parse(m.value));
  const publishedCancels = () => messages('booking.canceled').map((b) => b.id);

  const classOf = async (name: string, capacity: number) => (await as('post', '/v1/services', { name, type: 'CLASS', defaultCapacity: capacity, timeZone: 'Europe/London' }).expect(201)).body;
  const sessionsOf = async (scheduleId: string, position: string) =>
    (await as('get', `/v1/sessions?scheduleId=${scheduleId}&from=2026-03-01T00:00:00Z&to=2026-06-01T00:00:00Z&minPosition=${position}`).expect(200)).body.items;

  it('cancels the bookings of a canceled class session, frees its seats, ends its waitlist and refuses new bookings', async () => {
    const cls = await classOf('Pilates', 2);
    const session = (await as('post', `/v1/schedules/${cls.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-03-31T18:00', localEnd: '2026-03-31T19:00' }).expect(201)).body;
    const booked = [await book({ sessionId: session.id, contactId: contact(1) }), await book({ sessionId: session.id, contactId: contact(2) })];
    const waiting = (await as('post', `/v1/sessions/${session.id}/waitlist`, { contactId: contact(3) }).expect(201)).body;

    const canceled = await as('post', `/v1/sessions/${session.id}/cancel`).expect(200);
    const position = canceled.headers['kairos-position'];
    for (const { id } of booked) {
      expect(await bookingAt(id, position)).toMatchObject({
        status: 'CANCELED',
        holdsSlot: false,
        cancellation: { reason: 'the session was canceled', actor: 'BUSINESS', withinPolicy: true },
      });
    }
    const after = (await as('get', `/v1/sessions/${session.id}?minPosition=${position}`).expect(200)).body;
    expect(after).toMatchObject({ status: 'CANCELED', participants: [], openSpots: 2 });
    expect((await as('get', `/v1/waitlist/${waiting.entryId}?minPosition=${position}`).expect(200)).body).toMatchObject({ status: 'LEFT' });

    await eventually(() => expect(publishedCancels()).toEqual(expect.arrayContaining(booked.map((b) => b.id))), 10_000);
    const [sessionCanceled] = messages('session.canceled').filter((m) => m.id === session.id);
    expect([...sessionCanceled.canceledBookingIds].sort()).toEqual(booked.map((b) => b.id).sort());
    expect(messages('booking.canceled').find((m) => m.id === booked[0].id)).toMatchObject({ reason: 'the session was canceled', actor: 'BUSINESS', withinPolicy: true });
    expect(messages('waitlist.left').map((m) => m.entryId)).toContain(waiting.entryId);

    const refused = await as('post', '/v1/bookings', { sessionId: session.id, contactId: contact(4) }).expect(422);
    expect(refused.body.type).toBe('urn:kairos:problem:invalid-transition');
  });

  it('cancels only the bookings of the instances a series is canceled from', async () => {
    const cls = await classOf('Spin', 5);
    const series = await as('post', `/v1/schedules/${cls.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-03-30T07:00', localEnd: '2026-03-30T08:00', recurrence: 'FREQ=DAILY;COUNT=3' }).expect(201);
    const instances = await sessionsOf(cls.scheduleId, series.headers['kairos-position']);
    const [kept, ...ended] = [await book({ sessionId: instances[0].id, contactId: contact(10) }), await book({ sessionId: instances[1].id, contactId: contact(11) }), await book({ sessionId: instances[2].id, contactId: contact(12) })];

    const canceled = await as('post', `/v1/sessions/${series.body.id}/cancel`, { from: instances[1].originalStart }).expect(200);
    const position = canceled.headers['kairos-position'];
    expect(await bookingAt(kept.id, position)).toMatchObject({ status: 'CONFIRMED' });
    for (const { id } of ended) expect(await bookingAt(id, position)).toMatchObject({ status: 'CANCELED', cancellation: { reason: 'the session was canceled' } });
    // The series ends before `from`: only the first instance is left, still with its participant.
    const left = await sessionsOf(cls.scheduleId, position);
    expect(left.map((i: { id: string }) => i.id)).toEqual([instances[0].id]);
    expect((await as('get', `/v1/sessions/${instances[0].id}?minPosition=${position}`).expect(200)).body).toMatchObject({ openSpots: 4, participants: [expect.objectContaining({ bookingId: kept.id })] });

    await eventually(() => expect(publishedCancels()).toEqual(expect.arrayContaining(ended.map((b) => b.id))), 10_000);
    expect(publishedCancels()).not.toContain(kept.id);
    const [sessionCanceled] = messages('session.canceled').filter((m) => m.id === series.body.id);
    expect([...sessionCanceled.canceledBookingIds].sort()).toEqual(ended.map((b) => b.id).sort());
    // Past its end the series has no such instance any more.
    await as('post', '/v1/bookings', { sessionId: instances[2].id, contactId: contact(13) }).expect(404);
  });

  it('leaves no booking standing on a session canceled while bookings race it', async () => {
    const cls = await classOf('Boxing', 30);
    const session = (await as('post', `/v1/schedules/${cls.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-03-31T07:00', localEnd: '2026-03-31T08:00' }).expect(201)).body;
    const racing = Array.from({ length: 12 }, (_, i) => as('post', '/v1/bookings', { sessionId: session.id, contactId: contact(100 + i) }));
    const [canceled, ...answers] = await Promise.all([as('post', `/v1/sessions/${session.id}/cancel`), ...racing]);
    expect(canceled.status).toBe(200);
    const made = answers.filter((r) => r.status === 201).map((r) => r.body.id);
    const last = Math.max(...[canceled, ...answers].map((r) => Number(r.headers['kairos-position'] ?? 0)));
    for (const r of answers.filter((r) => r.status !== 201)) expect(r.body.type).toMatch(/invalid-transition/);
    for (const id of made) expect(await bookingAt(id, String(last))).toMatchObject({ status: 'CANCELED' });
    expect((await as('get', `/v1/sessions/${session.id}?minPosition=${last}`).expect(200)).body).toMatchObject({ participants: [], openSpots: 30 });
  });

  it('leaves the bookings of instances already past as history, and they can still be canceled one by one', async () => {
    const cls = await classOf('Rowing', 5);
    const series = await as('post', `/v1/schedules/${cls.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-03-30T07:00', localEnd: '2026-03-30T08:00', recurrence: 'FREQ=DAILY;COUNT=2' }).expect(201);
    const instances = await sessionsOf(cls.scheduleId, series.headers['kairos-position']);
    const past = await book({ sessionId: instances[0].id, contactId: contact(30) });
    const coming = await book({ sessionId: instances[1].id, contactId: contact(31) });
    now = new Date('2026-03-30T12:00:00Z');
    try {
      const canceled = await as('post', `/v1/sessions/${series.body.id}/cancel`, { from: instances[0].originalStart }).expect(200);
      expect(await bookingAt(past.id, canceled.headers['kairos-position'])).toMatchObject({ status: 'CONFIRMED' });
      expect(await bookingAt(coming.id, canceled.headers['kairos-position'])).toMatchObject({ status: 'CANCELED' });
      await as('post', `/v1/bookings/${past.id}/cancel`, { ignorePolicy: true }).expect(200);
    } finally {
      now = new Date('2026-03-28T00:00:00Z');
    }
  });

  it('cancels the class and course bookings of a canceled schedule', async () => {
    const cls = await classOf('Yoga', 5);
    const session = (await as('post', `/v1/schedules/${cls.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-04-01T18:00', localEnd: '2026-04-01T19:00' }).expect(201)).body;
    const onClass = await book({ sessionId: session.id, contactId: contact(20) });
    const course = (await as('post', '/v1/services', { name: 'Pottery course', type: 'COURSE', defaultCapacity: 4, timeZone: 'Europe/London' }).expect(201)).body;
    await as('post', `/v1/schedules/${course.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-04-02T18:00', localEnd: '2026-04-02T19:00' }).expect(201);
    const onCourse = await book({ serviceId: course.id, scheduleId: course.scheduleId, contactId: contact(21) });

    const classCanceled = await as('post', `/v1/schedules/${cls.scheduleId}/cancel`).expect(200);
    const courseCanceled = await as('post', `/v1/schedules/${course.scheduleId}/cancel`).expect(200);
    expect(await bookingAt(onClass.id, classCanceled.headers['kairos-position'])).toMatchObject({ status: 'CANCELED', cancellation: { reason: 'the schedule was canceled', withinPolicy: true } });
    expect(await bookingAt(onCourse.id, courseCanceled.headers['kairos-position'])).toMatchObject({ status: 'CANCELED', cancellation: { reason: 'the schedule was canceled' } });

    await eventually(() => expect(publishedCancels()).toEqual(expect.arrayContaining([onClass.id, onCourse.id])), 10_000);
    const [sessionCanceled] = messages('session.canceled').filter((m) => m.id === session.id);
    expect(sessionCanceled.canceledBookingIds).toEqual([onClass.id]);
    expect(messages('schedule.canceled').filter((m) => m.id === cls.scheduleId).map((m) => m.canceledBookingIds)).toEqual([[onClass.id]]);
    expect(messages('schedule.canceled').filter((m) => m.id === course.scheduleId).map((m) => m.canceledBookingIds)).toEqual([[onCourse.id]]);
    await as('post', '/v1/bookings', { serviceId: course.id, scheduleId: course.scheduleId, contactId: contact(22) }).expect((res) => expect(res.status).toBeGreaterThanOrEqual(400));
  });
});
