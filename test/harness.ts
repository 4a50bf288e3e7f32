import { INestApplication } from '@nestjs/common';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import request from 'supertest';
import { SqlEventStore } from '@kairos/event-store';
import { InProcessPublisher, KafkaPublisher, PublishedMessage, Publisher } from '@kairos/publisher';
import { SqlReadStore } from '@kairos/read-store';
import { PgClient, PgliteClient, SqlClient } from '@kairos/sql';
import { ConformanceLog, buildOnce, testServers, uniqueName } from '@kairos/testing';
import { createApp } from '../apps/kairos/src/bootstrap';
import { EVENT_ROUTES } from '../apps/kairos/src/capabilities';
import { KairosConfig, loadConfig } from '../apps/kairos/src/config/config';
import { Stores, runnerLeases, withReadCache, withSealing } from '../apps/kairos/src/infrastructure/stores';
import { runTenantPrefix } from './kafka-conformance';

export interface TestApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  tenant: string;
  stores: Stores;
  /** The SQL engine under the stores, for checks the ports do not offer. */
  sql: SqlClient;
  /** Messages the in-process publisher delivered (empty with Kafka). */
  published: PublishedMessage[];
  close(): Promise<void>;
}

export interface TestAppOptions {
  engine: 'pglite' | 'postgres';
  postgresUrl?: string;
  /** Share the schema of another instance: several app instances on one database. */
  schema?: string;
  kafkaBrokers?: string[];
  roles?: string;
  clock?: () => Date;
  /** Settings the environment would give (e.g. a tiny availability budget). */
  config?: Partial<KairosConfig>;
}

/** Long enough for `npm run build` on a busy machine. */
const BUILD_TIMEOUT_MS = 240_000;

/**
 * For a suite whose apps run on PostgreSQL: their runners follow the log in the worker thread, which
 * runs the built app. The build (once per test run) takes longer than an ordinary hook may, so it
 * gets a hook of its own, before the suite's.
 */
export const buildForRunnerThread = () => beforeAll(buildOnce, BUILD_TIMEOUT_MS);

/**
 * For a suite racing two instances of the app on one fresh PostgreSQL schema, as two processes of one
 * deployment: the first runs every role (and publishes to `kafkaBrokers`, if given), the second
 * serves requests only; both act for the first's tenant. The schema is dropped after the suite.
 */
export const twoInstances = (prefix: string, options: Pick<TestAppOptions, 'clock' | 'kafkaBrokers' | 'config'> = {}) => {
  const url = testServers.postgresUrl()!;
  const schema = uniqueName(prefix);
  const apps: { a?: TestApp; b?: TestApp } = {};
  buildForRunnerThread();
  beforeAll(async () => {
    apps.a = await startApp({ ...options, engine: 'postgres', postgresUrl: url, schema });
    apps.b = await startApp({ engine: 'postgres', postgresUrl: url, schema, clock: options.clock, config: options.config, roles: 'api' });
    apps.b.tenant = apps.a.tenant;
  });
  afterAll(async () => {
    await apps.b?.close();
    await apps.a?.close();
    const cleanup = new PgClient({ url });
    await cleanup.query(`drop schema if exists ${schema} cascade`);
    await cleanup.close();
  });
  return { a: () => apps.a!, b: () => apps.b! };
};

/** The real app on real engines: in-memory PGlite, or a fresh schema on the local PostgreSQL. */
export const startApp = async (options: TestAppOptions): Promise<TestApp> => {
  let sql: SqlClient;
  let schema: string | undefined;
  if (options.engine === 'pglite') {
    sql = await PgliteClient.open();
  } else {
    schema = options.schema ?? uniqueName('e2e');
    sql = new PgClient({ url: options.postgresUrl!, schema });
  }
  const eventStore = new SqlEventStore(sql);
  await eventStore.init();
  const inProcess = new InProcessPublisher();
  const published: PublishedMessage[] = [];
  inProcess.subscribe((m) => void published.push(m));
  const publisher: Publisher = options.kafkaBrokers ? new KafkaPublisher({ brokers: options.kafkaBrokers, topics: EVENT_ROUTES.topics }) : inProcess;
  // Read as production reads its environment, so every default follows the engines as it would
  // there: on PostgreSQL, the runners follow the log in their worker thread.
  const config: KairosConfig = {
    ...loadConfig({
      KAIROS_EVENT_STORE: options.engine,
      KAIROS_READ_STORE: options.engine,
      KAIROS_POSTGRES_URL: options.postgresUrl,
      KAIROS_POSTGRES_SCHEMA: schema,
      KAIROS_PUBLISHER: options.kafkaBrokers ? 'kafka' : 'inprocess',
      KAIROS_KAFKA_BROKERS: options.kafkaBrokers?.join(','),
      KAIROS_ROLES: options.roles,
    }),
    ...options.config,
  };
  // The worker thread runs the built app (already built when the suite called buildForRunnerThread).
  if (config.runners === 'worker') buildOnce();
  const readStore = new SqlReadStore(sql);
  const leases = await runnerLeases(config, readStore);
  const stores: Stores = {
    eventStore: withSealing(eventStore, readStore),
    readStore: withReadCache(readStore, config),
    publisher,
    leases,
    close: async () => {
      await leases.close();
      await publisher.close();
      if (schema && !options.schema) await sql.query(`drop schema ${schema} cascade`).catch(() => undefined);
      await sql.close();
    },
  };
  const app = await createApp(config, stores, { clock: options.clock });
  await app.init();
  // Named for the run, so the global teardown finds this app's Kafka messages on a shared broker.
  const tenant = uniqueName(runTenantPrefix());
  // Every answer the app sends, whoever asked (supertest, a fuzzer's fetch), is checked once the suite is done.
  const conformance = new ConformanceLog();
  conformance.useDocument((await request(app.getHttpServer()).get('/docs-json')).body as Record<string, unknown>);
  conformance.recordServer(app.getHttpServer());
  return {
    app,
    http: request(app.getHttpServer()),
    tenant,
    stores,
    sql,
    published,
    async close() {
      await app.close();
      await stores.close();
    },
  };
};

export interface ConsumedMessage {
  topic: string;
  key: string;
  headers: Record<string, string>;
  value: Record<string, unknown>;
}

/** A consumer of the service's topics from the beginning, creating them first on a fresh broker. */
export const consumeTopics = async (brokers: string[], topics: string[], onMessage: (message: ConsumedMessage) => void): Promise<Consumer> => {
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  await admin.createTopics({ waitForLeaders: true, topics: topics.filter((t) => !existing.has(t)).map((topic) => ({ topic, numPartitions: 3 })) });
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: uniqueName('consumer') });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) =>
      onMessage({
        topic,
        key: message.key?.toString() ?? '',
        headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        value: JSON.parse(message.value?.toString() ?? 'null') as Record<string, unknown>,
      }),
  });
  return consumer;
};
