import { Consumer } from 'kafkajs';
import { Client } from 'pg';
import { BuiltService, ConformanceLog, KafkaBroker, PostgresCluster, buildOnce, describeWith, eventually, freePort, startKafkaBroker, startPostgresCluster, testServers, uniqueName } from '@kairos/testing';
import { EVENT_ROUTES } from '../apps/kairos/src/capabilities';
import { ConsumedMessage, consumeTopics } from './harness';

const SCHEMA = 'kairos_outage';
const OUTAGE_MS = 10_000;
/** Longest an answer may take, outage or not: the pool's connect timeout (5 s) and some slack. */
const ANSWER_WITHIN_MS = 10_000;
/** How soon after the store is back the service must write, read and be ready again by itself. */
const RECOVERY_MS = 30_000;

interface Answer {
  phase: string;
  at: number;
  ms: number;
  method: string;
  status: number;
  position: string | null;
  contentType: string;
  retryAfter: string | null;
  body: Record<string, any>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The deployable as an operator runs it (PostgreSQL + Kafka, runners in their worker thread), on a
 * PostgreSQL cluster and a Kafka broker of the suite's own, under a steady load of writes and reads
 * while the database is stopped (immediate, then fast), the broker is stopped, and the process is
 * killed with SIGKILL. Nothing acknowledged may be lost, nothing applied twice, no answer may hang
 * or be anything but a success or a 503 problem+json, and the process must never exit by itself.
 */
describeWith('PostgreSQL server programs (initdb, pg_ctl)', testServers.postgresBinaries(), 'the built service through PostgreSQL and Kafka outages', () => {
  const tenant = uniqueName('tenant');
  const received: ConsumedMessage[] = [];
  const answers: Answer[] = [];
  const conformance = new ConformanceLog();
  const transportFailures: { phase: string; error: string }[] = [];
  const liveness: { phase: string; status: number }[] = [];
  const acknowledged: { id: string; position: string }[] = [];
  let cluster: PostgresCluster;
  let broker: KafkaBroker;
  let consumer: Consumer;
  let service: BuiltService;
  let port = 0;
  let phase = 'warm-up';
  let loading = true;
  let load: Promise<unknown>;

  const base = () => `http://127.0.0.1:${port}`;

  const startService = async (waitUntilReady = true) => {
    service = await BuiltService.start(
      {
        KAIROS_EVENT_STORE: 'postgres',
        KAIROS_READ_STORE: 'postgres',
        KAIROS_PUBLISHER: 'kafka',
        KAIROS_POSTGRES_URL: cluster.url,
        KAIROS_POSTGRES_SCHEMA: SCHEMA,
        KAIROS_KAFKA_BROKERS: broker.brokers,
        KAIROS_LOG_LEVEL: 'warn',
      },
      // The load keeps calling the same address across the restart.
      { port, waitUntilReady },
    );
  };

  const call = async (method: string, path: string, body?: object): Promise<Answer> => {
    const started = Date.now();
    const response = await conformance.fetch(`${base()}${path}`, {
      method,
      headers: { 'kairos-tenant': tenant, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    const answer: Answer = {
      phase,
      at: started,
      ms: Date.now() - started,
      method,
      status: response.status,
      position: response.headers.get('kairos-position'),
      contentType: response.headers.get('content-type') ?? '',
      retryAfter: response.headers.get('retry-after'),
      body: text ? (JSON.parse(text) as Record<string, any>) : {},
    };
    answers.push(answer);
    return answer;
  };

  /** Unique creates, renames of what was created, and reads, at a steady pace, until told to stop. */
  const loop = async (step: (n: number) => Promise<unknown>, pauseMs: number) => {
    for (let n = 0; loading; n++) {
      try {
        await step(n);
      } catch (error) {
        // The phase it failed in: a request started before the kill is cut off by it.
        transportFailures.push({ phase, error: String(error) });
      }
      await sleep(pauseMs);
    }
  };
  const creates = (worker: number) =>
    loop(async (n) => {
      const created = await call('POST', '/v1/resources', { type: 'STAFF', name: `staff ${worker}.${n}` });
      if (created.status === 201) acknowledged.push({ id: created.body.id as string, position: created.position! });
    }, 40);
  const renames = () =>
    loop(async (n) => {
      const created = acknowledged[Math.floor(Math.random() * acknowledged.length)];
      if (created) await call('PATCH', `/v1/resources/${created.id}`, { name: `renamed ${n}` });
    }, 60);
  const reads = () =>
    loop(async () => {
      // Read-your-writes: the read model must have reached the create, or the answer is a 503 to retry.
      const created = acknowledged[acknowledged.length - 1];
      if (created) await call('GET', `/v1/resources/${created.id}?minPosition=${created.position}`);
    }, 60);
  const probes = () =>
    loop(async () => {
      if (phase === 'killed') return;
      const response = await conformance.fetch(`${base()}/health/live`, { signal: AbortSignal.timeout(2000) });
      liveness.push({ phase, status: response.status });
    }, 200);

  const ready = async () => {
    const response = await conformance.fetch(`${base()}/health/ready`, { signal: AbortSignal.timeout(5000) });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { down: string[] } };
  };

  const of = (name: string) => answers.filter((a) => a.phase === name);

  /**
   * Every answer of a phase is a success or a 503 problem with Retry-After, and came in time: `unavailable`
   * while a store cannot be reached, `projection-lag` while the read model catches up with a write.
   */
  const expectOnlySuccessOr503 = (name: string, { someAnswered = true } = {}) => {
    const answered = of(name);
    if (someAnswered) expect(answered.length).toBeGreaterThan(0);
    if (answered.length === 0) return;
    const wrong = answered.filter(
      (a) =>
        !(a.status >= 200 && a.status < 300) &&
        !(a.status === 503 && a.contentType.startsWith('application/problem+json') && a.retryAfter !== null && ['urn:kairos:problem:unavailable', 'urn:kairos:problem:projection-lag'].includes(a.body.type as string)),
    );
    expect(wrong.map((a) => `${a.method} ${a.status} ${JSON.stringify(a.body)}`)).toEqual([]);
    expect(Math.max(...answered.map((a) => a.ms))).toBeLessThan(ANSWER_WITHIN_MS);
  };

  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, step: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await step();
    } finally {
      timings[name] = Date.now() - started;
    }
  };

  const expectRecovered = async (since: number) => {
    await eventually(async () => {
      expect((await ready()).status).toBe(200);
      expect(answers.some((a) => a.at > since && a.method === 'POST' && a.status === 201)).toBe(true);
      expect(answers.some((a) => a.at > since && a.method === 'GET' && a.status === 200)).toBe(true);
    }, RECOVERY_MS, 250);
  };

  const databaseOutage = async (mode: 'immediate' | 'fast') => {
    const down = `postgres stopped (${mode})`;
    const back = `postgres back (${mode})`;
    phase = down;
    await cluster.stop(mode);
    const stoppedAt = Date.now();
    const seen: { status: number; retryAfter: string | null; down: string[] }[] = [];
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      const answer = await ready();
      seen.push({ status: answer.status, retryAfter: answer.retryAfter, down: answer.body.down });
      await sleep(1000);
    }
    await cluster.start();
    phase = back;
    await timed(`recovery after ${down}`, () => expectRecovered(Date.now()));
    expect(service.process.exitCode).toBeNull();
    // Once the pool noticed, readiness names both stores PostgreSQL holds, and clients are told when to retry.
    expect(seen.slice(2).every((s) => s.status === 503 && s.retryAfter !== null && s.down.includes('eventStore') && s.down.includes('readStore'))).toBe(true);
    expect(of(down).some((a) => a.status === 503)).toBe(true);
    expectOnlySuccessOr503(down);
    expectOnlySuccessOr503(back);
  };

  beforeAll(async () => {
    [cluster, broker] = await Promise.all([startPostgresCluster(testServers.postgresBinaries()), startKafkaBroker()]);
    buildOnce();
    port = await freePort();
    await startService();
    load = Promise.all([creates(1), creates(2), renames(), reads(), probes()]);
    await sleep(2000);
  }, 120_000);

  afterAll(async () => {
    loading = false;
    await load;
    await service?.stop();
    await consumer?.disconnect();
    await Promise.all([cluster?.dispose(), broker?.dispose()]);
  });

  // Every answer the suite received, against the service's OpenAPI document.
  afterAll(() => conformance.verify());

  afterEach(() => {
    // The service's own account of what went wrong, should a check fail.
    if (service && service.process.exitCode !== null) process.stdout.write(service.output.slice(-4000));
  });

  it('PostgreSQL stopped at once (-m immediate) for 10 s: 503 unavailable with Retry-After, no hang, ready names the stores; everything resumes by itself', async () => {
    expectOnlySuccessOr503('warm-up');
    await databaseOutage('immediate');
  }, 60_000);

  it('PostgreSQL shut down (-m fast) for 10 s: the same', async () => {
    await databaseOutage('fast');
  }, 60_000);

  it('Kafka stopped mid-publish for 10 s: writes go on, ready names the publisher, publishing resumes by itself', async () => {
    phase = 'kafka stopped';
    await timed('kafka stop', () => broker.stop());
    const stoppedAt = Date.now();
    const seen: string[][] = [];
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      seen.push((await ready()).body.down);
      await sleep(1000);
    }
    await timed('kafka resume', () => broker.resume());
    phase = 'kafka back';
    expect(seen.slice(3).every((down) => down.length === 1 && down[0] === 'publisher')).toBe(true);
    expect(of('kafka stopped').filter((a) => a.method === 'POST' && a.status === 201).length).toBeGreaterThan(10);
    expectOnlySuccessOr503('kafka stopped');
    await timed('recovery after kafka stopped', () => expectRecovered(Date.now()));
    expect(service.process.exitCode).toBeNull();
  }, 60_000);

