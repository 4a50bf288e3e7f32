import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordedEvent, newId, record, streamId, text } from '@kairos/core';
import { Upcasters } from '@kairos/event-store';
import { eventRoutes, toPublishedMessage } from '@kairos/publisher';
import { PgClient } from '@kairos/sql';
import { testServers, uniqueName } from '@kairos/testing';
import { loadConfig } from '../config/config';
import { Stores, openStores } from '../infrastructure/stores';

/**
 * A breaking change of a stored event, end to end through the stores the service opens: `thing.renamed`
 * v1 had `name: "Ana Silva"`, v2 splits it. The event written at v1 stays v1 in the log; every reader
 * of the opened store (a command's stream read, the projections' and publisher's log reads and
 * subscriptions) gets it at v2, and the publisher sends it as a v2 type on the v2 topic.
 */
const renamed = new Upcasters([
  {
    type: 'thing.renamed',
    fromVersion: 1,
    upcast: (data) => {
      const [given, ...family] = (data as { name: string }).name.split(' ');
      return { name: { given, family: family.join(' ') } };
    },
  },
]);
const routes = eventRoutes([{ capability: 'things', events: [{ type: 'thing.renamed', schemaVersion: 2, summary: 'renamed', body: record({ name: record({ given: text(), family: text() }) }) }] }]);

const engines: [string, () => { env: NodeJS.ProcessEnv; dispose: () => Promise<void> } | undefined][] = [
  [
    'PGlite (embedded)',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'kairos-upcast-'));
      return { env: { KAIROS_EVENT_STORE: 'pglite', KAIROS_READ_STORE: 'pglite', KAIROS_DATA_DIR: dir }, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
  [
    'PostgreSQL',
    () => {
      const url = testServers.postgresUrl();
      if (!url) return undefined;
      const schema = uniqueName('upcast');
      return {
        env: { KAIROS_EVENT_STORE: 'postgres', KAIROS_READ_STORE: 'postgres', KAIROS_POSTGRES_URL: url, KAIROS_POSTGRES_SCHEMA: schema },
        dispose: async () => {
          const pg = new PgClient({ url });
          await pg.query(`drop schema if exists ${schema} cascade`);
          await pg.close();
        },
      };
    },
  ],
];

describe.each(engines)('a v1 event read as v2 through the opened stores: %s', (name, engine) => {
  const setup = engine();
  if (!setup) {
    // eslint-disable-next-line no-console
    console.warn(`SKIPPED upcasting on ${name}: no server reachable`);
    it.skip('needs its server', () => undefined);
    return;
  }
  const config = loadConfig({ ...setup.env, KAIROS_PUBLISHER: 'inprocess', KAIROS_RUNNERS: 'inline' });
  const stream = streamId('thing', 't1', 'th1');
  let stores: Stores;

  beforeAll(async () => {
    stores = await openStores(config, { upcasters: renamed });
    await stores.eventStore.append([
      {
        streamId: stream,
        expectedRevision: 'noStream',
        events: [{ id: newId(), type: 'thing.renamed', schemaVersion: 1, data: { name: 'Ana Silva' }, metadata: { tenant: 't1', actor: { type: 'BUSINESS' }, occurredAt: new Date().toISOString() } }],
      },
    ]);
  });
  afterAll(async () => {
    await stores?.close();
    await setup.dispose();
  });

  const atV2 = { type: 'thing.renamed', schemaVersion: 2, data: { name: { given: 'Ana', family: 'Silva' } } };

  it('reads the stream at v2', async () => {
    expect(await stores.eventStore.readStream(stream)).toEqual([expect.objectContaining(atV2)]);
  });

  it('reads the log and follows it at v2', async () => {
    expect((await stores.eventStore.readAll({ after: null, limit: 100 })).filter((e) => e.streamId === stream)).toEqual([expect.objectContaining(atV2)]);
    const seen = await new Promise<RecordedEvent[]>((resolve) => {
      const subscription = stores.eventStore.subscribeAll({
        after: null,
        onEvents: async (events) => {
          const mine = events.filter((e) => e.streamId === stream);
          if (mine.length > 0) void subscription.stop().then(() => resolve(mine));
        },
      });
    });
    expect(seen).toEqual([expect.objectContaining(atV2)]);
  });

  it('publishes it as the v2 type, on the v2 topic', async () => {
    const [event] = await stores.eventStore.readStream(stream);
    const message = toPublishedMessage(event, routes)!;
    expect([message.topic, message.headers.ce_type, JSON.parse(message.value)]).toEqual(['kairos.things.v2', 'kairos.thing.renamed.v2', atV2.data]);
  });

  it('leaves the stored event at v1: without the step, the store reads what was written', async () => {
    await stores.close();
    stores = await openStores(config);
    expect(await stores.eventStore.readStream(stream)).toEqual([expect.objectContaining({ schemaVersion: 1, data: { name: 'Ana Silva' } })]);
  });
});
