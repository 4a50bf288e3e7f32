import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './postgres-cluster';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Builds the deployable once per test run: every suite that runs it as built would otherwise pay
 * for a build of its own. The global setup names the run (KAIROS_TEST_RUN); outside one, it builds.
 */
export const buildOnce = (): void => {
  const run = process.env.KAIROS_TEST_RUN;
  const marker = join(ROOT, 'dist', `.built-${run}`);
  if (run && existsSync(marker)) return;
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  if (run) writeFileSync(marker, '');
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The deployable as an operator runs it: `node dist/apps/kairos/src/main.js` with the given
 * environment (worker threads run JavaScript, so runners in their thread need the built app).
 */
export class BuiltService {
  output = '';
  private stopping = false;

  private constructor(
    readonly process: ChildProcess,
    readonly port: number,
  ) {
    process.stdout!.on('data', (chunk: Buffer) => void (this.output += chunk.toString()));
    process.stderr!.on('data', (chunk: Buffer) => void (this.output += chunk.toString()));
  }

  /**
   * Starts it and waits until `/health/ready` answers 200 (unless `waitUntilReady` is false); `port`
   * keeps the address of an earlier run.
   */
  static async start(env: Record<string, string | undefined>, { port, waitUntilReady = true }: { port?: number; waitUntilReady?: boolean } = {}): Promise<BuiltService> {
    buildOnce();
    const listen = port ?? (await freePort());
    const child = spawn(process.execPath, ['dist/apps/kairos/src/main.js'], {
      cwd: ROOT,
      env: { ...process.env, ...env, PORT: String(listen) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new BuiltService(child, listen);
    if (!waitUntilReady) return service;
    for (const deadline = Date.now() + 30_000; ; ) {
      if (!service.running) throw new Error(`the service exited while starting:\n${service.output.slice(-4000)}`);
      const ready = await fetch(`${service.base}/health/ready`).then((r) => r.status === 200, () => false);
      if (ready) return service;
      if (Date.now() > deadline) throw new Error(`the service was not ready within 30 s:\n${service.output.slice(-4000)}`);
      await sleep(100);
    }
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** False from the moment it is told to stop: its connections may break before its exit is heard. */
  get running(): boolean {
    return !this.stopping && this.process.exitCode === null && this.process.signalCode === null;
  }

  /** Sends `signal` (SIGTERM: a clean stop) and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.running) return;
    const exited = once(this.process, 'exit');
    this.stopping = true;
    this.process.kill(signal);
    await exited;
  }
}
