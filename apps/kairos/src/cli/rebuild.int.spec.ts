import { NewEvent, newId } from '@kairos/core';
import { SqlEventStore } from '@kairos/event-store';
import { projectionOf, projectionRunner, soleLeases, waitForCheckpoint } from '@kairos/projections';
import { SqlReadStore } from '@kairos/read-store';
import { SERVICES, ServiceEvent, ServiceView, serviceStream, servicesProjection } from '@kairos/services';
import { SqlClient } from '@kairos/sql';
import { describeWith, scratchPglite, scratchPostgres, testServers } from '@kairos/testing';
import { PROJECTIONS } from '../infrastructure/projections';
import { UnknownProjection, rebuild } from './rebuild';

const TENANT = 't1';

const serviceView = (id: string, name: string, at: string): ServiceView => ({
  id,
  revision: 1,
  createdAt: at,
  updatedAt: at,
  scheduleId: newId(),
  timeZone: 'Europe/Berlin',
  deletedAt: null,
  name,
  type: 'APPOINTMENT',
  category: null,
  hidden: false,
  defaultCapacity: 1,
  sessionDurations: [30, 60],
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 10,
  slotSplitIntervalMinutes: null,
  resourceGroups: [{ resourceIds: [newId(), newId()], requiredCount: 1, selectable: true }],
  locations: [{ id: newId(), type: 'BUSINESS' }],
  onlineBooking: { enabled: true, requireManualApproval: false, allowMultipleRequests: false },
  payment: { rateType: 'FIXED', price: { amount: '40.00', currency: 'EUR' }, deposit: null, planIds: [] },
  bookingPolicyId: null,
});

const envelope = (event: ServiceEvent, at: string): NewEvent => ({
  id: newId(),
  type: event.type,
  schemaVersion: 1,
  data: event.data,
  metadata: { tenant: TENANT, actor: { type: 'BUSINESS' }, occurredAt: at, correlationId: newId() },
});

const recordingOutput = () => {
  const progress: string[] = [];
  const done: string[] = [];
  return { progress, done, out: { progress: (line: string) => progress.push(line), done: (line: string) => done.push(line) } };
};

const rebuildSuite = (open: () => Promise<{ client: SqlClient; dispose(): Promise<void> }>) => {
  let client: SqlClient;
  let dispose: () => Promise<void>;
  let eventStore: SqlEventStore;
  let readStore: SqlReadStore;
  const cut = newId();
  const colour = newId();

  const services = async () => (await readStore.find(SERVICES, TENANT, { limit: 100, orderBy: 'createdAt' })).items;

  beforeAll(async () => {
    ({ client, dispose } = await open());
    eventStore = new SqlEventStore(client);
    await eventStore.init();
    readStore = new SqlReadStore(client);

    const t0 = '2025-03-01T09:00:00.000Z';
    const t1 = '2025-03-01T09:05:00.000Z';
    const t2 = '2025-03-02T10:00:00.000Z';
    await eventStore.append([
      { streamId: serviceStream(TENANT, cut), expectedRevision: 'noStream', events: [envelope({ type: 'service.created', data: serviceView(cut, 'Cut', t0) }, t0)] },
    ]);
    await eventStore.append([
      { streamId: serviceStream(TENANT, colour), expectedRevision: 'noStream', events: [envelope({ type: 'service.created', data: serviceView(colour, 'Colour', t1) }, t1)] },
    ]);
    await eventStore.append([
      {
        streamId: serviceStream(TENANT, cut),
        expectedRevision: 0,
        events: [
          envelope(
            {
              type: 'service.updated',
              data: { id: cut, changes: { name: 'Cut & style', sessionDurations: [45] }, previous: { name: 'Cut', sessionDurations: [30, 60] }, updatedAt: t2 },
            },
            t2,
          ),
        ],
      },
    ]);
  });
  afterAll(() => dispose());

  it('restores a damaged read model exactly and leaves the checkpoint at the head', async () => {
    await readStore.ensureCollections(servicesProjection.collections);
    const runner = projectionRunner(projectionOf(servicesProjection), eventStore, readStore, soleLeases());
    await runner.start();
    const head = (await eventStore.headPosition())!;
    try {
      expect(await waitForCheckpoint(readStore, servicesProjection.name, head, 10_000)).toBe(true);
    } finally {
      await runner.stop();
    }
    const live = await services();
    expect(live.map((s) => [s.name, s.revision])).toEqual([['Cut & style', 2], ['Colour', 1]]);

    await client.query(`update rm_services set doc = jsonb_set(doc, '{name}', '"garbage"') where id = $1`, [cut]);
    await client.query(`delete from rm_services where id = $1`, [colour]);
    expect(await services()).not.toEqual(live);

    const { out, progress, done } = recordingOutput();
    const results = await rebuild(['services'], { eventStore, readStore }, out);

    expect(await services()).toEqual(live);
    expect(await readStore.checkpoint(servicesProjection.name)).toBe(head);
    expect(results).toEqual([{ projection: 'services', events: 3, seconds: expect.any(Number) }]);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[progress.length - 1]).toContain(`services [`);
    expect(progress[progress.length - 1]).toContain(`position ${head}/${head} (100.0%)`);
    expect(done).toEqual([expect.stringMatching(/^services: 3 events in \d+\.\d\d s \(\d+ events\/s\)$/)]);
  });

  it('rebuilds every projection for `all`, in the runtime order', async () => {
    const { out, done } = recordingOutput();
    const results = await rebuild(['all'], { eventStore, readStore }, out);
    expect(results.map((r) => [r.projection, r.events])).toEqual(PROJECTIONS.map((p) => [p.name, 3]));
    expect(done).toHaveLength(PROJECTIONS.length);
    expect((await services()).map((s) => [s.name, s.revision])).toEqual([['Cut & style', 2], ['Colour', 1]]);
  });

  it('rejects an unknown projection before rebuilding anything', async () => {
    const checkpoint = await readStore.checkpoint(servicesProjection.name);
    const { out, progress, done } = recordingOutput();
    const attempt = rebuild(['services', 'nope'], { eventStore, readStore }, out);
    await expect(attempt).rejects.toBeInstanceOf(UnknownProjection);
    await expect(attempt).rejects.toThrow(new RegExp(`unknown projection nope; valid names: ${PROJECTIONS.map((p) => p.name).join(', ')}, all`));
    expect(progress).toEqual([]);
    expect(done).toEqual([]);
    expect(await readStore.checkpoint(servicesProjection.name)).toBe(checkpoint);
  });
};

describe('rebuild command on PGlite', () => rebuildSuite(scratchPglite));

describeWith('PostgreSQL', testServers.postgresUrl(), 'rebuild command on PostgreSQL', () => rebuildSuite(() => scratchPostgres('rb')));
