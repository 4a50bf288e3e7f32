import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore, SqlEventStore } from '@kairos/event-store';
import { PgClient, PgliteClient, ident } from '@kairos/sql';

/**
 * The event store on the engine KAIROS_EVENT_STORE names, in a place of its own (a fresh schema, or
 * a fresh PGlite folder) that closing removes.
 */

export const ENGINES = ['postgres', 'pglite', 'eventstoredb'] as const;
export type Engine = (typeof ENGINES)[number];

export interface OpenStore {
  store: EventStore;
  close(): Promise<void>;
}

export const engineFromEnv = (): Engine => {
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

export const openStore = async (engine: Engine, poolSize: number): Promise<OpenStore> => {
  switch (engine) {
    case 'postgres': {
      const schema = `bench_${randomBytes(6).toString('hex')}`;
      const client = new PgClient({
        url: process.env.KAIROS_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
        schema,
        poolSize,
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
