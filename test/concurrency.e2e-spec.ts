import { Consumer } from 'kafkajs';
import { describeWith, eventually, testServers } from '@kairos/testing';
import { TestApp, consumeTopics, startApp, twoInstances } from './harness';

const NOW = new Date('2026-03-28T00:00:00Z');
const weekdays = { daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: '09:00', endTime: '17:00' };

/** Answers counted by status and problem type: a failure shows exactly what went wrong. */
const tally = (outcomes: Outcome[]) =>
  outcomes.reduce<Record<string, number>>((acc, o) => {
    const key = o.status === 201 ? '201' : `${o.status} ${o.body.type}`;
    acc[key] = (acc[key] ?? 0) + 1;
    return acc;
  }, {});

interface Outcome {
  status: number;
  body: { id?: string; type?: string; slot?: { start: string; end: string; resourceIds: string[] } };
}

/**
 * Two instances of the app on one PostgreSQL database, hit at once: the invariants hold at append
 * time across processes, not in a read model.
 */
describeWith('PostgreSQL', testServers.postgresUrl(), 'bookings under concurrency: two instances, one database', () => {
  const brokers = testServers.kafkaBrokers()?.split(',');
  const instances = twoInstances('race', { clock: () => NOW, kafkaBrokers: brokers });
  let consumer: Consumer | undefined;
  const published = new Map<string, { type: string; key: string }>();

  beforeAll(async () => {
    if (brokers) {
      consumer = await consumeTopics(brokers, ['kairos.bookings.v1'], ({ key, headers }) => {
        if (headers.kairos_tenant === instances.a().tenant) published.set(headers.ce_id, { type: headers.ce_type, key });
      });
    }
  });
  afterAll(async () => consumer?.disconnect());

  const as = (t: TestApp, method: 'post' | 'patch' | 'get', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', instances.a().tenant).send(body);

  it('400 concurrent bookings over 40 contested slots (some needing staff + room): one winner per resource and time', async () => {
    const [a, b] = [instances.a(), instances.b()];
    // Read your writes: the availability query below waits for the last of these.
    let written = 0;
    const positionOf = (res: { headers: Record<string, string> }) => (written = Math.max(written, Number(res.headers['kairos-position'])));
    const resource = async (type: string, name: string) => {
      const created = await as(a, 'post', '/v1/resources', { type, name }).expect(201);
      positionOf(created);
      positionOf(await as(a, 'patch', `/v1/schedules/${created.body.scheduleId}`, { timeZone: 'Europe/London', workingHours: [weekdays] }).expect(200));
      return created.body;
    };
    const [s1, s2, s3, s4] = [await resource('STAFF', 's1'), await resource('STAFF', 's2'), await resource('STAFF', 's3'), await resource('STAFF', 's4')];
    const room = await resource('ROOM', 'room');
    const service = async (groups: { resourceIds: string[]; requiredCount: number; selectable: boolean }[]) => {
      const created = await as(a, 'post', '/v1/services', { name: 'Svc', type: 'APPOINTMENT', sessionDurations: [60], timeZone: 'Europe/London', resourceGroups: groups }).expect(201);
      positionOf(created);
      return created.body;
    };
    const services = [
      await service([{ resourceIds: [s1.id], requiredCount: 1, selectable: true }]),
      await service([{ resourceIds: [s2.id], requiredCount: 1, selectable: true }, { resourceIds: [room.id], requiredCount: 1, selectable: false }]),
      await service([{ resourceIds: [s3.id], requiredCount: 1, selectable: true }, { resourceIds: [room.id], requiredCount: 1, selectable: false }]),
      await service([{ resourceIds: [s4.id], requiredCount: 1, selectable: true }]),
    ];
    // Ten hourly starts on Monday and Tuesday (London is UTC+1 after 29 March).
    const starts = [...[8, 9, 10, 11, 12, 13, 14, 15].map((h) => `2026-03-30T${String(h).padStart(2, '0')}:00:00Z`), '2026-03-31T08:00:00Z', '2026-03-31T09:00:00Z'];
    await as(a, 'post', '/v1/availability/query', { serviceId: services[3].id, from: starts[0], to: starts[9], minPosition: written }).expect(200);

    const requests = services.flatMap((svc) =>
      starts.flatMap((start) =>
        Array.from({ length: 10 }, (_, i) => ({ serviceId: svc.id, slot: { start, end: new Date(Date.parse(start) + 3_600_000).toISOString() }, contactId: `0b7d2a8e-7c55-4b7a-9d2c-${String(i).padStart(12, '0')}` })),
      ),
    );
    expect(requests).toHaveLength(400);
    const outcomes: Outcome[] = await Promise.all(requests.map((body, i) => as(i % 2 ? b : a, 'post', '/v1/bookings', body).then((r) => ({ status: r.status, body: r.body }))));

    const winners = outcomes.filter((o) => o.status === 201);
    // s1 and s4 win every time once; the room is shared by the two staff + room services, so one of them per time.
    expect(tally(outcomes)).toEqual({ '201': 30, '409 urn:kairos:problem:slot-taken': 370 });
    const held = new Map<string, string>();
    for (const w of winners) {
      for (const r of w.body.slot!.resourceIds) {
        const key = `${r}@${w.body.slot!.start}`;
        expect(held.get(key)).toBeUndefined();
        held.set(key, w.body.id!);
      }
    }
    expect([...held.keys()].filter((k) => k.startsWith(room.id))).toHaveLength(10);

    const ids = new Set(winners.map((w) => w.body.id));
    const position = Math.max(...(await Promise.all([as(a, 'get', '/v1/services?limit=1')])).map((r) => Number(r.headers['kairos-position'])));
    await eventually(async () => {
      const listed = await as(a, 'get', `/v1/bookings?status=CONFIRMED&limit=500&minPosition=${position}`).expect(200);
      expect(new Set(listed.body.items.map((x: { id: string }) => x.id))).toEqual(ids);
    });
    if (brokers) {
      await eventually(() => {
        const created = [...published.values()].filter((m) => m.type === 'kairos.booking.created.v1');
        expect(new Set(created.map((m) => m.key))).toEqual(ids);
        expect(created).toHaveLength(30);
      }, 30_000);
    }
  }, 120_000);

  it('200 concurrent joins of a class with capacity 20: exactly 20 seats taken', async () => {
    const [a, b] = [instances.a(), instances.b()];
    const cls = (await as(a, 'post', '/v1/services', { name: 'Spin', type: 'CLASS', defaultCapacity: 20, timeZone: 'Europe/London' }).expect(201)).body;
    const session = (await as(a, 'post', `/v1/schedules/${cls.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-03-31T18:00', localEnd: '2026-03-31T19:00' }).expect(201)).body;
    const outcomes: Outcome[] = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        as(i % 2 ? b : a, 'post', '/v1/bookings', { serviceId: cls.id, sessionId: session.id, contactId: `1b7d2a8e-7c55-4b7a-9d2c-${String(i).padStart(12, '0')}` }).then((r) => ({ status: r.status, body: r.body })),
      ),
    );
    expect(tally(outcomes)).toEqual({ '201': 20, '422 urn:kairos:problem:capacity-exceeded': 180 });
    await eventually(async () => {
      const slots = await as(a, 'post', '/v1/availability/query', { serviceId: cls.id, from: '2026-03-31T00:00:00Z', to: '2026-04-01T00:00:00Z', includeUnbookable: true }).expect(200);
      expect(slots.body.items[0]).toMatchObject({ totalSpots: 20, openSpots: 0 });
    });
  }, 120_000);
});

describe('bookings under concurrency on the embedded default (one process)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp({ engine: 'pglite', clock: () => NOW })));
  afterAll(async () => t?.close());

  it('50 concurrent bookings of one slot: one winner', async () => {
    const staff = (await t.http.post('/v1/resources').set('Kairos-Tenant', t.tenant).send({ type: 'STAFF', name: 'Solo' }).expect(201)).body;
    await t.http.patch(`/v1/schedules/${staff.scheduleId}`).set('Kairos-Tenant', t.tenant).send({ timeZone: 'Europe/London', workingHours: [weekdays] }).expect(200);
    const svc = (
      await t.http.post('/v1/services').set('Kairos-Tenant', t.tenant).send({ name: 'One', type: 'APPOINTMENT', sessionDurations: [60], resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }] }).expect(201)
    ).body;
    await t.http.post('/v1/availability/query').set('Kairos-Tenant', t.tenant).send({ serviceId: svc.id, from: '2026-03-30T00:00:00Z', to: '2026-03-31T00:00:00Z', minPosition: 0 }).expect(200);
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.http.post('/v1/bookings').set('Kairos-Tenant', t.tenant).send({ serviceId: svc.id, slot: { start: '2026-03-30T09:00:00Z', end: '2026-03-30T10:00:00Z' }, contactId: `2b7d2a8e-7c55-4b7a-9d2c-${String(i).padStart(12, '0')}` }),
      ),
    );
    expect(tally(outcomes.map((o) => ({ status: o.status, body: o.body })))).toEqual({ '201': 1, '409 urn:kairos:problem:slot-taken': 49 });
  }, 60_000);
});
