import { Consumer } from 'kafkajs';
import { describeWith, eventually, testServers, uniqueName } from '@kairos/testing';
import { EVENT_ROUTES } from '../apps/kairos/src/capabilities';
import { ConsumedMessage, buildForRunnerThread, consumeTopics, startApp } from './harness';

describeWith('PostgreSQL', testServers.postgresUrl(), 'single-site production setup: PostgreSQL + Kafka', () => {
  const kafkaBrokers = testServers.kafkaBrokers()?.split(',');
  let consumer: Consumer;
  const received: ConsumedMessage[] = [];

  buildForRunnerThread();
  beforeAll(async () => {
    if (!kafkaBrokers) throw new Error('this suite needs the Kafka broker the global setup starts (unset KAIROS_SKIP_KAFKA)');
    consumer = await consumeTopics(kafkaBrokers, [...EVENT_ROUTES.topics], (message) => void received.push(message));
  });
  afterAll(async () => consumer?.disconnect());

  it('publishes what the API writes to Kafka, in order per aggregate, with CloudEvents headers', async () => {
    const t = await startApp({ engine: 'postgres', postgresUrl: testServers.postgresUrl(), kafkaBrokers });
    try {
      const created = await t.http.post('/v1/resources').set('Kairos-Tenant', t.tenant).send({ type: 'STAFF', name: 'Ana' }).expect(201);
      const id = created.body.id as string;
      await t.http.patch(`/v1/resources/${id}`).set('Kairos-Tenant', t.tenant).send({ name: 'Ana Silva' }).expect(200);
      await t.http.patch(`/v1/resources/${id}`).set('Kairos-Tenant', t.tenant).send({ name: 'Ana S.' }).expect(200);
      await eventually(() => expect(received.filter((m) => m.key === id)).toHaveLength(3), 30_000);
      const mine = received.filter((m) => m.key === id);
      expect(mine.map((m) => m.headers.ce_type)).toEqual(['kairos.resource.created.v1', 'kairos.resource.updated.v1', 'kairos.resource.updated.v1']);
      expect(mine.map((m) => m.headers.kairos_revision)).toEqual(['1', '2', '3']);
      expect(mine[0]).toMatchObject({ topic: 'kairos.resources.v1', value: created.body, headers: { ce_source: '/kairos/resources', ce_subject: id, kairos_tenant: t.tenant } });
      expect(mine[2].value).toMatchObject({ changes: { name: 'Ana S.' }, previous: { name: 'Ana Silva' } });
      const schedule = received.find((m) => m.key === created.body.scheduleId);
      expect(schedule?.topic).toBe('kairos.scheduling.v1');

      const session = await t.http
        .post(`/v1/schedules/${created.body.scheduleId}/sessions`)
        .set('Kairos-Tenant', t.tenant)
        .send({ type: 'EVENT', localStart: '2026-05-04T10:00', localEnd: '2026-05-04T11:00', recurrence: 'FREQ=WEEKLY;COUNT=3' })
        .expect(201);
      const list = await t.http
        .get(`/v1/sessions?scheduleId=${created.body.scheduleId}&from=2026-05-01T00:00:00Z&to=2026-06-01T00:00:00Z&minPosition=${session.headers['kairos-position']}`)
        .set('Kairos-Tenant', t.tenant)
        .expect(200);
      await t.http.post(`/v1/sessions/${list.body.items[1].id}/cancel`).set('Kairos-Tenant', t.tenant).expect(200);
      await eventually(() => expect(received.filter((m) => m.key === session.body.id)).toHaveLength(2), 30_000);
      const [sessionCreated, instanceCanceled] = received.filter((m) => m.key === session.body.id);
      expect(sessionCreated).toMatchObject({ topic: 'kairos.scheduling.v1', headers: { ce_type: 'kairos.session.created.v1', ce_subject: session.body.id } });
      expect(instanceCanceled).toMatchObject({
        headers: { ce_type: 'kairos.session.canceled.v1', kairos_revision: '2' },
        value: { id: session.body.id, instanceId: list.body.items[1].id, canceledBookingIds: [] },
      });
    } finally {
      await t.close();
    }
  });

  it('runs roles in separate instances on one database, and the publisher resumes from its checkpoint', async () => {
    const schema = uniqueName('roles');
    const url = testServers.postgresUrl();
    const api = await startApp({ engine: 'postgres', postgresUrl: url, schema, roles: 'api' });
    const worker = await startApp({ engine: 'postgres', postgresUrl: url, schema, roles: 'projector,publisher', kafkaBrokers });
    try {
      const tenant = api.tenant;
      const first = await api.http.post('/v1/locations').set('Kairos-Tenant', tenant).send({ name: 'One', timeZone: 'Europe/Lisbon' }).expect(201);
      // The api instance projects nothing itself: the worker's projector answers the read.
      await api.http.get(`/v1/locations/${first.body.id}?minPosition=${first.headers['kairos-position']}`).set('Kairos-Tenant', tenant).expect(200);
      await eventually(() => expect(received.some((m) => m.key === first.body.id)).toBe(true), 30_000);

      await worker.close();
      const whileDown = await api.http.post('/v1/locations').set('Kairos-Tenant', tenant).send({ name: 'Two', timeZone: 'Europe/Lisbon' }).expect(201);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(received.some((m) => m.key === whileDown.body.id)).toBe(false);

      const restarted = await startApp({ engine: 'postgres', postgresUrl: url, schema, roles: 'projector,publisher', kafkaBrokers });
      try {
        await eventually(() => expect(received.some((m) => m.key === whileDown.body.id)).toBe(true), 30_000);
        expect(received.filter((m) => m.key === first.body.id)).toHaveLength(1);
      } finally {
        await restarted.close();
      }
    } finally {
      await api.close();
      await api.stores.eventStore.close();
      const { PgClient } = await import('@kairos/sql');
      const cleanup = new PgClient({ url: url! });
      await cleanup.query(`drop schema if exists ${schema} cascade`);
      await cleanup.close();
    }
  });
});
