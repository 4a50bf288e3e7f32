import { projectionOf } from '@kairos/projections';
import { ReadStore, SqlReadStore } from '@kairos/read-store';
import { MongoReadStore } from '@kairos/read-store/mongodb/mongo-read-store';
import { SqlClient } from '@kairos/sql';
import { describeWith, scratchMongo, scratchPglite, scratchPostgres, testServers } from '@kairos/testing';
import { availabilityWindowsProjection } from './windows';
import { WindowsTarget, windowsMatchRawExpansion } from './windows-property.fixture';

/** The projection as the runner drives it: every event one checkpointed batch of a real store. */
const throughBatches = (store: ReadStore): WindowsTarget => {
  const checkpoints = new Map<string, number | null>();
  const projection = projectionOf(availabilityWindowsProjection);
  return {
    apply: async (event) => {
      const checkpoint = `${projection.name}:${event.metadata.tenant}`;
      const applied = await store.applyBatch({ projection: checkpoint, expected: checkpoints.get(checkpoint) ?? null, positions: [event.position], apply: (_position, writer) => projection.apply(event, writer) });
      if (!applied) throw new Error(`${checkpoint}: checkpoint moved`);
      checkpoints.set(checkpoint, event.position);
    },
    getMany: (collection, tenant, ids) => store.getMany(collection, tenant, ids),
  };
};

const onStore = (open: () => Promise<{ store: ReadStore; dispose(): Promise<void> }>) => {
  let opened: Awaited<ReturnType<typeof open>>;
  let store: ReadStore;
  beforeAll(async () => {
    opened = await open();
    store = opened.store;
    await store.ensureCollections(availabilityWindowsProjection.collections);
  });
  afterAll(async () => opened?.dispose());
  it('give the same calendars as expanding every raw session, after any sequence of session changes', async () => {
    await windowsMatchRawExpansion(throughBatches(store), 60);
  });
};

const onSql = (open: () => Promise<{ client: SqlClient; dispose(): Promise<void> }>) => async () => {
  const { client, dispose } = await open();
  return { store: new SqlReadStore(client), dispose };
};

const onMongo = async () => {
  const { db, dispose } = await scratchMongo('windows');
  return { store: new MongoReadStore(db), dispose };
};

describe('availability windows on PGlite', () => onStore(onSql(scratchPglite)));

describeWith('PostgreSQL', testServers.postgresUrl(), 'availability windows on PostgreSQL', () => onStore(onSql(() => scratchPostgres('windows'))));

describeWith('MongoDB', testServers.mongoUrl(), `availability windows on ${testServers.mongoServer()}`, () => onStore(onMongo));
