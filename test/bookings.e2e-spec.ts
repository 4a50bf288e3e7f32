import { TestApp, startApp } from './harness';
import { appointmentService as appointmentServiceOf } from './support/appointment-service';

const NOW = new Date('2026-03-28T00:00:00Z');

describe('bookings over HTTP (embedded default)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp({ engine: 'pglite', clock: () => NOW })));
  afterAll(async () => t?.close());

  const as = (method: 'post' | 'patch' | 'get', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', t.tenant).send(body);
  const customer = (method: 'post' | 'get', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', t.tenant).set('Kairos-Actor', 'CUSTOMER').send(body);
  const appointmentService = (staffCount = 1, extra: object = {}) => appointmentServiceOf(t, staffCount, extra);
  const slot = (start: string, end: string, resourceIds?: string[]) => ({ start, end, ...(resourceIds ? { resourceIds } : {}) });

  it('books an appointment, refuses a second booking of the same staff, frees it on cancel', async () => {
    const { staff, service } = await appointmentService();
    const first = await as('post', '/v1/bookings', { serviceId: service.id, slot: slot('2026-03-30T09:00:00Z', '2026-03-30T10:00:00Z'), contact: { name: 'Ann', email: 'ann@example.com' } }).expect(201);
    expect(first.body).toMatchObject({
      status: 'CONFIRMED',
      revision: 1,
      slot: { start: '2026-03-30T09:00:00.000Z', resourceIds: [staff[0].id], bufferAfterMinutes: 15 },
      policySnapshot: { latestCancelMinutes: 1440 },
      allowedActions: { cancel: true, reschedule: true },
    });
    // 10:00 would overlap the first booking's 15-minute buffer.
    const clash = await as('post', '/v1/bookings', { serviceId: service.id, slot: slot('2026-03-30T10:00:00Z', '2026-03-30T11:00:00Z'), contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a11' }).expect(409);
    expect(clash.body.type).toBe('urn:kairos:problem:slot-taken');
    const slots = await as('post', '/v1/availability/query', { serviceId: service.id, from: '2026-03-30T00:00:00Z', to: '2026-03-31T00:00:00Z', minPosition: Number(first.headers['kairos-position']), limit: 50 }).expect(200);
    expect(slots.body.items.map((s: { start: string }) => s.start)).not.toContain('2026-03-30T09:00:00.000Z');
    expect(slots.body.items.map((s: { start: string }) => s.start)).not.toContain('2026-03-30T10:00:00.000Z');

    // The booking's session on the calendar names who it is for.
    const onCalendar = await as('get', `/v1/sessions/${first.body.appointmentSessionId}?minPosition=${first.headers['kairos-position']}`).expect(200);
    expect(onCalendar.body).toMatchObject({ type: 'EVENT', resourceIds: [staff[0].id], openSpots: 0, participants: [{ bookingId: first.body.id, partySize: 1, status: 'CONFIRMED' }] });

    const canceled = await as('post', `/v1/bookings/${first.body.id}/cancel`, { reason: 'sick' }).expect(200);
    expect(canceled.body).toMatchObject({ status: 'CANCELED', cancellation: { reason: 'sick', actor: 'BUSINESS', withinPolicy: true } });
    await as('post', '/v1/bookings', { serviceId: service.id, slot: slot('2026-03-30T09:30:00Z', '2026-03-30T10:30:00Z'), contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a11' }).expect(409); // off the grid
    await as('post', '/v1/bookings', { serviceId: service.id, slot: slot('2026-03-30T10:00:00Z', '2026-03-30T11:00:00Z'), contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a11' }).expect(201);
  });

  it('assigns "any staff" to a free one, and refuses when all are taken', async () => {
    const { staff, service } = await appointmentService(2);
    const booked = [];
    for (let i = 0; i < 2; i++) {
      booked.push((await as('post', '/v1/bookings', { serviceId: service.id, slot: slot('2026-03-31T13:00:00Z', '2026-03-31T14:00:00Z'), contactId: `0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a1${i}` }).expect(201)).body);
    }
    expect(booked.map((b) => b.slot.resourceIds[0]).sort()).toEqual(staff.map((s) => s.id).sort());
    await as('post', '/v1/bookings', { serviceId: service.id, slot: slot('2026-03-31T13:00:00Z', '2026-03-31T14:00:00Z'), contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a19' }).expect(409);
    // The least booked that day goes first: after two bookings of staff 0, any-staff picks staff 1.
    await as('post', '/v1/bookings', { serviceId: service.id, slot: slot('2026-03-31T09:00:00Z', '2026-03-31T10:00:00Z', [staff[0].id]), contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a20' }).expect(201);
    const any = await as('post', '/v1/bookings', { serviceId: service.id, slot: slot('2026-03-31T15:00:00Z', '2026-03-31T16:00:00Z'), contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a21' }).expect(201);
    expect(any.body.slot.resourceIds).toEqual([staff[1].id]);
  });

  it('enforces the policy from the snapshot: windows for customers, overrides for the business only', async () => {
    const { service } = await appointmentService();
    // Monday 13:00Z is 61 hours ahead of the pinned clock: inside the default windows.
    const soon = (await as('post', '/v1/bookings', { serviceId: service.id, slot: slot('2026-03-30T13:00:00Z', '2026-03-30T14:00:00Z'), contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a11' }).expect(201)).body;
    const strict = (await as('post', '/v1/booking-policies', { name: 'Strict', latestBookingMinutes: 4000, latestCancelMinutes: 4000 }).expect(201)).body;
    await as('patch', `/v1/services/${service.id}`, { bookingPolicyId: strict.id }).expect(200);
    const tooLate = await customer('post', '/v1/bookings', { serviceId: service.id, slot: slot('2026-03-30T09:00:00Z', '2026-03-30T10:00:00Z'), contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a12' }).expect(422);
    expect(tooLate.body.errors).toEqual([{ field: 'slot', reason: 'too-late' }]);
    await customer('post', '/v1/bookings', { serviceId: service.id, slot: slot('2026-03-30T09:00:00Z', '2026-03-30T10:00:00Z'), contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a12', ignorePolicy: true }).expect(403);
    const late = (await as('post', '/v1/bookings', { serviceId: service.id, slot: slot('2026-03-30T09:00:00Z', '2026-03-30T10:00:00Z'), contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a12', ignorePolicy: true }).expect(201)).body;
    expect(late.policySnapshot.latestCancelMinutes).toBe(4000);
    const window = await customer('post', `/v1/bookings/${late.id}/cancel`, {}).expect(422);
    expect(window.body.errors).toEqual([{ field: 'slot', reason: 'cancel-window' }]);
    const forced = await as('post', `/v1/bookings/${late.id}/cancel`, { ignorePolicy: true }).expect(200);
    expect(forced.body.cancellation).toEqual({ reason: null, actor: 'BUSINESS', withinPolicy: false });
    // The earlier booking keeps the policy it was made under.
    expect((await customer('post', `/v1/bookings/${soon.id}/cancel`, {}).expect(200)).body.cancellation.withinPolicy).toBe(true);
    const tooEarly = await customer('post', '/v1/bookings', { serviceId: service.id, slot: slot('2026-04-20T09:00:00Z', '2026-04-20T10:00:00Z'), contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a11' }).expect(422);
    expect(tooEarly.body.errors).toEqual([{ field: 'slot', reason: 'too-early' }]);
  });

  it('requires approval for customers when the service says so; PENDING holds the slot; the business confirms or declines', async () => {
    const { service } = await appointmentService(1, { onlineBooking: { enabled: true, requireManualApproval: true, allowMultipleRequests: false } });
    const request = (await customer('post', '/v1/bookings', { serviceId: service.id, slot: slot('2026-03-31T09:00:00Z', '2026-03-31T10:00:00Z'), contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a11' }).expect(201)).body;
    expect(request).toMatchObject({ status: 'PENDING', holdsSlot: true });
    await customer('post', '/v1/bookings', { serviceId: service.id, slot: slot('2026-03-31T09:00:00Z', '2026-03-31T10:00:00Z'), contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a12' }).expect(409);
    await customer('post', `/v1/bookings/${request.id}/confirm`).expect(403);
    const confirmed = await as('post', `/v1/bookings/${request.id}/confirm`, { revision: 1 }).expect(200);
    expect(confirmed.body).toMatchObject({ status: 'CONFIRMED', revision: 2 });
    const invalid = await as('post', `/v1/bookings/${request.id}/decline`).expect(422);
    expect(invalid.body.type).toBe('urn:kairos:problem:invalid-transition');
  });

  it('reschedules an appointment: the old slot frees, the new one is held; a taken one keeps the old', async () => {
    const { service } = await appointmentService();
    const a = (await as('post', '/v1/bookings', { serviceId: service.id, slot: slot('2026-04-01T09:00:00Z', '2026-04-01T10:00:00Z'), contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a11' }).expect(201)).body;
    const b = (await as('post', '/v1/bookings', { serviceId: service.id, slot: slot('2026-04-01T13:00:00Z', '2026-04-01T14:00:00Z'), contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a12' }).expect(201)).body;
    const moved = await as('post', `/v1/bookings/${a.id}/reschedule`, { slot: slot('2026-04-01T11:00:00Z', '2026-04-01T12:00:00Z') }).expect(200);
    expect(moved.body).toMatchObject({ slot: { start: '2026-04-01T11:00:00.000Z' }, revision: 2 });
    await as('post', '/v1/bookings', { serviceId: service.id, slot: slot('2026-04-01T09:00:00Z', '2026-04-01T10:00:00Z'), contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a13' }).expect(201);
    await as('post', `/v1/bookings/${a.id}/reschedule`, { slot: slot('2026-04-01T13:00:00Z', '2026-04-01T14:00:00Z') }).expect(409);
    const still = await as('get', `/v1/bookings/${a.id}?minPosition=${moved.headers['kairos-position']}`).expect(200);
    expect(still.body.slot.start).toBe('2026-04-01T11:00:00.000Z');
    // Outside working hours (17:00 London is 16:00Z): refused like a new booking would be.
    await as('post', `/v1/bookings/${a.id}/reschedule`, { slot: slot('2026-04-01T16:00:00Z', '2026-04-01T17:00:00Z') }).expect(409);
    // Right before its own old time: its own session and buffer do not count against it.
    const c = (await as('post', '/v1/bookings', { serviceId: service.id, slot: slot('2026-04-02T10:00:00Z', '2026-04-02T11:00:00Z'), contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a14' }).expect(201)).body;
    const earlier = await as('post', `/v1/bookings/${c.id}/reschedule`, { slot: slot('2026-04-02T09:00:00Z', '2026-04-02T10:00:00Z') }).expect(200);
    expect(earlier.body.slot).toMatchObject({ start: '2026-04-02T09:00:00.000Z', bufferAfterMinutes: 15 });
    expect(b.status).toBe('CONFIRMED');
  });

  it('fills a class to capacity and no further; cancel frees a seat; availability shows open spots', async () => {
    const yoga = (await as('post', '/v1/services', { name: 'Yoga', type: 'CLASS', defaultCapacity: 3, timeZone: 'Europe/London' }).expect(201)).body;
    const session = await as('post', `/v1/schedules/${yoga.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-03-31T18:00', localEnd: '2026-03-31T19:00' }).expect(201);
    const join = (partySize: number, n: number) => as('post', '/v1/bookings', { sessionId: session.body.id, partySize, contactId: `0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a${10 + n}` });
    const first = (await join(1, 1).expect(201)).body;
    await join(2, 2).expect(422);
    await join(1, 3).expect(201);
    const full = await join(1, 4).expect(201);
    const over = await join(1, 5).expect(422);
    expect(over.body.type).toBe('urn:kairos:problem:capacity-exceeded');
    const slots = await as('post', '/v1/availability/query', { serviceId: yoga.id, from: '2026-03-31T00:00:00Z', to: '2026-04-01T00:00:00Z', includeUnbookable: true, minPosition: Number(full.headers['kairos-position']) }).expect(200);
    expect(slots.body.items[0]).toMatchObject({ totalSpots: 3, openSpots: 0, bookable: false });
    const seated = await as('get', `/v1/sessions/${session.body.id}?minPosition=${full.headers['kairos-position']}`).expect(200);
    expect(seated.body).toMatchObject({ capacity: null, openSpots: 0 });
    expect(seated.body.participants).toHaveLength(3);
    expect(seated.body.participants).toContainEqual({ bookingId: first.id, contactId: first.contactId, partySize: 1, status: 'CONFIRMED' });
    const canceled = await as('post', `/v1/bookings/${first.id}/cancel`).expect(200);
    const freed = await as('get', `/v1/sessions/${session.body.id}?minPosition=${canceled.headers['kairos-position']}`).expect(200);
    expect(freed.body).toMatchObject({ openSpots: 1 });
    expect(freed.body.participants.map((p: { bookingId: string }) => p.bookingId)).not.toContain(first.id);
    const listed = await as('get', `/v1/bookings?sessionId=${session.body.id}&status=CONFIRMED`).expect(200);
    expect(listed.body.items).toHaveLength(2);
    await join(1, 6).expect(201);
  });

  it('books a course whole: one slot from its first session to its last, capacity counted once', async () => {
    const course = (await as('post', '/v1/services', { name: 'Pottery course', type: 'COURSE', defaultCapacity: 1, timeZone: 'Europe/London' }).expect(201)).body;
    const series = await as('post', `/v1/schedules/${course.scheduleId}/sessions`, {
      type: 'EVENT',
      localStart: '2026-03-31T18:00',
      localEnd: '2026-03-31T20:00',
      recurrence: 'FREQ=WEEKLY;COUNT=3',
    }).expect(201);
    const query = { serviceId: course.id, from: '2026-03-01T00:00:00Z', to: '2026-05-01T00:00:00Z', includeUnbookable: true, minPosition: Number(series.headers['kairos-position']) };
    const slots = (await as('post', '/v1/availability/query', query).expect(200)).body.items;
    expect(slots).toEqual([expect.objectContaining({ start: '2026-03-31T17:00:00.000Z', end: '2026-04-14T19:00:00.000Z', totalSpots: 1, openSpots: 1, sessionId: null })]);
    const booked = await as('post', '/v1/bookings', { scheduleId: course.scheduleId, contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a31' }).expect(201);
    expect(booked.body).toMatchObject({ status: 'CONFIRMED', scheduleId: course.scheduleId, slot: { start: '2026-03-31T17:00:00.000Z', end: '2026-04-14T19:00:00.000Z' } });
    await as('post', '/v1/bookings', { scheduleId: course.scheduleId, contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0a32' }).expect(422);
    const after = (await as('post', '/v1/availability/query', { ...query, minPosition: Number(booked.headers['kairos-position']) }).expect(200)).body.items;
    expect(after[0]).toMatchObject({ openSpots: 0, bookable: false });
    await as('post', `/v1/bookings/${booked.body.id}/reschedule`, { slot: { start: '2026-04-01T09:00:00Z', end: '2026-04-01T10:00:00Z' } }).expect(422);
  });

  const offeredSlots = async (serviceId: string) => {
    const query = { serviceId, from: '2026-04-03T00:00:00Z', to: '2026-04-04T00:00:00Z', limit: 3 };
    const items: { serviceId: string; start: string; end: string }[] = (await as('post', '/v1/availability/query', query).expect(200)).body.items;
    return items.map((s) => ({ serviceId: s.serviceId, start: s.start, end: s.end }));
  };

  it('books the slot availability answered, its serviceId inside it (or beside it, the same)', async () => {
    const { service } = await appointmentService();
    const [offered, , later] = await offeredSlots(service.id);
    const booked = await as('post', '/v1/bookings', { slot: offered, contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0b01' }).expect(201);
    expect(booked.body).toMatchObject({ serviceId: service.id, slot: { start: offered.start } });
    await as('post', '/v1/bookings', { serviceId: service.id, slot: later, contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0b02' }).expect(201);
  });

  it('refuses a slot whose serviceId disagrees with the one beside it or with the booking, or that names none', async () => {
    const { service } = await appointmentService();
    const [offered] = await offeredSlots(service.id);
    const other = (await as('post', '/v1/services', { name: 'Other', type: 'APPOINTMENT', sessionDurations: [60] }).expect(201)).body;
    const disagree = await as('post', '/v1/bookings', { serviceId: other.id, slot: offered, contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0b03' }).expect(400);
    expect(disagree.body.errors).toEqual([{ field: 'slot.serviceId', reason: 'differs from serviceId' }]);
    const unnamed = await as('post', '/v1/bookings', { slot: slot(offered.start, offered.end), contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0b03' }).expect(400);
    expect(unnamed.body.errors).toEqual([{ field: 'slot.serviceId', reason: 'required with slot' }]);
    const booked = await as('post', '/v1/bookings', { serviceId: service.id, slot: slot(offered.start, offered.end), contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0b03' }).expect(201);
    const elsewhere = await as('post', `/v1/bookings/${booked.body.id}/reschedule`, { slot: { ...offered, serviceId: other.id } }).expect(400);
    expect(elsewhere.body.errors).toEqual([{ field: 'slot.serviceId', reason: "not the booking's service" }]);
  });

  it('books a class by its session and a course by its schedule, no serviceId needed', async () => {
    const yoga = (await as('post', '/v1/services', { name: 'Yoga', type: 'CLASS', defaultCapacity: 3, timeZone: 'Europe/London' }).expect(201)).body;
    const session = (await as('post', `/v1/schedules/${yoga.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-04-03T18:00', localEnd: '2026-04-03T19:00' }).expect(201)).body;
    const seat = await as('post', '/v1/bookings', { sessionId: session.id, contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0b04' }).expect(201);
    expect(seat.body).toMatchObject({ serviceId: yoga.id, serviceType: 'CLASS', sessionId: session.id });
    await as('post', '/v1/bookings', { sessionId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0bff', contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0b05' }).expect(404);
    // An appointment's own session tells its service, which is booked by slot.
    const { service } = await appointmentService();
    const [offered] = await offeredSlots(service.id);
    const booked = (await as('post', '/v1/bookings', { slot: offered, contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0b05' }).expect(201)).body;
    const appointment = await as('post', '/v1/bookings', { sessionId: booked.appointmentSessionId, contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0b05' }).expect(400);
    expect(appointment.body.errors).toEqual([{ field: 'slot', reason: 'required for an APPOINTMENT' }]);

    const course = (await as('post', '/v1/services', { name: 'Pottery', type: 'COURSE', timeZone: 'Europe/London' }).expect(201)).body;
    await as('post', `/v1/schedules/${course.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-04-03T19:00', localEnd: '2026-04-03T21:00' }).expect(201);
    const enrolled = await as('post', '/v1/bookings', { scheduleId: course.scheduleId, contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0b06' }).expect(201);
    expect(enrolled.body).toMatchObject({ serviceId: course.id, scheduleId: course.scheduleId });
  });

  it('lists bookings by contact, service and resource, and marks attendance and payment', async () => {
    const { staff, service } = await appointmentService();
    const b = await as('post', '/v1/bookings', { serviceId: service.id, slot: slot('2026-03-30T14:00:00Z', '2026-03-30T15:00:00Z'), contactId: '0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0aff' }).expect(201);
    const position = b.headers['kairos-position'];
    for (const q of [`contactId=0b7d2a8e-7c55-4b7a-9d2c-2f7b3c1e0aff`, `serviceId=${service.id}`, `resourceId=${staff[0].id}`]) {
      const list = await as('get', `/v1/bookings?${q}&minPosition=${position}`).expect(200);
      expect(list.body.items.map((x: { id: string }) => x.id)).toEqual([b.body.id]);
    }
    await as('post', `/v1/bookings/${b.body.id}/attendance`, { status: 'ATTENDED', attendeeCount: 1 }).expect(422);
    const paid = await as('post', `/v1/bookings/${b.body.id}/payment`, { paymentStatus: 'PAID', amountPaid: '25.00' }).expect(200);
    expect(paid.body).toMatchObject({ paymentStatus: 'PAID', amountPaid: '25.00' });

    // A future booking holds the service and the staff member against deletion.
    const held = await t.http.delete(`/v1/resources/${staff[0].id}`).set('Kairos-Tenant', t.tenant).expect(409);
    expect(held.body.type).toBe('urn:kairos:problem:has-future-bookings');
    await t.http.delete(`/v1/services/${service.id}`).set('Kairos-Tenant', t.tenant).expect(409);
    const canceled = await as('post', `/v1/bookings/${b.body.id}/cancel`).expect(200);
    await as('get', `/v1/bookings/${b.body.id}?minPosition=${canceled.headers['kairos-position']}`).expect(200);
    await t.http.delete(`/v1/services/${service.id}`).set('Kairos-Tenant', t.tenant).expect(200);
    await t.http.delete(`/v1/resources/${staff[0].id}`).set('Kairos-Tenant', t.tenant).expect(200);
  });
});
