import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { SqlEventStore } from '@kairos/event-store';
import { KafkaPublisher } from '@kairos/publisher';
import { SqlReadStore } from '@kairos/read-store';
import { PgClient, ident } from '@kairos/sql';
import { createApp } from '../../apps/kairos/src/bootstrap';
import { EVENT_ROUTES } from '../../apps/kairos/src/capabilities';
import { KairosConfig, loadConfig } from '../../apps/kairos/src/config/config';
import { Stores, runnerLeases, withReadCache, withSealing } from '../../apps/kairos/src/infrastructure/stores';
import { Cleanup } from '../kit/processes';
import { Profile, instrument } from './profile';
import { NOW } from './scenario';

export interface AppOptions {
  url: string;
  brokers: string[];
  poolSize: number;
  maxConcurrent: number;
  runners: 'worker' | 'inline';
  profiling: boolean;
}

/**
 * The real app (createApp, every role) on PostgreSQL and Kafka, on a fresh scratch schema, listening
 * on a real socket, with the clock pinned: as test/harness.ts builds it, with the pool size main.ts
 * uses. The stores are built here rather than by openStores so that the profile can wrap them.
 * Closing the stores drops the schema.
 */
export const startBookingsApp = async (options: AppOptions, cleanup: Cleanup) => {
  const { url, brokers } = options;
  const schema = `bench_bookings_${randomBytes(5).toString('hex')}`;
  const sql = new PgClient({ url, schema, poolSize: options.poolSize });
  const eventStore = new SqlEventStore(sql);
  const publisher = new KafkaPublisher({ brokers, topics: EVENT_ROUTES.topics });
  const config: KairosConfig = {
    // The defaults with Kafka, bar the runners' pacing, which the environment may set to measure it.
    ...loadConfig({
      KAIROS_PUBLISHER: 'kafka',
      KAIROS_KAFKA_BROKERS: brokers.join(','),
      KAIROS_PROJECTION_PACE_MS: process.env.KAIROS_PROJECTION_PACE_MS,
      KAIROS_PUBLISH_PACE_MS: process.env.KAIROS_PUBLISH_PACE_MS,
    }),
    eventStore: 'postgres',
    readStore: 'postgres',
    publisher: 'kafka',
    postgresUrl: url,
    kafkaBrokers: brokers,
    postgresSchema: schema,
    roles: ['api', 'projector', 'publisher'],
    runners: options.runners,
    maxConcurrentRequests: options.maxConcurrent,
  };
  const sqlReadStore = new SqlReadStore(sql);
  const leases = await runnerLeases(config, sqlReadStore);
  const stores: Stores = {
    // Wrapped as openStores wraps them: people's data sealed; this process runs the projector, so it keeps the read cache.
    eventStore: withSealing(eventStore, sqlReadStore),
    readStore: withReadCache(sqlReadStore, config),
    publisher,
    leases,
    close: async () => {
      await leases.close();
      await publisher.close();
      await eventStore.close().catch(() => undefined);
      try {
        await sql.query(`drop schema if exists ${ident(schema)} cascade`);
      } finally {
        await sql.close();
      }
    },
  };
  const closeStores = cleanup.add(`drop schema ${schema}`, () => stores.close());
  await eventStore.init();
  const app = await createApp(config, stores, { clock: () => NOW });
  const closeApp = cleanup.add('close the app', () => app.close());
  const profile: Profile | null = options.profiling ? instrument(sql, app, sqlReadStore, eventStore) : null;
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { app, port, schema, eventStore, publisher, profile, closeApp, closeStores };
};
