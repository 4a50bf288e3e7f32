import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/**
 * CPU time of given processes and threads, from /proc, in milliseconds: for costs per request that
 * take in every server a request passes through, which process.cpuUsage() (this process only) and
 * the machine's /proc/stat (everyone's work) cannot tell.
 */

let msPerTick: number | undefined;
/** /proc counts CPU in clock ticks (CLK_TCK, usually 100 a second). */
const tickMs = (): number => (msPerTick ??= 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()));

/** The fields of a /proc stat line after the command name (which may hold spaces), or null when it is gone. */
const statFields = (path: string): string[] | null => {
  try {
    const stat = readFileSync(path, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
};

// Indices into statFields (proc(5) numbers them from 1, with pid and comm first).
const PPID = 1;
const UTIME = 11;
const CUTIME = 13;

/** User + system CPU of a process (every thread) or, with a tid, of one thread; NaN when it is gone. */
export const cpuMsOf = (pid: number, tid?: number): number => {
  const f = statFields(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`);
  return f ? (Number(f[UTIME]) + Number(f[UTIME + 1])) * tickMs() : NaN;
};

/** CPU that a process's ended children used, once it reaped them (cutime + cstime): a child process's whole CPU, read after it exits. */
export const reapedChildrenCpuMs = (pid: number): number => {
  const f = statFields(`/proc/${pid}/stat`);
  return f ? (Number(f[CUTIME]) + Number(f[CUTIME + 1])) * tickMs() : NaN;
};

/** The OS thread id of the calling thread (a worker thread's differs from its process's pid). */
export const currentThreadId = (): number => Number(readlinkSync('/proc/thread-self').split('/').pop());

/** Every thread of a process and its CPU so far. */
export const threadsCpuMs = (pid: number): Map<number, number> => {
  const threads = new Map<number, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    const ms = cpuMsOf(pid, Number(tid));
    if (!Number.isNaN(ms)) threads.set(Number(tid), ms);
  }
  return threads;
};

/**
 * CPU of a server made of a parent and the children it forks (PostgreSQL's postmaster and its
 * backends and workers): the parent's own, its live children's, and what children that ended have
 * used (the parent's cutime and cstime once it has reaped them), so that a connection closed during
 * a measurement still counts.
 */
export const processTreeCpuMs = (parentPid: number): number => {
  const parent = statFields(`/proc/${parentPid}/stat`);
  if (!parent) return NaN;
  let ticks = Number(parent[UTIME]) + Number(parent[UTIME + 1]) + Number(parent[CUTIME]) + Number(parent[CUTIME + 1]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === parentPid) continue;
    const f = statFields(`/proc/${entry}/stat`);
    if (f && Number(f[PPID]) === parentPid) ticks += Number(f[UTIME]) + Number(f[UTIME + 1]);
  }
  return ticks * tickMs();
};

/** The parent of a process, or null when it is not on this machine. */
export const parentPid = (pid: number): number | null => {
  const f = statFields(`/proc/${pid}/stat`);
  return f ? Number(f[PPID]) : null;
};

/** A process's command line arguments, or [] when it is gone or not ours to read. */
export const commandLine = (pid: number): string[] => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
};

/** The pids of the processes on this machine whose command line passes `test`. */
export const findProcesses = (test: (args: string[]) => boolean): number[] =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => test(commandLine(pid)));
