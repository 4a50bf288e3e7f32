import { readFileSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector';

/** Idle and total CPU ticks of the whole machine so far (every core), from /proc/stat. */
export const systemCpu = () => {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3] + (fields[4] ?? 0);
  return { idle, total: fields.reduce((a, b) => a + b, 0) };
};

/** CPU ticks used so far by this process, by PostgreSQL (every client's backends) and by Java (the Kafka broker), from /proc. */
export const cpuByGroup = (): Record<string, number> => {
  const groups: Record<string, number> = { bench: 0, postgres: 0, java: 0 };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const group = Number(entry) === process.pid ? 'bench' : comm === 'postgres' ? 'postgres' : comm === 'java' ? 'java' : null;
    if (!group) continue;
    groups[group] += Number(fields[11]) + Number(fields[12]); // utime, stime
    // Backends that ended are in the postmaster's cutime and cstime (the app's pool replaces connections often).
    if (group === 'postgres') groups[group] += Number(fields[13]) + Number(fields[14]);
  }
  return groups;
};

/** The process's CPU time so far (user + system), in milliseconds. */
export const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * A V8 CPU profile of this thread over a stretch the benchmark chooses (open the file in Chrome
 * DevTools), unlike `node --cpu-prof`, which also takes in start-up, seeding and checks.
 */
export class CpuProfiler {
  private readonly session = new Session();

  constructor(private readonly samplingIntervalUs: number) {
    this.session.connect();
  }

  private post(method: string, params?: object): Promise<any> {
    return new Promise((resolve, reject) => this.session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
  }

  async start(): Promise<void> {
    await this.post('Profiler.enable');
    await this.post('Profiler.setSamplingInterval', { interval: this.samplingIntervalUs });
    await this.post('Profiler.start');
  }

  /** Writes the profile to `file` and ends the session. */
  async stop(file: string): Promise<void> {
    const { profile } = await this.post('Profiler.stop');
    this.session.disconnect();
    await writeFile(file, JSON.stringify(profile));
  }
}
