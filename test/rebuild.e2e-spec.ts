import { rebuildProjections, waitForCheckpoint } from '@kairos/projections';
import { ident } from '@kairos/sql';
import { testServers } from '@kairos/testing';
import { PROJECTIONS } from '../apps/kairos/src/infrastructure/projections';
import { TestApp, TestAppOptions, buildForRunnerThread, startApp } from './harness';
import { appointmentService } from './support/appointment-service';

const NOW = new Date('2026-03-28T00:00:00Z');

/**
 * A rebuild holds documents in memory and writes them out in bulk; what it swaps in must be exactly
 * what the live runners made of the same log, document for document, for every projection. On
 * PostgreSQL the write-outs run while later batches are folded (on PGlite, one thread, they barely
 * overlap), so there a document can change again while its last version is on its way.
 */
const rebuildSuite = (engine: string, options: Pick<TestAppOptions, 'engine' | 'postgresUrl'>) =>
  describe(`rebuild over a log the service wrote (${engine})`, () => {
    let t: TestApp;
    let head: number;
    let live: Record<string, unknown[]>;
    if (options.engine === 'postgres') buildForRunnerThread();
    beforeAll(async () => {
      t = await startApp({ ...options, clock: () => NOW });
      const as = (method: 'post' | 'patch', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', t.tenant).send(body);
      const { service } = await appointmentService(t, 2);
      const contact = (await as('post', '/v1/contacts', { name: 'Ann', email: 'ann@example.com' }).expect(201)).body;
      // Each booking waits for the projections: on PostgreSQL they run in their own thread, and a
      // booking must find the service, the contact and the staff member an earlier one took.
      await caughtUp();
      const book = async (start: string, end: string) => {
        const booking = (await as('post', '/v1/bookings', { serviceId: service.id, slot: { start, end }, contactId: contact.id }).expect(201)).body;
        await caughtUp();
        return booking;
      };
      const first = await book('2026-03-30T09:00:00Z', '2026-03-30T10:00:00Z');
      const second = await book('2026-03-30T09:00:00Z', '2026-03-30T10:00:00Z');
      await book('2026-03-31T13:00:00Z', '2026-03-31T14:00:00Z');
      await as('post', `/v1/bookings/${first.id}/cancel`, { reason: 'sick' }).expect(200);
      await as('post', `/v1/bookings/${second.id}/reschedule`, { slot: { start: '2026-04-01T11:00:00Z', end: '2026-04-01T12:00:00Z' } }).expect(200);
      await as('patch', `/v1/services/${service.id}`, { name: 'Cut & style' }).expect(200);

      await caughtUp();
      live = await documents();
      expect(Object.values(live).flat().length).toBeGreaterThan(20);
    });
    afterAll(async () => t?.close());

    const caughtUp = async () => {
      head = (await t.stores.eventStore.headPosition())!;
      for (const p of PROJECTIONS) expect(await waitForCheckpoint(t.stores.readStore, p.name, head, 20_000)).toBe(true);
    };

    /** Every document of every projection, by collection; not the positions that wrote them, which a rebuild writes in batches. */
    const documents = async () => {
      const all: Record<string, unknown[]> = {};
      for (const collection of PROJECTIONS.flatMap((p) => p.collections)) {
        all[collection] = await t.sql.query(`select tenant, id, doc from ${ident(`rm_${collection}`)} order by tenant, id`);
      }
      return all;
    };

    const rebuildsExactly = async (options: Parameters<typeof rebuildProjections>[3]) => {
      expect(await rebuildProjections(PROJECTIONS, t.stores.eventStore, t.stores.readStore, options)).toBe(head);
      expect(await documents()).toEqual(live);
      for (const p of PROJECTIONS) expect(await t.stores.readStore.checkpoint(p.name)).toBe(head);
    };

    it('gives every projection the documents the live runners made, holding everything in memory', () => rebuildsExactly({}));

    it('gives the same documents when each small batch is written out while the next ones change what it wrote', () => rebuildsExactly({ batchSize: 3 }));

    it('gives the same documents when a small memory budget forgets documents written out while later ones are on their way', () =>
      rebuildsExactly({ batchSize: 3, memoryBytes: 20_000 }));

    it('gives the same documents when a tiny memory budget writes them out and forgets them after every batch', () =>
      rebuildsExactly({ batchSize: 3, memoryBytes: 1 }));
  });

rebuildSuite('embedded default', { engine: 'pglite' });
rebuildSuite('PostgreSQL', { engine: 'postgres', postgresUrl: testServers.postgresUrl() });
