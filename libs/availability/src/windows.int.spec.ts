import { ReadStore, SqlReadStore } from '@kairos/read-store';
import { SqlClient } from '@kairos/sql';
import { describeWith, scratchPglite, scratchPostgres, testServers } from '@kairos/testing';
import { availabilityWindowsProjection } from './windows';
import { WindowsTarget, windowsMatchRawExpansion } from './windows-property.fixture';

/** The projection as the runner drives it: every event one checkpointed batch of a real store. */
const throughBatches = (store: ReadStore): WindowsTarget => {
  const checkpoints = new Map<string, number | null>();
  return {
    apply: async (event, write) => {
      const projection = `${availabilityWindowsProjection.name}:${event.metadata.tenant}`;
      const applied = await store.applyBatch({ projection, expected: checkpoints.get(projection) ?? null, positions: [event.position], apply: (_position, writer) => write(writer) });
      if (!applied) throw new Error(`${projection}: checkpoint moved`);
      checkpoints.set(projection, event.position);
    },
    reader: store,
  };
};

const onStore = (open: () => Promise<{ client: SqlClient; dispose(): Promise<void> }>) => {
  let opened: Awaited<ReturnType<typeof open>>;
  let store: SqlReadStore;
  beforeAll(async () => {
    opened = await open();
    store = new SqlReadStore(opened.client);
    await store.ensureCollections(availabilityWindowsProjection.collections);
  });
  afterAll(async () => opened?.dispose());
  it('give the same calendars as expanding every raw session, after any sequence of session changes', async () => {
    await windowsMatchRawExpansion(throughBatches(store), 60);
  });
};

describe('availability windows on PGlite', () => onStore(scratchPglite));

describeWith('PostgreSQL', testServers.postgresUrl(), 'availability windows on PostgreSQL', () => onStore(() => scratchPostgres('windows')));
