import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '@kairos/testing';
import { cpuMsOf, processTreeCpuMs } from '../kit/cpu';
import { scratchDatabase } from '../kit/postgres';
import { Cleanup, ROOT } from '../kit/processes';
import { THREAD_CPU_LINE } from '../kit/thread-cpu-preload';

/** What the floor server printed, and the CPU it and PostgreSQL used over its load window. */
export interface FloorRun {
  bookingsPerSec: number;
  creates: number;
  requests: number;
  errors: number;
  p99Ms: number;
  /** The floor server without its load generator, and the whole PostgreSQL server, over the window. */
  cpuMs: { floor: number; postgres: number };
}

/** The reference server's path: BENCH_FLOOR, else beside the checkout (../shared/bench/floor.js). */
export const floorPath = () => resolve(ROOT, process.env.BENCH_FLOOR ?? join('..', 'shared', 'bench', 'floor.js'));

/**
 * The floor: a reference server outside this project that does only what a booking needs at the
 * database (node:http, pg, one INSERT into a table whose exclusion constraint refuses overlaps),
 * loaded by a worker thread of its own as this benchmark loads the app, on a scratch database of the
 * same PostgreSQL. Null when the file is not there.
 *
 * Its window is the one it announces on stderr ("[floor] load" … "[floor] loaded"); its load
 * generator's CPU is taken out of the process's by a preload that makes worker threads report
 * their own CPU as they post to their parent (kit/thread-cpu-preload).
 */
export const runFloor = async (
  options: { url: string; seconds: number; clients: number; poolSize: number; postmaster: number | null },
  cleanup: Cleanup,
  log: (message: string) => void,
): Promise<FloorRun | null> => {
  const path = floorPath();
  if (!existsSync(path)) {
    log(`no floor server at ${path} (set BENCH_FLOOR): skipping the floor`);
    return null;
  }
  const db = await scratchDatabase(options.url, 'kairos_floor', cleanup);
  try {
    const port = await freePort();
    log(`floor: ${path} on :${port}, database ${db.name}`);
    const child = spawn(process.execPath, ['--require', join(__dirname, '..', 'kit', 'thread-cpu-preload.js'), path], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_PATH: join(ROOT, 'node_modules'),
        FLOOR_DB: db.url,
        FLOOR_PORT: String(port),
        FLOOR_SECONDS: String(options.seconds),
        CLIENTS: String(options.clients),
        POOL: String(options.poolSize),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stopChild = cleanup.add('stop the floor server', async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const pid = child.pid!;
    const snapshot = () => ({ process: cpuMsOf(pid), postgres: options.postmaster === null ? NaN : processTreeCpuMs(options.postmaster) });
    const marks: { start?: ReturnType<typeof snapshot>; end?: ReturnType<typeof snapshot> } = {};
    // Each load thread's CPU as it said it was ready and as it said it was loaded.
    const generator = new Map<string, { ready?: number; loaded?: number }>();
    const stdout: string[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => stdout.push(line));
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const thread = THREAD_CPU_LINE.exec(line);
      if (thread) {
        const [, tid, ms, type] = thread;
        const at = generator.get(tid) ?? {};
        if (type === 'ready' || type === 'loaded') at[type] = Number(ms);
        generator.set(tid, at);
        return;
      }
      if (line.startsWith('[floor] load:')) marks.start = snapshot();
      else if (line.startsWith('[floor] loaded')) marks.end = snapshot();
      log(`floor: ${line}`);
    });
    const code = await new Promise<number | null>((resolveExit) => child.once('close', resolveExit));
    await stopChild();
    if (code !== 0) throw new Error(`the floor server exited with ${code}`);
    const out = JSON.parse(stdout[stdout.length - 1] ?? '') as { bookingsPerSec: number; creates: number; requests: number; errors: number; p99Ms: number };
    const loadMs = [...generator.values()].reduce((n, t) => n + ((t.loaded ?? NaN) - (t.ready ?? NaN)), 0);
    if (generator.size === 0) log('floor: its load thread did not report its CPU; the floor CPU is unknown');
    const window = (key: 'process' | 'postgres') => (marks.start && marks.end ? marks.end[key] - marks.start[key] : NaN);
    return {
      bookingsPerSec: out.bookingsPerSec,
      creates: out.creates,
      requests: out.requests,
      errors: out.errors,
      p99Ms: out.p99Ms,
      cpuMs: { floor: generator.size === 0 ? NaN : window('process') - loadMs, postgres: window('postgres') },
    };
  } finally {
    await db.drop();
  }
};
