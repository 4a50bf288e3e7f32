import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { postgresBinaries } from '../libs/testing/src/postgres-cluster';
import { endOffsets } from './kafka-conformance';

/**
 * Finds the real servers the integration suites run against: the local PostgreSQL, a Kafka broker
 * started from its Maven Central jars by scripts/kafka.sh, and a GreenMail mail server (SMTP, IMAP
 * and its HTTP API) started the same way by scripts/greenmail.sh, and a Radicale CalDAV server (Debian's
 * package) started by scripts/radicale.sh, and for the MongoDB read store the MongoDB at
 * KAIROS_MONGODB_URL or, without one, mongo-java-server (a wire-protocol stand-in, not MongoDB)
 * started by scripts/mongo.sh. KAIROS_REQUIRE lists servers that must be reachable (CI sets
 * postgres,kafka,greenmail,radicale,mongodb): missing one fails the run instead of skipping.
 */
export default async function globalSetup(): Promise<void> {
  // Suites that run the built service build it once per run (libs/testing BuiltService).
  process.env.KAIROS_TEST_RUN = randomUUID();
  const required = new Set((process.env.KAIROS_REQUIRE ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  const problems: string[] = [];

  const pgUrl = process.env.KAIROS_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const pg = new Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  try {
    await pg.connect();
    await pg.query('select 1');
    process.env.KAIROS_TEST_POSTGRES_URL = pgUrl;
  } catch (error) {
    problems.push(`postgres: ${pgUrl} unreachable: ${(error as Error).message}`);
  } finally {
    await pg.end().catch(() => undefined);
  }

  // Outage suites stop and start a cluster of their own, from the machine's server programs.
  const bin = postgresBinaries();
  if (bin) process.env.KAIROS_TEST_POSTGRES_BIN = bin;
  else problems.push('postgres: no initdb and pg_ctl found (set KAIROS_POSTGRES_BIN to their folder)');

  if (process.env.KAIROS_KAFKA_BROKERS) {
    process.env.KAIROS_TEST_KAFKA_BROKERS = process.env.KAIROS_KAFKA_BROKERS;
  } else if (process.env.KAIROS_SKIP_KAFKA !== '1') {
    try {
      // A broker this checkout already runs is someone else's (another run, a developer's): it is used, and left running.
      const running = spawnSync('bash', ['scripts/kafka.sh', 'status'], { cwd: `${__dirname}/..`, stdio: 'ignore' }).status === 0;
      const out = execFileSync('bash', ['scripts/kafka.sh', 'start'], { cwd: `${__dirname}/..`, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      process.env.KAIROS_TEST_KAFKA_BROKERS = out.trim().split('\n').pop();
      if (!running) process.env.KAIROS_TEST_KAFKA_STARTED = '1';
    } catch (error) {
      problems.push(`kafka: scripts/kafka.sh start failed: ${(error as Error).message}`);
    }
  }

  // Where every contract topic stood before the run: the global teardown checks each message written since.
  const brokers = process.env.KAIROS_TEST_KAFKA_BROKERS;
  if (brokers) {
    try {
      process.env.KAIROS_TEST_KAFKA_OFFSETS = JSON.stringify(await endOffsets(brokers.split(',')));
    } catch (error) {
      problems.push(`kafka: ${brokers} unreachable: ${(error as Error).message}`);
    }
  }

  if (process.env.KAIROS_SKIP_GREENMAIL !== '1' || required.has('greenmail')) {
    try {
      // Like the broker: a GreenMail this checkout already runs is used and left running.
      const running = spawnSync('bash', ['scripts/greenmail.sh', 'status'], { cwd: `${__dirname}/..`, stdio: 'ignore' }).status === 0;
      const out = execFileSync('bash', ['scripts/greenmail.sh', 'start'], { cwd: `${__dirname}/..`, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      const address = Object.fromEntries(out.trim().split('\n').map((line) => line.split('=', 2) as [string, string]));
      process.env.KAIROS_TEST_SMTP_URL = address.SMTP;
      process.env.KAIROS_TEST_IMAP_URL = address.IMAP;
      process.env.KAIROS_TEST_GREENMAIL_API = address.API;
      if (!running) process.env.KAIROS_TEST_GREENMAIL_STARTED = '1';
    } catch (error) {
      problems.push(`greenmail: scripts/greenmail.sh start failed: ${(error as Error).message}`);
    }
  }

  if (process.env.KAIROS_SKIP_RADICALE !== '1' || required.has('radicale')) {
    try {
      // Like the broker: a Radicale this checkout already runs is used and left running.
      const running = spawnSync('bash', ['scripts/radicale.sh', 'status'], { cwd: `${__dirname}/..`, stdio: 'ignore' }).status === 0;
      const out = execFileSync('bash', ['scripts/radicale.sh', 'start'], { cwd: `${__dirname}/..`, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      process.env.KAIROS_TEST_CALDAV_URL = out.trim().split('\n').pop();
      if (!running) process.env.KAIROS_TEST_RADICALE_STARTED = '1';
    } catch (error) {
      problems.push(`radicale: scripts/radicale.sh start failed: ${(error as Error).message}`);
    }
  }

  // A real MongoDB when one is given; otherwise the stand-in, whose suites say in their names that it ran.
  let mongoUrl = process.env.KAIROS_MONGODB_URL;
  let mongoServer = 'the MongoDB at KAIROS_MONGODB_URL';
  if (!mongoUrl && (process.env.KAIROS_SKIP_MONGODB !== '1' || required.has('mongodb'))) {
    try {
      // Like the broker: a stand-in this checkout already runs is used and left running.
      const running = spawnSync('bash', ['scripts/mongo.sh', 'status'], { cwd: `${__dirname}/..`, stdio: 'ignore' }).status === 0;
      const out = execFileSync('bash', ['scripts/mongo.sh', 'start'], { cwd: `${__dirname}/..`, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      mongoUrl = out.trim().split('\n').pop();
      mongoServer = 'mongo-java-server, a wire-protocol stand-in started by scripts/mongo.sh,';
      process.env.KAIROS_TEST_MONGODB_STAND_IN = '1';
      if (!running) process.env.KAIROS_TEST_MONGO_STARTED = '1';
    } catch (error) {
      problems.push(`mongodb: scripts/mongo.sh start failed: ${(error as Error).message}`);
    }
  }
  if (mongoUrl) {
    const mongo = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 3000 });
    try {
      await mongo.db('admin').command({ ping: 1 });
      process.env.KAIROS_TEST_MONGODB_URL = mongoUrl;
      // eslint-disable-next-line no-console
      console.log(`integration: the MongoDB suites run on ${mongoServer} at ${mongoUrl}`);
    } catch (error) {
      problems.push(`mongodb: ${mongoUrl} unreachable: ${(error as Error).message}`);
    } finally {
      await mongo.close().catch(() => undefined);
    }
  }

  for (const problem of problems) {
    const server = problem.split(':')[0];
    if (required.has(server)) throw new Error(`required server missing (KAIROS_REQUIRE=${[...required].join(',')}): ${problem}`);
    // eslint-disable-next-line no-console
    console.warn(`integration: ${problem}; its suites are skipped`);
  }
  for (const server of required) {
    if (!['postgres', 'kafka', 'greenmail', 'radicale', 'eventstoredb', 'mongodb'].includes(server)) throw new Error(`KAIROS_REQUIRE names unknown server ${server}`);
  }
  if (required.has('eventstoredb') && !process.env.KAIROS_EVENTSTOREDB_URL) throw new Error('KAIROS_REQUIRE has eventstoredb but KAIROS_EVENTSTOREDB_URL is unset');
}
