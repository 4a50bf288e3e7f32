import { ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { freePort } from '@kairos/testing';
import { Answer, HttpClient } from './http-client';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The built service (`node <main>`) on a data folder, as an operator runs it, watched from outside:
 * whether it died under a query (and then started again), and its peak resident memory.
 *
 * Not libs/testing's BuiltService: this one runs any build it is given (an older one, to compare),
 * starts again after a death, and reads the server's memory from /proc.
 */
export class ServiceProcess {
  private child!: ChildProcess;
  private exited = false;
  client!: HttpClient;
  deaths = 0;

  constructor(
    private readonly main: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly tenant: string,
    private readonly timeoutMs: number,
    private readonly log: (message: string) => void,
  ) {}

  get port(): number {
    return this.client.port;
  }

  /** The server's process id, for reading its CPU time and memory from /proc. */
  get pid(): number {
    return this.child.pid!;
  }

  /** Starts it and waits (up to 60 s) until /health/live answers. */
  async start(): Promise<void> {
    this.client?.close();
    this.client = new HttpClient(await freePort(), { tenant: this.tenant, maxSockets: 64, timeoutMs: this.timeoutMs });
    this.exited = false;
    this.child = spawn(process.execPath, [this.main], {
      env: { ...process.env, ...this.env, PORT: String(this.port), KAIROS_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[server] ${chunk.toString().slice(0, 400)}`));
    this.child.once('exit', (code, signal) => {
      this.exited = true;
      this.log(`server exited (code ${code}, signal ${signal})`);
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (this.exited) throw new Error('the server exited while starting');
      const res = await this.call('GET', '/health/live');
      if (res.status === 200) return;
      if (Date.now() > deadline) throw new Error('the server did not start within 60 s');
      await sleep(200);
    }
  }

  /** After a query that may have killed it: start it again if so. */
  async survived(): Promise<boolean> {
    // An exit takes a moment to be noticed after the socket broke.
    await sleep(300);
    if (!this.exited) return true;
    this.deaths++;
    await this.start();
    return false;
  }

  /** Peak resident memory since the last reset (Linux), in MiB; then resets it. */
  async peakRssMiB(): Promise<number> {
    try {
      const status = await readFile(`/proc/${this.child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
      await this.resetPeak();
      return kb / 1024;
    } catch {
      return NaN;
    }
  }

  async resetPeak(): Promise<void> {
    await writeFile(`/proc/${this.child.pid}/clear_refs`, '5').catch(() => undefined);
  }

  /** Status 0 when no answer came (the server died or stalled past the timeout). */
  call(method: string, path: string, body?: unknown): Promise<Answer> {
    return answerOrNone(this.client, method, path, body);
  }

  async ok(method: string, path: string, body?: unknown): Promise<any> {
    return (await this.client.ok(method, path, body)).body;
  }

  async stop(): Promise<void> {
    this.client?.close();
    if (this.exited || !this.child) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

/** The answer, or status 0 when none came: for probes that count failures rather than stop at one. */
export const answerOrNone = async (client: HttpClient, method: string, path: string, body?: unknown): Promise<Answer> => {
  const begin = performance.now();
  return client.call(method, path, body).catch(() => ({ status: 0, body: null, position: null, text: '', ms: performance.now() - begin }));
};
