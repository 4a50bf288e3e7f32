import { once } from 'node:events';
import { BuiltService, ConformanceLog, buildOnce, describeWith, testServers, uniqueName } from '@kairos/testing';
import { builtServiceOnPostgres } from './support/built-service-on-postgres';

type Answer = { status: number; headers: Headers; body: Record<string, any> };

/**
 * The built service on PostgreSQL, killed (SIGKILL, by KAIROS_FAULT_AFTER_APPEND=exit) right after
 * a keyed write committed and before it answered, then started again: the retry with the same key
 * and body must answer what the first attempt would have, with exactly one effect.
 */
describeWith('PostgreSQL', testServers.postgresUrl(), 'Idempotency-Key across a crash between commit and answer (built service, PostgreSQL)', () => {
  const tenant = uniqueName('tenant');
  const conformance = new ConformanceLog();
  const built = builtServiceOnPostgres('idem_crash');
  let service: BuiltService | undefined;

  const start = async (env: Record<string, string> = {}) => {
    service = await built.start(env);
  };

  const stop = async () => {
    await service?.stop();
  };

  const call = async (method: string, path: string, body?: object, headers: Record<string, string> = {}): Promise<Answer> => {
    const response = await conformance.fetch(`${service!.base}${path}`, {
      method,
      headers: { 'kairos-tenant': tenant, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
  };

  /** Sends the keyed write to a service that dies right after committing it: the caller never hears back. */
  const crashOn = async (method: string, path: string, body: object, key: string) => {
    await start({ KAIROS_FAULT_AFTER_APPEND: 'exit' });
    const exited = once(service!.process, 'exit');
    await expect(call(method, path, body, { 'idempotency-key': key })).rejects.toThrow();
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
  };

  beforeAll(buildOnce, 180_000);

  afterAll(async () => built.dispose());

  it('replays the committed answer of a class booking, an appointment booking and a cancel, each taking effect once', async () => {
    await start();
    // A weekday inside the default policy's window: at least a day ahead, at most a week.
    const day = [2, 3, 4, 5, 6].map((d) => new Date(Date.now() + d * 86_400_000)).find((d) => d.getUTCDay() >= 1 && d.getUTCDay() <= 5)!.toISOString().slice(0, 10);
    const staff = (await call('POST', '/v1/resources', { type: 'STAFF', name: 'Ana' })).body;
    await call('PATCH', `/v1/schedules/${staff.scheduleId}`, { workingHours: [{ daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: '09:00', endTime: '17:00' }] });
    const cut = (await call('POST', '/v1/services', { name: 'Cut', type: 'APPOINTMENT', sessionDurations: [60], resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }] })).body;
    const yoga = (await call('POST', '/v1/services', { name: 'Yoga', type: 'CLASS', defaultCapacity: 5 })).body;
    const created = await call('POST', `/v1/schedules/${yoga.scheduleId}/sessions`, { type: 'EVENT', start: `${day}T18:00:00Z`, end: `${day}T19:00:00Z` });
    const session = created.body;
    // A booking checks the slot against the read models: they must have seen the working hours first.
    const seen = await call('POST', `/v1/availability/query?minPosition=${created.headers.get('kairos-position')}`, { serviceId: cut.id, from: `${day}T00:00:00Z`, to: `${day}T23:59:00Z` });
    expect(seen.status).toBe(200);
    const toCancel = await call('POST', '/v1/bookings', { serviceId: cut.id, slot: { start: `${day}T14:00:00Z`, end: `${day}T15:00:00Z` }, contactId: '3a1d6c1e-2b4f-4c8e-9d0a-1b2c3d4e5f60' });
    expect(toCancel.status).toBe(201);
    await stop();

    const classBooking = { serviceId: yoga.id, sessionId: session.id, contactId: '3a1d6c1e-2b4f-4c8e-9d0a-1b2c3d4e5f61', partySize: 1 };
    const appointment = { serviceId: cut.id, slot: { start: `${day}T09:00:00Z`, end: `${day}T10:00:00Z` }, contactId: '3a1d6c1e-2b4f-4c8e-9d0a-1b2c3d4e5f62' };
    await crashOn('POST', '/v1/bookings', classBooking, 'class-1');
    await crashOn('POST', '/v1/bookings', appointment, 'appointment-1');
    await crashOn('POST', `/v1/bookings/${toCancel.body.id}/cancel`, { reason: 'ill' }, 'cancel-1');

    await start();
    // Fields in another order are the same request.
    const reordered = { partySize: 1, contactId: classBooking.contactId, sessionId: session.id, serviceId: yoga.id };
    const classRetry = await call('POST', '/v1/bookings', reordered, { 'idempotency-key': 'class-1' });
    expect(classRetry).toMatchObject({ status: 201, body: { serviceId: yoga.id, sessionId: session.id, partySize: 1, status: 'CONFIRMED' } });
    expect(classRetry.headers.get('idempotency-replayed')).toBe('true');
    expect(classRetry.headers.get('location')).toBe(`/v1/bookings/${classRetry.body.id}`);

    const appointmentRetry = await call('POST', '/v1/bookings', appointment, { 'idempotency-key': 'appointment-1' });
    expect(appointmentRetry).toMatchObject({ status: 201, body: { serviceId: cut.id, status: 'CONFIRMED', slot: { start: `${day}T09:00:00.000Z`, resourceIds: [staff.id] } } });
    expect(appointmentRetry.headers.get('idempotency-replayed')).toBe('true');

    const cancelRetry = await call('POST', `/v1/bookings/${toCancel.body.id}/cancel`, { reason: 'ill' }, { 'idempotency-key': 'cancel-1' });
    expect(cancelRetry).toMatchObject({ status: 200, body: { id: toCancel.body.id, status: 'CANCELED', revision: 2, cancellation: { reason: 'ill' } } });
    expect(cancelRetry.headers.get('idempotency-replayed')).toBe('true');

    // Exactly one effect each: one class booking holding one seat, one appointment, one cancel.
    const position = Math.max(...[classRetry, appointmentRetry, cancelRetry].map((a) => Number(a.headers.get('kairos-position'))));
    const ofClass = (await call('GET', `/v1/bookings?serviceId=${yoga.id}&minPosition=${position}`)).body.items;
    expect(ofClass.map((b: { id: string }) => b.id)).toEqual([classRetry.body.id]);
    expect((await call('GET', `/v1/sessions/${session.id}?minPosition=${position}`)).body.openSpots).toBe(4);
    const ofCut = (await call('GET', `/v1/bookings?serviceId=${cut.id}&minPosition=${position}`)).body.items as { id: string; status: string }[];
    expect(ofCut.map((b) => [b.id, b.status]).sort()).toEqual([[appointmentRetry.body.id, 'CONFIRMED'], [toCancel.body.id, 'CANCELED']].sort());
    expect((await call('GET', `/v1/bookings/${toCancel.body.id}?minPosition=${position}`)).body.revision).toBe(2);

    // And again: the same answer, byte for byte.
    const again = await call('POST', '/v1/bookings', classBooking, { 'idempotency-key': 'class-1' });
    expect(again.body).toEqual(classRetry.body);
    expect(again.headers.get('kairos-position')).toBe(classRetry.headers.get('kairos-position'));
    const reused = await call('POST', '/v1/bookings', { ...classBooking, contactId: '3a1d6c1e-2b4f-4c8e-9d0a-1b2c3d4e5f63' }, { 'idempotency-key': 'class-1' });
    expect(reused).toMatchObject({ status: 422, body: { type: 'urn:kairos:problem:idempotency-key-reused' } });
  }, 120_000);
});