  it('killed with SIGKILL under load and started again: it carries on from its checkpoints', async () => {
    phase = 'killed';
    await service.stop('SIGKILL');
    await timed('restart after SIGKILL', () => startService());
    phase = 'restarted';
    await timed('recovery after SIGKILL', () => expectRecovered(Date.now()));
    await sleep(1000);
  }, 60_000);

  it('killed with SIGKILL while PostgreSQL is down and started again before it is back: it waits for the database, then comes up by itself', async () => {
    await cluster.stop('immediate');
    phase = 'killed';
    await service.stop('SIGKILL');
    await startService(false);
    await sleep(5000);
    expect(service.running).toBe(true);
    expect(service.output).toContain('a store is out of reach; starting again later');
    await cluster.start();
    await timed('ready after starting during an outage', () => eventually(async () => expect((await ready()).status).toBe(200), RECOVERY_MS, 250));
    phase = 'restarted';
    await timed('recovery after starting during an outage', () => expectRecovered(Date.now()));
  }, 60_000);

  it('throughout: the process never exited by itself, /health/live always answered 200, nothing but the kill cut a request off', () => {
    expect(service.process.exitCode).toBeNull();
    expect(liveness.length).toBeGreaterThan(50);
    expect(liveness.filter((probe) => probe.status !== 200)).toEqual([]);
    expect(transportFailures.filter((failure) => failure.phase !== 'killed')).toEqual([]);
    expectOnlySuccessOr503('killed', { someAnswered: false });
    expectOnlySuccessOr503('restarted');
  });

