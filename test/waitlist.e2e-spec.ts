import { eventually } from '@kairos/testing';
import { TestApp, startApp } from './harness';

describe('waitlist (embedded default)', () => {
  let t: TestApp;
  let now = new Date('2026-03-28T00:00:00Z');
  beforeAll(async () => (t = await startApp({ engine: 'pglite', clock: () => now })));
  afterAll(async () => t?.close());

  const as = (method: 'post' | 'get' | 'delete', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', t.tenant).send(body);
  const contact = (n: number) => `0b7d2a8e-7c55-4b7a-9d2c-${String(n).padStart(12, '0')}`;

  const fullClass = async (capacity: number) => {
    const cls = (await as('post', '/v1/services', { name: 'Barre', type: 'CLASS', defaultCapacity: capacity, timeZone: 'Europe/London' }).expect(201)).body;
    const session = (await as('post', `/v1/schedules/${cls.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-03-31T18:00', localEnd: '2026-03-31T19:00' }).expect(201)).body;
    const bookings = [];
    for (let i = 0; i < capacity; i++) bookings.push((await as('post', '/v1/bookings', { serviceId: cls.id, sessionId: session.id, contactId: contact(i) }).expect(201)).body);
    return { cls, session, bookings };
  };

  it('joins when full, offers a freed spot to the first in line, locks it for others, and enrolls on accept', async () => {
    const { cls, session, bookings } = await fullClass(2);
    const early = await as('post', `/v1/sessions/${session.id}/waitlist`, { contactId: contact(10) }).expect(201);
    const late = await as('post', `/v1/sessions/${session.id}/waitlist`, { contactId: contact(11) }).expect(201);
    expect(early.body).toMatchObject({ status: 'WAITING', position: 1 });
    expect(late.body).toMatchObject({ position: 2 });
    await as('post', `/v1/sessions/${session.id}/waitlist`, { contactId: contact(10) }).expect(422);

    const canceled = await as('post', `/v1/bookings/${bookings[0].id}/cancel`).expect(200);
    const list = await as('get', `/v1/sessions/${session.id}/waitlist?minPosition=${canceled.headers['kairos-position']}`).expect(200);
    expect(list.body.entries.map((e: { status: string }) => e.status)).toEqual(['OFFERED', 'WAITING']);
    expect(list.body.entries[0].offerExpiresAt).toBe('2026-03-28T00:10:00.000Z');

    const locked = await as('post', '/v1/bookings', { serviceId: cls.id, sessionId: session.id, contactId: contact(20) }).expect(409);
    expect(locked.body.type).toBe('urn:kairos:problem:slot-locked');
    const window = { serviceId: cls.id, from: '2026-03-31T00:00:00Z', to: '2026-04-01T00:00:00Z', includeUnbookable: true };
    const forOthers = await as('post', '/v1/availability/query', window).expect(200);
    expect(forOthers.body.items[0]).toMatchObject({ openSpots: 0, locked: true, bookable: false, waitingList: { totalSpots: 10, openSpots: 8 } });
    const forOffered = await as('post', '/v1/availability/query', { ...window, contactId: contact(10) }).expect(200);
    expect(forOffered.body.items[0]).toMatchObject({ openSpots: 1, bookable: true });
    const enrolled = await as('post', `/v1/waitlist/${early.body.entryId}/accept`).expect(201);
    expect(enrolled.body).toMatchObject({ status: 'CONFIRMED', sessionId: session.id, contactId: contact(10) });
    const after = await as('get', `/v1/sessions/${session.id}/waitlist?minPosition=${enrolled.headers['kairos-position']}`).expect(200);
    expect(after.body.entries.map((e: { status: string }) => e.status)).toEqual(['ENROLLED', 'WAITING']);
    // The join's Location names the entry, as it stands now.
    expect(early.headers.location).toBe(`/v1/waitlist/${early.body.entryId}`);
    const entry = await as('get', `${early.headers.location}?minPosition=${enrolled.headers['kairos-position']}`).expect(200);
    expect(entry.body).toMatchObject({ entryId: early.body.entryId, status: 'ENROLLED', bookingId: enrolled.body.id });
  });

  it('expires a lapsed offer from the durable timer and offers the next; nobody left opens the spot to all', async () => {
    const { cls, session, bookings } = await fullClass(1);
    const first = (await as('post', `/v1/sessions/${session.id}/waitlist`, { contactId: contact(30) }).expect(201)).body;
    const second = (await as('post', `/v1/sessions/${session.id}/waitlist`, { contactId: contact(31) }).expect(201)).body;
    await as('post', `/v1/bookings/${bookings[0].id}/cancel`).expect(200);
    now = new Date('2026-03-28T00:11:00Z');
    await eventually(async () => {
      const list = await as('get', `/v1/sessions/${session.id}/waitlist`).expect(200);
      expect(list.body.entries.map((e: { status: string }) => e.status)).toEqual(['EXPIRED', 'OFFERED']);
    }, 10_000);
    await as('post', `/v1/waitlist/${first.entryId}/accept`).expect(422);
    await as('delete', `/v1/waitlist/${second.entryId}`).expect(200);
    await eventually(async () => {
      await as('post', '/v1/bookings', { serviceId: cls.id, sessionId: session.id, contactId: contact(40) }).expect(201);
    }, 5_000);
    now = new Date('2026-03-28T00:00:00Z');
  });

  it('refuses to join while spots are open or when the policy has no waitlist', async () => {
    const cls = (await as('post', '/v1/services', { name: 'Open', type: 'CLASS', defaultCapacity: 5, timeZone: 'Europe/London' }).expect(201)).body;
    const session = (await as('post', `/v1/schedules/${cls.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-04-01T18:00', localEnd: '2026-04-01T19:00' }).expect(201)).body;
    const open = await as('post', `/v1/sessions/${session.id}/waitlist`, { contactId: contact(50) }).expect(422);
    expect(open.body.type).toBe('urn:kairos:problem:waitlist-unavailable');
  });
});
