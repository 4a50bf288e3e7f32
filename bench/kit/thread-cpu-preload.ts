import { isMainThread, parentPort } from 'node:worker_threads';
import { cpuMsOf, currentThreadId } from './cpu';

/**
 * `node --require` this into a process that runs its load generator in a worker thread, to take the
 * generator's CPU out of the server's: each worker thread writes its own CPU so far to stderr as it
 * posts a message to its parent, as `[thread-cpu] <tid> <ms> <message type>`. Read on the thread
 * itself, at the moment of the message, because the thread may end right after it.
 */
export const THREAD_CPU_LINE = /^\[thread-cpu\] (\d+) ([\d.]+) (\S+)$/;

if (!isMainThread && parentPort) {
  const port = parentPort;
  const tid = currentThreadId();
  const post = port.postMessage.bind(port);
  port.postMessage = (message: unknown, transfer?: readonly import('node:worker_threads').TransferListItem[]) => {
    const type = (message as { type?: unknown } | null)?.type ?? typeof message;
    process.stderr.write(`[thread-cpu] ${tid} ${cpuMsOf(process.pid, tid).toFixed(1)} ${String(type)}\n`);
    post(message, transfer);
  };
}
