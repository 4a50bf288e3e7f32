import { execFileSync } from 'node:child_process';
import { CONTRACT_TENANT, Offsets, RawMessage, messagesSince, report, runTenantPrefix } from './kafka-conformance';

/**
 * Every message the run's suites published to a contract topic, read back by the independent
 * consumer: one that does not conform fails the run. On a broker the run started, that is every
 * message written since the global setup but the publisher contract's made-up ones; on a broker
 * given by KAIROS_KAFKA_BROKERS, which other runs may write to, those of this run's harness apps.
 */
const checkPublishedMessages = async () => {
  const brokers = process.env.KAIROS_TEST_KAFKA_BROKERS;
  const since = process.env.KAIROS_TEST_KAFKA_OFFSETS;
  if (!brokers || !since) return;
  const shared = !!process.env.KAIROS_KAFKA_BROKERS;
  const tenantOf = (m: RawMessage) => m.headers.kairos_tenant ?? '';
  const ours = (m: RawMessage) => (shared ? tenantOf(m).startsWith(`${runTenantPrefix()}_`) : !tenantOf(m).startsWith(`${CONTRACT_TENANT}_`));
  const messages = (await messagesSince(brokers.split(','), JSON.parse(since) as Offsets)).filter(ours);
  const failures = report(messages);
  // eslint-disable-next-line no-console
  console.log(`kafka: ${messages.length} messages of this run checked against docs/events/, ${failures.length} not conforming`);
  if (failures.length > 0) throw new Error(`Kafka messages that do not conform to the contract:\n${failures.slice(0, 50).join('\n')}`);
};

export default async function globalTeardown(): Promise<void> {
  try {
    await checkPublishedMessages();
  } finally {
    // Only the servers this run started are stopped: a run without them, or on ones already running, leaves them be.
    if (process.env.KAIROS_TEST_KAFKA_STARTED === '1' && process.env.KAIROS_KEEP_KAFKA !== '1') {
      execFileSync('bash', ['scripts/kafka.sh', 'stop'], { cwd: `${__dirname}/..`, stdio: 'inherit' });
    }
    if (process.env.KAIROS_TEST_GREENMAIL_STARTED === '1') {
      execFileSync('bash', ['scripts/greenmail.sh', 'stop'], { cwd: `${__dirname}/..`, stdio: 'inherit' });
    }
    if (process.env.KAIROS_TEST_RADICALE_STARTED === '1') {
      execFileSync('bash', ['scripts/radicale.sh', 'stop'], { cwd: `${__dirname}/..`, stdio: 'inherit' });
    }
    if (process.env.KAIROS_TEST_MONGO_STARTED === '1') {
      execFileSync('bash', ['scripts/mongo.sh', 'stop'], { cwd: `${__dirname}/..`, stdio: 'inherit' });
    }
  }
}
