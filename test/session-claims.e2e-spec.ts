import { claimStream } from '@kairos/bookings';
import { newId } from '@kairos/core';
import { SessionFields, scheduleIdOf, sessionDecider, sessionStream } from '@kairos/scheduling';
import { TestApp, startApp } from './harness';

const NOW = new Date('2026-03-28T00:00:00Z');

/** api.md invariant 1 for sessions: a resource's bookings and busy sessions never overlap, buffers included. */
describe('busy sessions hold their resources at write time (embedded default)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp({ engine: 'pglite', clock: () => NOW })));
  afterAll(async () => t?.close());

  const as = (method: 'post' | 'patch' | 'get', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', t.tenant).send(body);
  const weekdays = { daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: '09:00', endTime: '17:00' };

  const staffWithService = async (name: string) => {
    const staff = (await as('post', '/v1/resources', { type: 'STAFF', name }).expect(201)).body;
    await as('patch', `/v1/schedules/${staff.scheduleId}`, { timeZone: 'Europe/London', workingHours: [weekdays] }).expect(200);
    const service = (
      await as('post', '/v1/services', {
        name: `${name}'s cut`,
        type: 'APPOINTMENT',
        sessionDurations: [60],
        bufferAfterMinutes: 15,
        resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }],
      }).expect(201)
    ).body;
    return { staff, service };
  };
  const busy = (scheduleId: string, start: string, end: string, extra: object = {}) =>
    as('post', `/v1/schedules/${scheduleId}/sessions`, { type: 'EVENT', start, end, ...extra });
  const book = (serviceId: string, start: string, end: string, n: number) =>
    as('post', '/v1/bookings', { serviceId, slot: { start, end }, contactId: `6f1c3c0e-1d7b-4c55-8a51-0c1e2d3f4a${String(10 + n)}` });

  it('refuses a session over a booking or another busy session, buffers included, and takes the time next to them', async () => {
    const { staff, service } = await staffWithService('Ada');
    const booking = (await book(service.id, '2026-03-30T09:00:00Z', '2026-03-30T10:00:00Z', 1).expect(201)).body;
    // The booking's own session changes only through the booking, which holds the staff's time.
    const moved = await as('patch', `/v1/sessions/${booking.appointmentSessionId}`, { resourceIds: [] }).expect(422);
    expect(moved.body).toMatchObject({ type: 'urn:kairos:problem:invalid-transition', errors: [{ field: 'id' }] });
    await as('post', `/v1/sessions/${booking.appointmentSessionId}/cancel`).expect(422);

    const overBooking = await busy(staff.scheduleId, '2026-03-30T09:30:00Z', '2026-03-30T10:30:00Z').expect(409);
    expect(overBooking.body).toMatchObject({ type: 'urn:kairos:problem:slot-taken', errors: [{ field: 'resourceIds' }] });
    // The booking's 15-minute buffer ends at 10:15; a session may start right there.
    await busy(staff.scheduleId, '2026-03-30T10:15:00Z', '2026-03-30T11:00:00Z').expect(201);
    await busy(staff.scheduleId, '2026-03-30T10:30:00Z', '2026-03-30T11:30:00Z').expect(409);
    await busy(staff.scheduleId, '2026-03-30T11:15:00Z', '2026-03-30T12:00:00Z', { bufferBeforeMinutes: 20 }).expect(409);
    await busy(staff.scheduleId, '2026-03-30T11:00:00Z', '2026-03-30T12:00:00Z').expect(201);
    // Working-hours sessions say when the resource works; they hold nothing.
    await as('post', `/v1/schedules/${staff.scheduleId}/sessions`, { type: 'WORKING_HOURS', start: '2026-03-30T09:00:00Z', end: '2026-03-30T12:00:00Z' }).expect(201);
  });

  it('lets exactly one of a session and a booking racing for the same hour win, whatever the read model shows', async () => {
    const { staff, service } = await staffWithService('Bea');
    // Two hours apart, so one pair's booking buffer never reaches the next pair.
    const hours = ['08', '10', '12', '14'].map((h) => ({ start: `2026-03-31T${h}:00:00Z`, end: `2026-03-31T${String(Number(h) + 1).padStart(2, '0')}:00:00Z` }));
    const answers = await Promise.all(
      hours.map(async ({ start, end }, n) => {
        const [session, booking] = await Promise.all([busy(staff.scheduleId, start, end), book(service.id, start, end, n)]);
        return { start, end, session, booking };
      }),
    );
    for (const { session, booking } of answers) {
      expect([session.status, booking.status].sort()).toEqual([201, 409]);
      expect((session.status === 409 ? session : booking).body.type).toBe('urn:kairos:problem:slot-taken');
    }
    // Canceling a winning session gives its time back to bookings.
    for (const [n, { start, end, session }] of answers.entries()) {
      if (session.status !== 201) continue;
      await as('post', `/v1/sessions/${session.body.id}/cancel`).expect(200);
      await book(service.id, start, end, 20 + n).expect(201);
    }
  });

  it('holds a class instructor instance by instance: a moved instance frees its old time and takes the new, a canceled schedule frees the rest', async () => {
    const instructor = (await as('post', '/v1/resources', { type: 'STAFF', name: 'Cy' }).expect(201)).body;
    const spin = (await as('post', '/v1/services', { name: 'Spin', type: 'CLASS', defaultCapacity: 10, timeZone: 'Europe/London' }).expect(201)).body;
    const series = await as('post', `/v1/schedules/${spin.scheduleId}/sessions`, {
      type: 'EVENT',
      localStart: '2026-03-31T18:00',
      localEnd: '2026-03-31T19:00',
      timeZone: 'Europe/London',
      recurrence: 'FREQ=WEEKLY;COUNT=4',
      resourceIds: [instructor.id],
    }).expect(201);
    // 18:00 London is 17:00Z after the change to summer time.
    await busy(instructor.scheduleId, '2026-04-07T17:30:00Z', '2026-04-07T18:30:00Z').expect(409);

    const listed = await as('get', `/v1/sessions?scheduleId=${spin.scheduleId}&from=2026-04-07T00:00:00Z&to=2026-04-08T00:00:00Z&minPosition=${series.headers['kairos-position']}`).expect(200);
    const [second] = listed.body.items;
    await as('patch', `/v1/sessions/${second.id}`, { localStart: '2026-04-07T20:00', localEnd: '2026-04-07T21:00' }).expect(200);
    await busy(instructor.scheduleId, '2026-04-07T17:30:00Z', '2026-04-07T18:30:00Z').expect(201);
    await busy(instructor.scheduleId, '2026-04-07T19:30:00Z', '2026-04-07T20:30:00Z').expect(409);
    await busy(instructor.scheduleId, '2026-04-14T17:00:00Z', '2026-04-14T18:00:00Z').expect(409);

    const canceled = await as('post', `/v1/schedules/${spin.scheduleId}/cancel`).expect(200);
    expect(canceled.body.status).toBe('CANCELED');
    await busy(instructor.scheduleId, '2026-04-14T17:00:00Z', '2026-04-14T18:00:00Z').expect(201);
    await busy(instructor.scheduleId, '2026-04-07T19:30:00Z', '2026-04-07T20:30:00Z').expect(201);
  });

  it('gives a busy session that holds no claim (made before sessions claimed) its claims with its next change', async () => {
    const staff = (await as('post', '/v1/resources', { type: 'STAFF', name: 'Dee' }).expect(201)).body;
    const id = newId();
    const fields: SessionFields = {
      scheduleId: scheduleIdOf(staff.id), type: 'EVENT', timeZone: 'UTC', localStart: '2026-04-01T10:00', localEnd: '2026-04-01T11:00',
      recurrence: null, exdates: [], title: null, capacity: null, resourceIds: [], affectedSchedules: null, bufferBeforeMinutes: 0, bufferAfterMinutes: 0, locationId: null,
    };
    const events = sessionDecider.decide({ type: 'CreateSession', id, fields }, { status: 'none' }, { now: NOW });
    await t.stores.eventStore.append([
      {
        streamId: sessionStream(t.tenant, id),
        expectedRevision: 'noStream',
        events: events.map((e) => ({ id: newId(), type: e.type, schemaVersion: 1, data: e.data, metadata: { tenant: t.tenant, actor: { type: 'BUSINESS' }, occurredAt: NOW.toISOString() } })),
      },
    ]);
    const claims = () => t.stores.eventStore.readStream(claimStream(t.tenant, staff.id, '2026-04-01T10'));
    expect(await claims()).toEqual([]);
    await as('patch', `/v1/sessions/${id}`, { title: 'Inventory' }).expect(200);
    expect((await claims()).map((e) => [e.type, (e.data as { holderId: string }).holderId])).toEqual([['resource-claim.claimed', id]]);
    await busy(staff.scheduleId, '2026-04-01T10:30:00Z', '2026-04-01T11:30:00Z').expect(409);
  });
});
