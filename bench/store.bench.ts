/**
 * Event store throughput and latency on the engine KAIROS_EVENT_STORE names (postgres by default):
 * batched appends, single appends from concurrent writers, and catch-up reads of the whole log.
 *
 * Every run works in a place of its own (a fresh schema, or a fresh PGlite folder) and removes it,
 * so runs neither see nor disturb each other. EventStoreDB has no such place: its streams are new
 * per run, but the catch-up reads whatever `$all` already holds.
 */
import { performance } from 'node:perf_hooks';
import { EventStore, ExpectedRevision } from '@kairos/event-store';
import { Row, meets, printReport } from './kit/report';
import { percentile } from './kit/stats';
import { bookingEvent, bookingStream } from './store/events';
import { engineFromEnv, openStore } from './store/engines';

const BATCHED_EVENTS = 100_000;
const BATCH_SIZE = 100;
const WRITERS = 16;
const APPENDS_PER_WRITER = 500;
const PAGE_SIZE = 5_000;
const BATCHED_TARGET = { atLeast: 20_000 };
const CATCH_UP_TARGET = { atLeast: 50_000 };

const appendBatched = async (store: EventStore) => {
  // Built up front so that the clock measures the store, not id generation.
  const batches = Array.from({ length: BATCHED_EVENTS / BATCH_SIZE }, (_, b) => ({
    streamId: bookingStream(),
    events: Array.from({ length: BATCH_SIZE }, (_, i) => bookingEvent(b * BATCH_SIZE + i)),
  }));
  const dataBytes = batches.flatMap((b) => b.events).reduce((sum, e) => sum + JSON.stringify(e.data).length, 0);
  const start = performance.now();
  for (const { streamId, events } of batches) await store.append([{ streamId, expectedRevision: 'noStream', events }]);
  const ms = performance.now() - start;
  return { eventsPerSec: (BATCHED_EVENTS / ms) * 1000, seconds: ms / 1000, avgDataBytes: dataBytes / BATCHED_EVENTS };
};

const appendSingleConcurrently = async (store: EventStore) => {
  const latencies: number[] = [];
  const writer = async () => {
    const streamId = bookingStream();
    let expected: ExpectedRevision = 'noStream';
    for (let i = 0; i < APPENDS_PER_WRITER; i++) {
      const event = bookingEvent(i);
      const start = performance.now();
      const { nextRevisions } = await store.append([{ streamId, expectedRevision: expected, events: [event] }]);
      latencies.push(performance.now() - start);
      expected = nextRevisions[0];
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: WRITERS }, writer));
  const ms = performance.now() - start;
  return {
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    opsPerSec: (latencies.length / ms) * 1000,
  };
};

const catchUpByPages = async (store: EventStore) => {
  let after: number | null = null;
  let events = 0;
  const start = performance.now();
  // Runs to an empty page rather than a short one: a short page only means the end on some engines.
  for (;;) {
    const page = await store.readAll({ after, limit: PAGE_SIZE });
    if (page.length === 0) break;
    events += page.length;
    after = page[page.length - 1].position;
  }
  const ms = performance.now() - start;
  if (after === null) throw new Error('the log is empty after appending');
  return { events, head: after, eventsPerSec: (events / ms) * 1000 };
};

const catchUpBySubscription = async (store: EventStore, head: number) => {
  let delivered = 0;
  let caughtUp!: () => void;
  let failed!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    caughtUp = resolve;
    failed = reject;
  });
  const start = performance.now();
  const subscription = store.subscribeAll({
    after: null,
    batchSize: PAGE_SIZE,
    onEvents: async (events) => {
      delivered += events.length;
      if (events[events.length - 1].position >= head) caughtUp();
    },
    // The subscription would retry quietly; a benchmark that hides failures measures nothing.
    onError: failed,
  });
  try {
    await done;
    return { events: delivered, eventsPerSec: (delivered / (performance.now() - start)) * 1000 };
  } finally {
    await subscription.stop();
  }
};

const main = async () => {
  const engine = engineFromEnv();
  // Each concurrent writer holds a connection for its whole append; fewer would measure pool queueing.
  const { store, close } = await openStore(engine, WRITERS + 2);
  const results = await (async () => {
    try {
      const batched = await appendBatched(store);
      const single = await appendSingleConcurrently(store);
      const pages = await catchUpByPages(store);
      const subscribed = await catchUpBySubscription(store, pages.head);
      return { batched, single, pages, subscribed };
    } finally {
      await close();
    }
  })();
  const { batched, single, pages, subscribed } = results;

  const rows: Row[] = [
    { metric: `append batched (${BATCH_SIZE}/append, 1 writer)`, value: batched.eventsPerSec, unit: 'events/s', target: BATCHED_TARGET },
    { metric: 'append batched wall time', value: batched.seconds, unit: 's' },
    { metric: `append single (${WRITERS} writers) p50`, value: single.p50Ms, unit: 'ms' },
    { metric: `append single (${WRITERS} writers) p99`, value: single.p99Ms, unit: 'ms' },
    { metric: `append single (${WRITERS} writers)`, value: single.opsPerSec, unit: 'appends/s' },
    { metric: `catch-up readAll (${PAGE_SIZE}/page)`, value: pages.eventsPerSec, unit: 'events/s', target: CATCH_UP_TARGET },
    { metric: `catch-up subscribeAll (${PAGE_SIZE}/batch)`, value: subscribed.eventsPerSec, unit: 'events/s' },
    { metric: 'events in the log', value: pages.events, unit: 'events' },
    { metric: 'event data size (mean)', value: batched.avgDataBytes, unit: 'bytes' },
  ];
  printReport(`event store benchmark: ${engine}`, rows, {
    engine,
    appendBatchedEventsPerSec: Math.round(batched.eventsPerSec),
    appendSingleP50Ms: Number(single.p50Ms.toFixed(3)),
    appendSingleP99Ms: Number(single.p99Ms.toFixed(3)),
    appendSingleOpsPerSec: Math.round(single.opsPerSec),
    catchUpEventsPerSec: Math.round(pages.eventsPerSec),
    subscribeCatchUpEventsPerSec: Math.round(subscribed.eventsPerSec),
    events: pages.events,
    appendBatchedTargetMet: meets(batched.eventsPerSec, BATCHED_TARGET),
    catchUpTargetMet: meets(pages.eventsPerSec, CATCH_UP_TARGET),
  });
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
