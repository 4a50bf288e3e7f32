import { AddressInfo } from 'node:net';
import { describeWith, testServers } from '@kairos/testing';
import { FuzzReport, OpenApiDocument, OpenApiFuzzer, formatReport } from './fuzz/openapi-fuzzer';
import { TestApp, TestAppOptions, buildForRunnerThread, startApp } from './harness';

/**
 * The schema-driven fuzzer against the real app. `npm test` sends a bounded run with a fixed seed;
 * `npm run fuzz` sends KAIROS_FUZZ_REQUESTS (10,000) with a fresh seed and prints the summary.
 * KAIROS_FUZZ_SEED repeats a run.
 */
const SEED = process.env.KAIROS_FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.KAIROS_FUZZ_SEED ?? 20260328);
const REQUESTS = Number(process.env.KAIROS_FUZZ_REQUESTS ?? 2_400);
const NOW = new Date('2026-03-28T00:00:00Z');

const fuzzRun = (options: TestAppOptions, requests: number) => () => {
  let t: TestApp;
  if (options.engine === 'postgres') buildForRunnerThread();
  beforeAll(async () => {
    t = await startApp({ ...options, clock: () => NOW });
    await t.app.listen(0, '127.0.0.1');
  });
  afterAll(async () => t?.close());

  it(`answers ${requests} generated requests without a 5xx, a bare 4xx, a hang or a refused request that changed anything`, async () => {
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const document = (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument;
    const fuzzer = new OpenApiFuzzer({
      baseUrl: `http://127.0.0.1:${port}`,
      document,
      tenant: t.tenant,
      seed: SEED,
      requests,
      // Every committed event, not only those the store's readers see yet: they wait for older transactions
      // (a runner's, say) to end, and so would show the previous request's events during this one.
      logHead: async () => {
        const [{ head }] = await t.sql.query<{ head: string | null }>('select max(position) as head from kairos_events');
        return head === null ? null : Number(head);
      },
      eventsAfter: async (after) => (await t.stores.eventStore.readAll({ after: after ?? 0, limit: 20 })).map((e) => `${e.type} on ${e.streamId}`),
    });
    await fuzzer.seedWorld();
    const report: FuzzReport = await fuzzer.run();
    process.stdout.write(`\n[${options.engine}] ${formatReport(report)}\n`);
    expect(report.failures).toEqual([]);
    // Most requests must reach a handler, not stop at routing or the tenant check.
    expect(Object.keys(report.byStatus)).toEqual(expect.arrayContaining(['200', '201', '400', '404']));
  }, 600_000);
};

describe('fuzz on the embedded default', fuzzRun({ engine: 'pglite' }, REQUESTS));
describeWith('PostgreSQL', testServers.postgresUrl(), 'fuzz on PostgreSQL', fuzzRun({ engine: 'postgres', postgresUrl: testServers.postgresUrl() }, Math.ceil(REQUESTS / 3)));
