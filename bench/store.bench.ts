/**
 * Event store throughput and latency on the engine KAIROS_EVENT_STORE names (postgres by default):
 * batched appends, single appends from concurrent writers, and catch-up reads of the whole log.
 *
 * Every run works in a place of its own (a fresh schema, or a fresh PGlite folder) and removes it,
 * so runs neither see nor disturb each other. EventStoreDB has no such place: its streams are new
 * per run, but the catch-up reads whatever `$all` already holds.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NewEvent } from '@kairos/core';
import { EventStore, ExpectedRevision, SqlEventStore } from '@kairos/event-store';
import { PgClient, PgliteClient, ident } from '@kairos/sql';
import { Row, meets, percentile, printReport } from './report';

const BATCHED_EVENTS = 100_000;
const BATCH_SIZE = 100;
const WRITERS = 16;
const APPENDS_PER_WRITER = 500;
const PAGE_SIZE = 5_000;
const BATCHED_TARGET = { atLeast: 20_000 };
const CATCH_UP_TARGET = { atLeast: 50_000 };

const ENGINES = ['postgres', 'pglite', 'eventstoredb'] as const;
type Engine = (typeof ENGINES)[number];

interface OpenStore {
  store: EventStore;
  close(): Promise<void>;
}

const engineFromEnv = (): Engine => {
  const value = process.env.KAIROS_EVENT_STORE ?? 'postgres';
  const engine = ENGINES.find((e) => e === value);
  if (!engine) throw new Error(`KAIROS_EVENT_STORE must be one of ${ENGINES.join(', ')}, got ${value}`);
  return engine;
};

/** Starts the store with its cleanup already in hand, so a store that fails to start leaves nothing behind. */
const started = async (open: OpenStore, start: () => Promise<void>): Promise<OpenStore> => {
  try {
    await start();
    return open;
  } catch (error) {
    await open.close().catch(() => undefined);
    throw error;
  }
};

const openStore = async (engine: Engine): Promise<OpenStore> => {
  switch (engine) {
    case 'postgres': {
      const schema = `bench_${randomBytes(6).toString('hex')}`;
      const client = new PgClient({
        url: process.env.KAIROS_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
        schema,
        // Each concurrent writer holds a connection for its whole append; fewer would measure pool queueing.
        poolSize: WRITERS + 2,
      });
      const store = new SqlEventStore(client);
      const close = async () => {
        await store.close();
        try {
          await client.query(`drop schema if exists ${ident(schema)} cascade`);
        } finally {
          await client.close();
        }
      };
      return started({ store, close }, () => store.init());
    }
    case 'pglite': {
      const dir = await mkdtemp(join(tmpdir(), 'kairos-bench-'));
      const client = await PgliteClient.open(dir).catch(async (error: unknown) => {
        await rm(dir, { recursive: true, force: true });
        throw error;
      });
      const store = new SqlEventStore(client);
      const close = async () => {
        await store.close();
        try {
          await client.close();
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      };
      return started({ store, close }, () => store.init());
    }
    case 'eventstoredb': {
      const url = process.env.KAIROS_EVENTSTOREDB_URL;
      if (!url) throw new Error('KAIROS_EVENT_STORE=eventstoredb needs KAIROS_EVENTSTOREDB_URL');
      // Loaded only when chosen, as the app does, so the SQL runs never load the gRPC client.
      const { EventStoreDbEventStore } = await import('@kairos/event-store/eventstoredb/eventstoredb-event-store');
      const store = new EventStoreDbEventStore(url);
      return started({ store, close: () => store.close() }, () => store.ping());
    }
  }
};

const TENANT = 'bench';
const SERVICE_ID = randomUUID();
const SLOT_MS = 30 * 60_000;
const FIRST_SLOT = Date.UTC(2026, 0, 5, 9);

const bookingStream = () => `booking:${TENANT}:${randomUUID()}`;

/** Shaped like a booking request (ids, ISO instants, money), about 200 bytes of JSON. */
const bookingEvent = (slot: number): NewEvent => {
  const startsAt = FIRST_SLOT + slot * SLOT_MS;
  return {
    id: randomUUID(),
    type: 'booking.requested',
    schemaVersion: 1,
    data: {
      bookingId: randomUUID(),
      serviceId: SERVICE_ID,
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(startsAt + SLOT_MS).toISOString(),
      price: { amount: '45.00', currency: 'EUR' },
      status: 'PENDING',
    },
    metadata: {
      tenant: TENANT,
      actor: { type: 'CUSTOMER', id: randomUUID() },
      correlationId: randomUUID(),
      occurredAt: new Date().toISOString(),
    },
  };
};

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
  const { store, close } = await openStore(engine);
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