  it('every acknowledged write is in the event log once, in the read model, and on Kafka once per ce_id in order per key', async () => {
    loading = false;
    await load;
    const pg = new Client({ connectionString: cluster.url });
    await pg.connect();
    const { rows } = await pg.query<{ position: string; event_id: string; type: string; key: string; resource: string | null }>(
      `select position, event_id, type, stream_id as key, data->>'id' as resource from ${SCHEMA}.kairos_events where metadata->>'tenant' = $1 order by position`,
      [tenant],
    );
    await pg.end();

    // In the log: one creation per acknowledged create, and no creation twice.
    const creations = rows.filter((r) => r.type === 'resource.created').map((r) => r.resource!);
    expect(new Set(creations).size).toBe(creations.length);
    expect(acknowledged.filter(({ id }) => !creations.includes(id))).toEqual([]);

    // In the read model, every resource the log holds (acknowledged or not), at the revision its events give it: an event applied twice would count twice.
    const head = rows[rows.length - 1].position;
    const revisions = new Map<string, number>();
    for (const r of rows) if (r.type.startsWith('resource.')) revisions.set(r.resource!, (revisions.get(r.resource!) ?? 0) + 1);
    const wrong: string[] = [];
    for (const [id, revision] of revisions) {
      const read = await call('GET', `/v1/resources/${id}?minPosition=${head}`);
      if (read.status !== 200 || read.body.revision !== revision) wrong.push(`${id}: ${read.status} revision ${read.body.revision}, log says ${revision}`);
    }
    expect(wrong).toEqual([]);

    // On Kafka: every published event of the log, duplicates only as copies with the same ce_id, first copies in log order per key.
    const published = rows.filter((r) => EVENT_ROUTES.routeOf(r.type));
    // A consumer that only starts now: one that lived through the broker's restart would take longer to rejoin than the test to run.
    consumer = await consumeTopics([broker.brokers], [...EVENT_ROUTES.topics], (message) => void received.push(message));
    await timed('kafka caught up', () => eventually(() => {
      const ids = new Set(received.filter((m) => m.headers.kairos_tenant === tenant).map((m) => m.headers.ce_id));
      expect(published.filter((r) => !ids.has(r.event_id)).length).toBe(0);
    }, 30_000, 250));
    const logged = new Map(published.map((r) => [r.event_id, Number(r.position)]));
    const mine = received.filter((m) => m.headers.kairos_tenant === tenant);
    expect(mine.filter((m) => logged.get(m.headers.ce_id) !== Number(m.headers.kairos_position))).toEqual([]);
    const firstSeen = new Set<string>();
    const lastPositionByKey = new Map<string, number>();
    const outOfOrder: string[] = [];
    for (const message of mine) {
      if (firstSeen.has(message.headers.ce_id)) continue;
      firstSeen.add(message.headers.ce_id);
      const position = Number(message.headers.kairos_position);
      if (position < (lastPositionByKey.get(message.key) ?? 0)) outOfOrder.push(`${message.key} @${position}`);
      lastPositionByKey.set(message.key, position);
    }
    expect(outOfOrder).toEqual([]);
    expect(firstSeen.size).toBe(published.length);

    const summary = {
      answers: answers.length,
      acknowledgedCreates: acknowledged.length,
      unavailable: answers.filter((a) => a.status === 503).length,
      slowestAnswerMs: Math.max(...answers.map((a) => a.ms)),
      kafkaMessages: mine.length,
      kafkaDuplicates: mine.length - firstSeen.size,
      timingsMs: timings,
    };
    process.stdout.write(`outage summary: ${JSON.stringify(summary)}\n`);
  }, 90_000);
});
