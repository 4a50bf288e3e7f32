import { performance } from 'node:perf_hooks';
import { RecordedEvent } from '@kairos/core';
import { SubscribeAllOptions, Subscription } from './event-store';

export interface PollingSource {
  read(after: number | null, limit: number): Promise<RecordedEvent[]>;
  /** Registers a callback fired when new events may be readable; returns how to unregister it. */
  onWake(wake: () => void): () => Promise<void>;
  /** Upper bound on the wait between reads when no wake-up arrives (a missed notification). */
  idlePollMs?: number;
}

/** Waits `ms`, or until the function handed to `endWith` is called. */
const sleep = (ms: number, endWith: (end: () => void) => void) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    endWith(() => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * A catch-up subscription over any log that can be read by position: read batches until empty,
 * then sleep until woken (or a fallback poll), forever. Batches are handed over one at a time, so
 * the consumer's pace is the subscription's pace and nothing is skipped or reordered.
 */
export const pollingSubscription = (options: SubscribeAllOptions & PollingSource): Subscription => {
  let stopped = false;
  let wakeUp: (() => void) | null = null;
  let woken = false;
  const wake = () => {
    woken = true;
    wakeUp?.();
  };
  const unregister = options.onWake(wake);
  const limit = options.batchSize ?? 500;
  const idle = options.idlePollMs ?? 1000;
  const pace = options.paceMs ?? 0;
  /** Ends a pause (between paced reads, or the back-off after a failure); unlike `wakeUp`, only stopping calls it. */
  let endPause: (() => void) | null = null;

  const loop = async () => {
    let after = options.after;
    let failures = 0;
    let lastRead = -Infinity;
    let behind = false;
    while (!stopped) {
      try {
        const early = lastRead + pace - performance.now();
        if (!behind && early > 0) {
          await sleep(early, (end) => (endPause = end));
          endPause = null;
        }
        if (stopped) break;
        const readAt = performance.now();
        woken = false;
        const events = await options.read(after, limit);
        if (stopped) break;
        behind = events.length === limit;
        // Paced from the last read that found something: after a quiet spell the next append goes at once.
        lastRead = events.length > 0 ? readAt : -Infinity;
        if (events.length > 0) {
          await options.onEvents(events);
          after = events[events.length - 1].position;
          failures = 0;
          if (behind) continue;
        }
        failures = 0;
        if (woken) continue;
        await sleep(idle, (end) => (wakeUp = end));
        wakeUp = null;
      } catch (error) {
        options.onError?.(error);
        failures++;
        // Back off on a failing store or consumer, then retry the same batch: at-least-once.
        if (!stopped) await sleep(Math.min(5000, 100 * 2 ** Math.min(failures, 6)), (end) => (endPause = end));
        endPause = null;
      }
    }
  };
  const running = loop();

  return {
    async stop() {
      stopped = true;
      wakeUp?.();
      endPause?.();
      await running;
      await unregister();
    },
  };
};
