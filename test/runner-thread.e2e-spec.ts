import { once } from 'node:events';
import { Consumer } from 'kafkajs';
import { Client } from 'pg';
import { BuiltService, ConformanceLog, buildOnce, describeWith, eventually, testServers, uniqueName } from '@kairos/testing';
import { EVENT_ROUTES } from '../apps/kairos/src/capabilities';
import { ConsumedMessage, consumeTopics } from './harness';

/**
 * The deployable as an operator runs it on PostgreSQL + Kafka: `node dist/.../main.js`, whose
 * runners (projections, Kafka publisher) then follow the log in a worker thread. The request
 * thread's read cache hears of every batch from there, so reads stay exact.
 */
describeWith('PostgreSQL', testServers.postgresUrl(), 'the built service with its runners in a worker thread (PostgreSQL + Kafka)', () => {
  const brokers = testServers.kafkaBrokers();
  const schema = uniqueName('runner_thread');
  const tenant = uniqueName('tenant');
  const received: ConsumedMessage[] = [];
  let consumer: Consumer;
  const conformance = new ConformanceLog();
  let service: BuiltService;

  const call = async (method: string, path: string, body?: object, headers: Record<string, string> = {}) => {
    const response = await conformance.fetch(`${service.base}${path}`, {
      method,
      headers: { 'kairos-tenant': tenant, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, position: response.headers.get('kairos-position'), body: (await response.json()) as Record<string, any> };
  };

  beforeAll(buildOnce, 180_000);

  // Every answer the suite received, against the service's OpenAPI document.
  afterAll(() => conformance.verify());

  beforeAll(async () => {
    if (!brokers) throw new Error('this suite needs the Kafka broker the global setup starts (unset KAIROS_SKIP_KAFKA)');
    consumer = await consumeTopics(brokers.split(','), [...EVENT_ROUTES.topics], (message) => void received.push(message));
    service = await BuiltService.start({
      KAIROS_EVENT_STORE: 'postgres',
      KAIROS_READ_STORE: 'postgres',
      KAIROS_PUBLISHER: 'kafka',
      KAIROS_POSTGRES_URL: testServers.postgresUrl(),
      KAIROS_POSTGRES_SCHEMA: schema,
      KAIROS_KAFKA_BROKERS: brokers,
    });
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
    await consumer?.disconnect();
    const pg = new Client({ connectionString: testServers.postgresUrl() });
    await pg.connect();
    await pg.query(`drop schema if exists ${schema} cascade`);
    await pg.end();
  });

  it('starts its projections and Kafka publisher in the runner thread', () => {
    const started = service.output.split('\n').find((line) => line.includes('"context":"runtime"') && line.includes('"started"'));
    expect(JSON.parse(started!)).toMatchObject({ runners: [], runnerThread: { projections: true, publisher: true } });
  });

  it('reads its own writes through the cache while the thread moves the read models on', async () => {
    const created = await call('POST', '/v1/services', { name: 'Cut 0', type: 'APPOINTMENT', sessionDurations: [30] });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    let position = created.position!;
    // Each answer is cached once the read model is at the write; each rename must drop it.
    for (let revision = 1; revision <= 15; revision++) {
      const read = await call('GET', `/v1/services/${id}?minPosition=${position}`);
      expect(read.body).toMatchObject({ name: `Cut ${revision - 1}`, revision });
      const renamed = await call('PATCH', `/v1/services/${id}`, { name: `Cut ${revision}` }, { 'if-match': String(revision) });
      expect(renamed.status).toBe(200);
      position = renamed.position!;
    }
    const listed = await call('GET', `/v1/services?minPosition=${position}`);
    expect(listed.body.items.find((s: { id: string }) => s.id === id)).toMatchObject({ name: 'Cut 15', revision: 16 });
  });

  it('books, projects and publishes from the thread: the booking reads back, the slot is gone, Kafka has it', async () => {
    const staff = (await call('POST', '/v1/resources', { type: 'STAFF', name: 'Ana' })).body;
    await call('PATCH', `/v1/schedules/${staff.scheduleId}`, { timeZone: 'Europe/London', workingHours: [{ daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: '09:00', endTime: '17:00' }] });
    const created = await call('POST', '/v1/services', { name: 'Trim', type: 'APPOINTMENT', sessionDurations: [60], resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }] });
    const cut = created.body;
    // A weekday inside the default policy's window: at least a day ahead, at most a week.
    const day = [2, 3, 4, 5, 6].map((d) => new Date(Date.now() + d * 86_400_000)).find((d) => d.getUTCDay() >= 1 && d.getUTCDay() <= 5)!.toISOString().slice(0, 10);
    const query = { serviceId: cut.id, from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z`, limit: 500 };
    const before = await call('POST', '/v1/availability/query', { ...query, minPosition: Number(created.position) });
    const [slot] = (before.body.items ?? []) as { start: string; end: string }[];
    if (!slot) throw new Error(`no slot on ${day}: ${JSON.stringify(before.body)}`);

    const booked = await call('POST', '/v1/bookings', { serviceId: cut.id, slot: { start: slot.start, end: slot.end }, contactId: '2f0c9b1e-6a7d-4e3b-9c1a-5d4e3f2a1b0c' });
    expect(booked.status).toBe(201);
    const read = await call('GET', `/v1/bookings/${booked.body.id}?minPosition=${booked.position}`);
    expect(read.body).toMatchObject({ id: booked.body.id, status: 'CONFIRMED' });
    const after = await call('POST', '/v1/availability/query', { ...query, minPosition: Number(booked.position) });
    expect((after.body.items as { start: string }[]).map((s) => s.start)).not.toContain(slot.start);
    await eventually(() => expect(received.some((m) => m.key === booked.body.id && m.headers.ce_type === 'kairos.booking.created.v1')).toBe(true), 30_000);
  });

  it('stops cleanly on SIGTERM, its thread included', async () => {
    const exited = once(service.process, 'exit');
    await service.stop();
    const [code] = await exited;
    expect(code).toBe(0);
  });
});
