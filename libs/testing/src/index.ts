import { randomBytes } from 'node:crypto';
import { NewEvent, newId } from '@kairos/core';
import { PgClient, PgliteClient } from '@kairos/sql';

export * from './postgres-cluster';
export * from './kafka-broker';
export * from './built-service';
export * from './silentable-proxy';
export * from './decider-spec';
export * from './openapi-conformance';
export * from './conformance-log';

/** What the global setup starts for the MongoDB suites when no MongoDB is given (scripts/mongo.sh). */
export const MONGO_STAND_IN = 'mongo-java-server (a MongoDB wire-protocol stand-in)';

/**
 * Which real servers this test run reaches. The global setup decides once and records it in the
 * environment; suites for an engine that is not reachable are skipped with the reason printed,
 * and under KAIROS_REQUIRE the global setup fails instead, so CI cannot pass on a skipped suite.
 */
export const testServers = {
  postgresUrl: () => process.env.KAIROS_TEST_POSTGRES_URL,
  kafkaBrokers: () => process.env.KAIROS_TEST_KAFKA_BROKERS,
  eventStoreDbUrl: () => process.env.KAIROS_EVENTSTOREDB_URL,
  mongoUrl: () => process.env.KAIROS_TEST_MONGODB_URL,
  /** What answers at mongoUrl, for the names of its suites: the stand-in unless KAIROS_MONGODB_URL named a MongoDB. */
  mongoServer: () => (process.env.KAIROS_TEST_MONGODB_STAND_IN === '1' ? MONGO_STAND_IN : 'MongoDB'),
  /** The folder of `initdb` and `pg_ctl`, for suites that run a PostgreSQL cluster of their own (to stop it). */
  postgresBinaries: () => process.env.KAIROS_TEST_POSTGRES_BIN,
};

/** `describe` when the server is there, otherwise a skipped `describe` that says why. */
export const describeWith = (server: string, available: string | undefined, name: string, body: () => void) => {
  if (available) return describe(name, body);
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED ${name}: no ${server} reachable (see README, "Which engines ran here")`);
  return describe.skip(name, body);
};

export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;

/** A SQL client for one suite on an in-memory PGlite. */
export const scratchPglite = async () => {
  const client = await PgliteClient.open();
  return { client, dispose: () => client.close() };
};

/** A SQL client for one suite on the test PostgreSQL, in a schema of its own that `dispose` drops. */
export const scratchPostgres = async (prefix: string) => {
  const schema = uniqueName(prefix);
  const client = new PgClient({ url: testServers.postgresUrl()!, schema });
  return {
    client,
    dispose: async () => {
      await client.query(`drop schema ${schema} cascade`);
      await client.close();
    },
  };
};

/**
 * A database of its own on the test MongoDB (or its stand-in), that `dispose` drops. The driver is
 * loaded here only, so that suites that never reach MongoDB do not load it.
 */
export const scratchMongo = async (prefix: string) => {
  const { MongoClient } = await import('mongodb');
  const client = await MongoClient.connect(testServers.mongoUrl()!);
  const db = client.db(uniqueName(prefix));
  return {
    db,
    dispose: async () => {
      await db.dropDatabase();
      await client.close();
    },
  };
};

export const anEvent = (type = 'thing.happened', data: unknown = { n: 1 }, tenant = 't1'): NewEvent => ({
  id: newId(),
  type,
  schemaVersion: 1,
  data,
  metadata: { tenant, actor: { type: 'BUSINESS' }, occurredAt: new Date().toISOString(), correlationId: newId() },
});

export const eventually = async (check: () => Promise<void> | void, timeoutMs = 10_000, everyMs = 25): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }
};
