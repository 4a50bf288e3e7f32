import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { parentPid } from './cpu';
import { Cleanup, run } from './processes';

/** psql's and pgbench's connection options and environment for the server at `url`. */
export const commandLineConnection = (url: string) => {
  const u = new URL(url);
  return {
    env: { ...process.env, ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}) },
    args: ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')],
    database: u.pathname.slice(1) || 'postgres',
  };
};

/**
 * A database named `<prefix>_<random>` on the server at `url`, for a run that must not touch anyone
 * else's tables; `drop` (also a cleanup step) removes it, closing what is still connected.
 */
export const scratchDatabase = async (url: string, prefix: string, cleanup: Cleanup) => {
  const { env, args, database } = commandLineConnection(url);
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const psql = (sqlText: string) => run('psql', [...args, '-d', database, '-v', 'ON_ERROR_STOP=1', '-qc', sqlText], { env });
  await psql(`create database ${name}`);
  const drop = cleanup.add(`drop database ${name}`, () => psql(`drop database if exists ${name} with (force)`));
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  return { name, url: scratch.toString(), drop };
};

/** The pid of the server's postmaster (the parent of every backend), or null when the server runs on another machine. */
export const postmasterPid = async (url: string): Promise<number | null> => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    return parentPid(rows[0].pid);
  } finally {
    await client.end();
  }
};
