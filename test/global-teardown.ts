import { execFileSync } from 'node:child_process';

export default async function globalTeardown(): Promise<void> {
  if (process.env.KAIROS_KAFKA_BROKERS || process.env.KAIROS_KEEP_KAFKA === '1') return;
  execFileSync('bash', ['scripts/kafka.sh', 'stop'], { cwd: `${__dirname}/..`, stdio: 'inherit' });
}
