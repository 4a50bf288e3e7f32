import { execFile, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** A port nobody listens on right now, for a server the test starts itself. */
export const freePort = async (): Promise<number> => {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
};

const hasServerTools = (dir: string) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));

/**
 * The folder of the machine's PostgreSQL server programs (`initdb`, `pg_ctl`): KAIROS_POSTGRES_BIN,
 * else the newest `/usr/lib/postgresql/<major>/bin` (Debian keeps them off the PATH), else `pg_config --bindir`.
 */
export const postgresBinaries = (): string | undefined => {
  const candidates: string[] = [];
  if (process.env.KAIROS_POSTGRES_BIN) candidates.push(process.env.KAIROS_POSTGRES_BIN);
  if (existsSync('/usr/lib/postgresql')) {
    const majors = readdirSync('/usr/lib/postgresql').filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...majors.map((major) => `/usr/lib/postgresql/${major}/bin`));
  }
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    // no pg_config on the PATH: the candidates above are all there is
  }
  return candidates.find(hasServerTools);
};

export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`, trust authentication. */
  readonly url: string;
  readonly port: number;
  /** `pg_ctl stop`: `immediate` kills every backend at once (a crash, recovered at the next start); `fast` ends sessions with 57P01. */
  stop(mode: 'immediate' | 'fast'): Promise<void>;
  /** Starts it again on the same port and data, and waits until it accepts connections. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  dispose(): Promise<void>;
}

/**
 * A PostgreSQL cluster of the test's own, on a free port with its data in a temporary folder, so a
 * test can stop and start it (an outage) without touching anybody else's server. PostgreSQL refuses
 * to run as root, so under root its programs run as the `postgres` OS user, who owns the folder.
 */
export const startPostgresCluster = async (bin = postgresBinaries()): Promise<PostgresCluster> => {
  if (!bin) throw new Error('no PostgreSQL server programs (initdb, pg_ctl) found; set KAIROS_POSTGRES_BIN to their folder');
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'kairos-pg-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const tool = (name: string, args: string[]) =>
    asRoot ? exec('runuser', ['-u', 'postgres', '--', join(bin, name), ...args]) : exec(join(bin, name), args);
  const port = await freePort();
  await tool('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir}`;
  const start = async () => {
    await tool('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
  };
  const stop = async (mode: 'immediate' | 'fast') => {
    await tool('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start,
    async dispose() {
      await stop('immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
