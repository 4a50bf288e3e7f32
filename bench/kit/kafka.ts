import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProcesses } from './cpu';
import { Cleanup, ROOT, run } from './processes';

/**
 * KAIROS_KAFKA_BROKERS, or a broker of the benchmark's own: scripts/kafka.sh with a state folder of
 * its own (KAIROS_KAFKA_STATE), so that other users of this checkout can neither stop it nor have
 * theirs stopped by it. Stopped and removed by `cleanup`.
 *
 * Not libs/testing's startKafkaBroker, for two reasons: that one finds scripts/ from its source
 * folder, which is not where the built benchmark runs, and it starts the JVM with the client
 * compiler only (a faster start for tests), which would make the measured Kafka lag the broker's
 * and not the app's.
 */
export const startKafka = async (cleanup: Cleanup, log: (message: string) => void): Promise<string[]> => {
  const given = process.env.KAIROS_KAFKA_BROKERS?.trim();
  if (given) return given.split(',').map((b) => b.trim());
  const state = await mkdtemp(join(tmpdir(), 'kairos-bench-kafka-'));
  cleanup.add(`remove ${state}`, () => rm(state, { recursive: true, force: true }));
  const script = join(ROOT, 'scripts', 'kafka.sh');
  const env = { ...process.env, KAIROS_KAFKA_STATE: state };
  log('starting Kafka with scripts/kafka.sh');
  cleanup.add('stop Kafka', () => run('bash', [script, 'stop'], { env, timeoutMs: 60_000 }));
  const out = await run('bash', [script, 'start'], { env, timeoutMs: 240_000 });
  const address = out.trim().split('\n').pop()!.trim();
  log(`Kafka at ${address}`);
  return [address];
};

/**
 * The pid of the scripts/kafka.sh broker (a JVM running kafka.Kafka) that listens on the first of
 * `brokers`, found by the server.properties on its command line; null when it is not on this machine.
 */
export const kafkaBrokerPid = (brokers: string[]): number | null => {
  const listener = `PLAINTEXT://${brokers[0]}`;
  const listens = (properties: string | undefined) => {
    try {
      return properties !== undefined && readFileSync(properties, 'utf8').split('\n').some((line) => line.startsWith('listeners=') && line.split(/[=,]/).includes(listener));
    } catch {
      return false;
    }
  };
  const [pid] = findProcesses((args) => args.includes('kafka.Kafka') && listens(args[args.indexOf('kafka.Kafka') + 1]));
  return pid ?? null;
};
