import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const SCRIPT = join(__dirname, '..', '..', '..', 'scripts', 'kafka.sh');

export interface KafkaBroker {
  /** `host:port`, the same after `resume`. */
  readonly brokers: string;
  /** Stops the broker (SIGTERM, then SIGKILL after 10 s); its data stays for `resume`. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the data it had. */
  resume(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * A Kafka broker of the test's own (scripts/kafka.sh with its own state folder), so a test can stop
 * and resume it without touching the broker the other suites share.
 */
export const startKafkaBroker = async (): Promise<KafkaBroker> => {
  const state = mkdtempSync(join(tmpdir(), 'kairos-kafka-'));
  const kafka = async (command: string) =>
    (
      await exec('bash', [SCRIPT, command], {
        // Started and resumed while the suite waits: the client compiler alone halves the JVM's start.
        env: { ...process.env, KAIROS_KAFKA_STATE: state, KAIROS_KAFKA_JAVA_OPTS: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' },
      })
    ).stdout
      .trim()
      .split('\n')
      .pop()!;
  const brokers = await kafka('start');
  return {
    brokers,
    stop: async () => void (await kafka('stop')),
    resume: async () => void (await kafka('resume')),
    async dispose() {
      await kafka('stop').catch(() => undefined);
      rmSync(state, { recursive: true, force: true });
    },
  };
};
