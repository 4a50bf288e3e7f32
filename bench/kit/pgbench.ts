import { randomBytes } from 'node:crypto';
import { Cleanup, run } from './processes';

/**
 * `pgbench -b simple-update -c 50 -j 2` on a scratch database of the server at `url`: the yardstick
 * for what this PostgreSQL can do on this machine now. The database is dropped at the end.
 */
export const runPgbench = async (url: string, seconds: number, cleanup: Cleanup, log: (message: string) => void): Promise<{ tps: number; db: string }> => {
  const u = new URL(url);
  const env = { ...process.env, ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}) };
  const common = ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
  const adminDb = u.pathname.slice(1) || 'postgres';
  const db = `kairos_pgbench_${randomBytes(5).toString('hex')}`;
  const psql = (sqlText: string) => run('psql', [...common, '-d', adminDb, '-v', 'ON_ERROR_STOP=1', '-qc', sqlText], { env });
  await psql(`create database ${db}`);
  const drop = cleanup.add(`drop database ${db}`, () => psql(`drop database if exists ${db} with (force)`));
  try {
    log(`pgbench -i -s 10 ${db}`);
    await run('pgbench', [...common, '-i', '-s', '10', '-q', db], { env });
    log(`pgbench -b simple-update -c 50 -j 2 -T ${seconds}`);
    const out = await run('pgbench', [...common, '-b', 'simple-update', '-c', '50', '-j', '2', '-T', String(seconds), db], { env });
    const m = /tps = ([\d.]+)/.exec(out);
    if (!m) throw new Error(`no tps in pgbench output:\n${out}`);
    return { tps: Number(m[1]), db };
  } finally {
    await drop();
  }
};
