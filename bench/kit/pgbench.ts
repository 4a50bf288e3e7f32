import { commandLineConnection, scratchDatabase } from './postgres';
import { Cleanup, run } from './processes';

/**
 * `pgbench -b simple-update -c 50 -j 2` on a scratch database of the server at `url`: the yardstick
 * for what this PostgreSQL can do on this machine now. The database is dropped at the end.
 */
export const runPgbench = async (url: string, seconds: number, cleanup: Cleanup, log: (message: string) => void): Promise<{ tps: number; db: string }> => {
  const { env, args } = commandLineConnection(url);
  const { name: db, drop } = await scratchDatabase(url, 'kairos_pgbench', cleanup);
  try {
    log(`pgbench -i -s 10 ${db}`);
    await run('pgbench', [...args, '-i', '-s', '10', '-q', db], { env });
    log(`pgbench -b simple-update -c 50 -j 2 -T ${seconds}`);
    const out = await run('pgbench', [...args, '-b', 'simple-update', '-c', '50', '-j', '2', '-T', String(seconds), db], { env });
    const m = /tps = ([\d.]+)/.exec(out);
    if (!m) throw new Error(`no tps in pgbench output:\n${out}`);
    return { tps: Number(m[1]), db };
  } finally {
    await drop();
  }
};
