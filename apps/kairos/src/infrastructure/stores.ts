import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CachedKeyVault, EventStore, ReadStoreKeyVault, SealingEventStore, SealingRules, SqlEventStore, Upcasters, withUpcasting } from '@kairos/event-store';
import { LEASES, RunnerLeases, leaseDocuments, soleLeases } from '@kairos/projections';
import { InProcessPublisher, KafkaPublisher, Publisher } from '@kairos/publisher';
import { CachingReadStore, ReadStore, SqlReadStore } from '@kairos/read-store';
import { PgClient, PgSessionLocks, PgliteClient, SqlClient } from '@kairos/sql';
import { CAPABILITIES, EVENT_ROUTES, TIMER_SOURCES } from '../capabilities';
import { KairosConfig } from '../config/config';
import { UPCASTERS } from '../events/upcasters';
import { KEY_RECORD_PERSONAL_DATA } from '../http/idempotency';
import { collectionOwners } from './projections';

export interface Stores {
  eventStore: EventStore;
  readStore: ReadStore;
  publisher: Publisher;
  /** Which process runs each runner, among those sharing the database. */
  leases: RunnerLeases;
  close(): Promise<void>;
}

/**
 * Only a process whose runners write the read models hears of every change (RunnerReports, which
 * Runtime delivers), which is what keeps the cache exact; even there it serves only the
 * projections whose runner leads in this process. Timer collections pass through: the durable
 * timer asks for those due before a new instant every second.
 */
export const withReadCache = (readStore: ReadStore, config: Pick<KairosConfig, 'roles' | 'readCacheEntries'>): ReadStore =>
  config.roles.includes('projector') && config.readCacheEntries > 0
    ? new CachingReadStore(readStore, { owners: collectionOwners(), maxEntries: config.readCacheEntries, passThrough: new Set(TIMER_SOURCES.map((source) => source.collection)) })
    : readStore;

/** Every capability's personal data and erasures, and the answers recorded with idempotency keys. */
export const SEALING_RULES: SealingRules = {
  personalData: [...CAPABILITIES.flatMap((capability) => capability.personalData ?? []), KEY_RECORD_PERSONAL_DATA],
  erasures: CAPABILITIES.flatMap((capability) => capability.erasures ?? []),
};

/**
 * The log as every engine writes and reads it here: people's data sealed with their own keys, kept
 * in the read store (given without its read cache: keys are no read model) and in this process's
 * memory for a short while (CachedKeyVault).
 */
export const withSealing = (eventStore: EventStore, readStore: ReadStore, rules: SealingRules = SEALING_RULES): EventStore =>
  new SealingEventStore(eventStore, new CachedKeyVault(new ReadStoreKeyVault(readStore)), rules);

/**
 * One leader per runner among the processes sharing a database: PostgreSQL's session locks when
 * PostgreSQL holds either store (a dead leader's lock goes with its connection), lease documents
 * in the read store otherwise (MongoDB), none on PGlite, which one process owns.
 */
export const runnerLeases = async (config: Pick<KairosConfig, 'eventStore' | 'readStore' | 'postgresUrl' | 'postgresSchema'>, readStore: ReadStore): Promise<RunnerLeases> => {
  if (config.eventStore === 'pglite') return soleLeases();
  if (config.eventStore === 'postgres' || config.readStore === 'postgres') return new PgSessionLocks({ url: config.postgresUrl!, schema: config.postgresSchema });
  await readStore.ensureCollections([LEASES]);
  return leaseDocuments(readStore);
};

/**
 * Opens the engines the configuration names. The adapters for EventStoreDB and MongoDB are loaded
 * only when chosen, so the embedded default does not pay for their clients at start-up.
 */
export const openStores = async (config: KairosConfig, { poolSize = 20, upcasters = UPCASTERS }: { poolSize?: number; upcasters?: Upcasters } = {}): Promise<Stores> => {
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers) await close().catch(() => undefined);
  };
  // Opening can fail half way (a store out of reach): what was opened is closed, so a caller may simply try again.
  try {
    let sql: SqlClient | undefined;
    if (config.eventStore === 'pglite') {
      const dir = join(config.dataDir, 'pglite');
      mkdirSync(dir, { recursive: true });
      const pglite = await PgliteClient.open(dir);
      sql = pglite;
      closers.push(() => pglite.close());
    } else if (config.eventStore === 'postgres' || config.readStore === 'postgres') {
      const pg = new PgClient({ url: config.postgresUrl!, schema: config.postgresSchema, poolSize });
      sql = pg;
      closers.push(() => pg.close());
    }

    let eventStore: EventStore;
    if (config.eventStore === 'eventstoredb') {
      const { EventStoreDbEventStore } = await import('@kairos/event-store/eventstoredb/eventstoredb-event-store');
      eventStore = new EventStoreDbEventStore(config.eventStoreDbUrl!);
    } else {
      const sqlEventStore = new SqlEventStore(sql!);
      await sqlEventStore.init();
      eventStore = sqlEventStore;
    }
    closers.unshift(() => eventStore.close());

    let readStore: ReadStore;
    if (config.readStore === 'mongodb') {
      const { openMongoReadStore } = await import('@kairos/read-store/mongodb/mongo-read-store');
      const mongo = await openMongoReadStore(config.mongoUrl!);
      readStore = mongo.store;
      closers.unshift(() => mongo.close());
    } else {
      readStore = new SqlReadStore(sql!);
    }

    const sealed = withSealing(eventStore, readStore);
    const leases = await runnerLeases(config, readStore);
    closers.unshift(() => leases.close());
    readStore = withReadCache(readStore, config);

    const publisher: Publisher =
      config.publisher === 'kafka' ? new KafkaPublisher({ brokers: config.kafkaBrokers!, topics: EVENT_ROUTES.topics }) : new InProcessPublisher();
    closers.unshift(() => publisher.close());

    return {
      eventStore: withUpcasting(sealed, upcasters),
      readStore,
      publisher,
      leases,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
};
