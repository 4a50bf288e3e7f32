import { TestApp, startApp } from './harness';

const NOW = new Date('2026-03-28T00:00:00Z');

describe('schedules, sessions and availability over HTTP (embedded default)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp({ engine: 'pglite', clock: () => NOW })));
  afterAll(async () => t?.close());

  const as = (method: 'post' | 'patch' | 'get', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', t.tenant).send(body);
  const weekdays = { daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: '09:00', endTime: '17:00' };

  const staffWithHours = async (name: string, timeZone = 'Europe/London') => {
    const staff = (await as('post', '/v1/resources', { type: 'STAFF', name }).expect(201)).body;
    await as('patch', `/v1/schedules/${staff.scheduleId}`, { timeZone, workingHours: [weekdays] }).expect(200);
    return staff;
  };

  it('gives schedules working hours, with a revision check and validation', async () => {
    const staff = (await as('post', '/v1/resources', { type: 'STAFF', name: 'Hours' }).expect(201)).body;
    const ok = await t.http.patch(`/v1/schedules/${staff.scheduleId}`).set('Kairos-Tenant', t.tenant).set('If-Match', '1').send({ workingHours: [weekdays] }).expect(200);
    expect(ok.body).toMatchObject({ revision: 2, workingHours: [{ ...weekdays, everyWeeks: 1, validFrom: null, validUntil: null }] });
    await t.http.patch(`/v1/schedules/${staff.scheduleId}`).set('Kairos-Tenant', t.tenant).set('If-Match', '1').send({ capacity: 2 }).expect(409);
    const bad = await as('patch', `/v1/schedules/${staff.scheduleId}`, { workingHours: [{ daysOfWeek: ['XYZ'], startTime: '25:00', endTime: '10:00' }] }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['workingHours.0.daysOfWeek', 'workingHours.0.startTime']);
  });

  it('refuses a link cycle', async () => {
    const a = (await as('post', '/v1/resources', { type: 'ROOM', name: 'A' }).expect(201)).body;
    const b = (await as('post', '/v1/resources', { type: 'ROOM', name: 'B' }).expect(201)).body;
    await as('patch', `/v1/schedules/${a.scheduleId}`, { linkedSchedules: [{ scheduleId: b.scheduleId }] }).expect(200);
    const cycle = await as('patch', `/v1/schedules/${b.scheduleId}`, { linkedSchedules: [{ scheduleId: a.scheduleId, transparency: 'FREE' }] }).expect(400);
    expect(cycle.body.errors).toEqual([{ field: 'linkedSchedules[0].scheduleId', reason: 'links back to this schedule' }]);
  });

  it('answers appointment slots from working hours minus busy sessions and buffers, after DST', async () => {
    const staff = await staffWithHours('Ana');
    const service = (
      await as('post', '/v1/services', {
        name: 'Cut',
        type: 'APPOINTMENT',
        sessionDurations: [60],
        slotSplitIntervalMinutes: 30,
        bufferAfterMinutes: 15,
        resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }],
        timeZone: 'Europe/London',
      }).expect(201)
    ).body;
    // Monday after the clocks went forward (London is UTC+1): a busy hour 12:00–13:00 local.
    const busy = await as('post', `/v1/schedules/${staff.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-03-30T12:00', localEnd: '2026-03-30T13:00' }).expect(201);
    const res = await as('post', '/v1/availability/query', {
      serviceId: service.id,
      from: '2026-03-30T00:00:00Z',
      to: '2026-03-31T00:00:00Z',
      minPosition: Number(busy.headers['kairos-position']),
      limit: 100,
    }).expect(200);
    const starts = res.body.items.map((s: { localStart: string }) => s.localStart.slice(11, 16));
    // 60 min + 15 min buffer after: 11:00 would end its buffer at 12:15, inside the busy hour.
    expect(starts).toEqual(['09:00', '09:30', '10:00', '10:30', '13:00', '13:30', '14:00', '14:30', '15:00', '15:30', '16:00']);
    expect(res.body.items[0]).toMatchObject({
      start: '2026-03-30T08:00:00.000Z',
      end: '2026-03-30T09:00:00.000Z',
      timeZone: 'Europe/London',
      serviceId: service.id,
      totalSpots: 1,
      openSpots: 1,
      bookable: true,
      resources: [{ groupIndex: 0, resourceIds: [staff.id] }],
      policyViolations: { tooEarly: false, tooLate: false, onlineBookingDisabled: false },
    });
    const inNewYork = await as('post', '/v1/availability/query', { serviceId: service.id, from: '2026-03-30T00:00:00Z', to: '2026-03-31T00:00:00Z', timeZone: 'America/New_York', limit: 1 }).expect(200);
    expect(inNewYork.body.items[0]).toMatchObject({ localStart: '2026-03-30T04:00:00', timeZone: 'America/New_York' });
    expect(inNewYork.body.nextCursor).not.toBeNull();
    const second = await as('post', '/v1/availability/query', { serviceId: service.id, from: '2026-03-30T00:00:00Z', to: '2026-03-31T00:00:00Z', limit: 1, cursor: inNewYork.body.nextCursor }).expect(200);
    expect(second.body.items[0].start).toBe('2026-03-30T08:30:00.000Z');
  });

  it('flags policy windows only when asked for unbookable slots', async () => {
    const staff = await staffWithHours('Bo');
    const service = (
      await as('post', '/v1/services', { name: 'Far', type: 'APPOINTMENT', sessionDurations: [60], resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }] }).expect(201)
    ).body;
    // Default policy: no booking more than 7 days ahead.
    const query = { serviceId: service.id, from: '2026-04-06T00:00:00Z', to: '2026-04-07T00:00:00Z', minPosition: 0 };
    expect((await as('post', '/v1/availability/query', query).expect(200)).body.items).toEqual([]);
    const flagged = (await as('post', '/v1/availability/query', { ...query, includeUnbookable: true }).expect(200)).body.items;
    expect(flagged.length).toBeGreaterThan(0);
    expect(flagged[0]).toMatchObject({ bookable: false, policyViolations: { tooEarly: true, tooLate: false } });
  });

  it('expands a weekly class, overrides and cancels one instance, and splits "this and following"', async () => {
    const instructor = await staffWithHours('Instructor');
    const yoga = (await as('post', '/v1/services', { name: 'Yoga', type: 'CLASS', defaultCapacity: 12, timeZone: 'Europe/London' }).expect(201)).body;
    const series = await as('post', `/v1/schedules/${yoga.scheduleId}/sessions`, {
      type: 'EVENT',
      localStart: '2026-03-23T18:00',
      localEnd: '2026-03-23T19:00',
      recurrence: 'FREQ=WEEKLY;BYDAY=MO;COUNT=6',
      resourceIds: [instructor.id],
      title: 'Evening yoga',
    }).expect(201);
    const list = async (position: string) =>
      (await as('get', `/v1/sessions?scheduleId=${yoga.scheduleId}&from=2026-03-01T00:00:00Z&to=2026-06-01T00:00:00Z&minPosition=${position}`).expect(200)).body.items;
    const instances = await list(series.headers['kairos-position']);
    expect(instances.map((i: { start: string }) => i.start)).toEqual([
      '2026-03-23T18:00:00.000Z', // GMT
      '2026-03-30T17:00:00.000Z', // BST: same wall clock
      '2026-04-06T17:00:00.000Z',
      '2026-04-13T17:00:00.000Z',
      '2026-04-20T17:00:00.000Z',
      '2026-04-27T17:00:00.000Z',
    ]);
    expect(instances[1]).toMatchObject({ recurringSessionId: series.body.id, localStart: '2026-03-30T18:00:00', title: 'Evening yoga', status: 'ACTIVE' });

    const moved = await as('patch', `/v1/sessions/${instances[1].id}`, { localStart: '2026-03-30T19:00', localEnd: '2026-03-30T20:00', capacity: 8 }).expect(200);
    expect(moved.body).toMatchObject({ id: instances[1].id, start: '2026-03-30T18:00:00.000Z', capacity: 8, originalStart: instances[1].originalStart });
    const canceled = await as('post', `/v1/sessions/${instances[2].id}/cancel`).expect(200);
    const after = await list(canceled.headers['kairos-position']);
    expect(after.map((i: { status: string }) => i.status)).toEqual(['ACTIVE', 'ACTIVE', 'CANCELED', 'ACTIVE', 'ACTIVE', 'ACTIVE']);

    const slots = (await as('post', '/v1/availability/query', { serviceId: yoga.id, from: '2026-03-28T00:00:00Z', to: '2026-04-05T00:00:00Z', minPosition: Number(canceled.headers['kairos-position']) }).expect(200)).body.items;
    expect(slots).toEqual([
      expect.objectContaining({ sessionId: instances[1].id, start: '2026-03-30T18:00:00.000Z', totalSpots: 8, openSpots: 8, bookable: true, waitingList: { totalSpots: 10, openSpots: 10 } }),
    ]);

    const split = await as('patch', `/v1/sessions/${instances[4].id}`, { scope: 'FOLLOWING', localStart: '2026-04-20T07:30', localEnd: '2026-04-20T08:30', title: 'Morning yoga' }).expect(200);
    expect(split.body).toMatchObject({ recurrence: 'FREQ=WEEKLY;BYDAY=MO;COUNT=2', title: 'Morning yoga', localStart: '2026-04-20T07:30' });
    const final = await list(split.headers['kairos-position']);
    expect(final.map((i: { localStart: string; title: string }) => `${i.localStart.slice(0, 16)} ${i.title}`)).toEqual([
      '2026-03-23T18:00 Evening yoga',
      '2026-03-30T19:00 Evening yoga',
      '2026-04-06T18:00 Evening yoga',
      '2026-04-13T18:00 Evening yoga',
      '2026-04-20T07:30 Morning yoga',
      '2026-04-27T07:30 Morning yoga',
    ]);
  });

  it('blocks the instructor: a class makes its instructor busy for appointments', async () => {
    const staff = await staffWithHours('Dual');
    const cls = (await as('post', '/v1/services', { name: 'Pilates', type: 'CLASS', timeZone: 'Europe/London' }).expect(201)).body;
    await as('post', `/v1/schedules/${cls.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-03-31T09:00', localEnd: '2026-03-31T16:00', resourceIds: [staff.id] }).expect(201);
    const appt = (
      await as('post', '/v1/services', { name: 'PT', type: 'APPOINTMENT', timeZone: 'Europe/London', sessionDurations: [60], resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }] }).expect(201)
    ).body;
    const res = await as('post', '/v1/availability/query', { serviceId: appt.id, from: '2026-03-31T00:00:00Z', to: '2026-04-01T00:00:00Z', minPosition: 0 }).expect(200);
    expect(res.body.items.map((s: { localStart: string }) => s.localStart.slice(11, 16))).toEqual(['16:00']);
  });

  it('cancels a schedule: its sessions from now on are canceled, earlier ones stay', async () => {
    const room = (await as('post', '/v1/resources', { type: 'ROOM', name: 'Studio' }).expect(201)).body;
    const series = await as('post', `/v1/schedules/${room.scheduleId}/sessions`, {
      type: 'EVENT',
      localStart: '2026-03-26T10:00',
      localEnd: '2026-03-26T11:00',
      recurrence: 'FREQ=DAILY;COUNT=4',
    }).expect(201);
    const canceled = await as('post', `/v1/schedules/${room.scheduleId}/cancel`).expect(200);
    expect(canceled.body.status).toBe('CANCELED');
    const instances = (
      await as('get', `/v1/sessions?scheduleId=${room.scheduleId}&from=2026-03-20T00:00:00Z&to=2026-04-05T00:00:00Z&minPosition=${canceled.headers['kairos-position']}`).expect(200)
    ).body.items;
    // The clock is pinned at 2026-03-28T00:00Z: the 26th and 27th stay, the 28th and 29th are gone.
    expect(instances.map((i: { localStart: string }) => i.localStart.slice(0, 10))).toEqual(['2026-03-26', '2026-03-27']);
    expect((await as('get', `/v1/sessions/${series.body.id}`).expect(200)).body.canceledFrom).toBe(NOW.toISOString());
    await as('post', `/v1/schedules/${room.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-04-01T10:00', localEnd: '2026-04-01T11:00' }).expect(422);
  });

  it('validates session input and answers unknown ids with 404', async () => {
    const staff = await staffWithHours('Val');
    const bad = await as('post', `/v1/schedules/${staff.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-03-30T10:00', localEnd: '2026-03-30T09:00', recurrence: 'FREQ=YEARLY' }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['localEnd', 'recurrence']);
    await as('post', '/v1/schedules/0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a11/sessions', { type: 'EVENT', localStart: '2026-03-30T10:00', localEnd: '2026-03-30T11:00' }).expect(404);
    await as('get', '/v1/sessions/0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a11').expect(404);
    await as('post', '/v1/availability/query', { serviceId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a11', from: '2026-03-30T00:00:00Z', to: '2026-03-31T00:00:00Z' }).expect(404);
    await as('get', `/v1/sessions?from=2026-03-30T00:00:00Z&to=2026-03-31T00:00:00Z`).expect(400);
  });

  it('refuses a session longer than 31 days, which would claim more hours than one append can hold', async () => {
    const staff = await staffWithHours('Leave');
    const session = (start: string, end: string) => ({ type: 'EVENT', start, end, resourceIds: [staff.id] });
    const endless = await as('post', `/v1/schedules/${staff.scheduleId}/sessions`, session('2026-04-06T10:00:00Z', '9999-12-31T23:00:00Z')).expect(400);
    expect(endless.body.errors).toEqual([{ field: 'localEnd', reason: 'a session lasts at most 31 days' }]);
    await as('post', `/v1/schedules/${staff.scheduleId}/sessions`, session('2026-04-06T00:00:00Z', '2026-05-07T00:01:00Z')).expect(400);
    await as('post', `/v1/schedules/${staff.scheduleId}/sessions`, session('2026-04-06T00:00:00Z', '2026-05-07T00:00:00Z')).expect(201);
  });
});
