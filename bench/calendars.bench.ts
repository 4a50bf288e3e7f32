/**
 * Reading a large external calendar into Kairos: a generated feed of 10,000 events (singles, weekly
 * series with EXDATEs and overridden instances, all-day events) served over local HTTP with an
 * ETag, read through the one sync path the timer and `POST /v1/calendar-connections/{id}/sync` use.
 * Measured over several runs (medians): parsing the feed alone; the first, full import (every
 * block recorded in parts of 500, each part in one append with the claims its blocks take); an
 * incremental sync after one event moved; and a re-sync of the unchanged feed. Events appended are
 * counted from the log. On the embedded default, and on PostgreSQL when one is reachable.
 *
 * The app runs with the `api` role only, so no timer reads the calendar behind the measured syncs.
 */
import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { createApp } from '../apps/kairos/src/bootstrap';
import { CalendarSync, SyncRun } from '../apps/kairos/src/calendars/connections/calendar-sync';
import { busyOccurrences } from '../apps/kairos/src/calendars/sources/ics-occurrences';
import { KairosConfig, loadConfig } from '../apps/kairos/src/config/config';
import { Stores, openStores } from '../apps/kairos/src/infrastructure/stores';
import { mulberry32 } from './kit/random';
import { Row, printReport } from './kit/report';
import { median, round } from './kit/stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const EVENTS = 10_000;
const TENANT = 'bench-calendars';
const NOW = Date.parse('2026-03-02T08:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const POSTGRES_URL = process.env.KAIROS_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Progress goes to stderr: stdout holds only the report. */
const progress = (message: string) => process.stderr.write(`[calendars bench] ${message}\n`);

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const date = (ms: number) => stamp(ms).slice(0, 8);

/**
 * 10,000 VEVENTs over the year ahead: 8,500 one-hour singles, 500 all-day events, 800 weekly series
 * of four with one EXDATE each, and 200 overrides moving an instance of the first 200 series by an
 * hour. `moved` shifts the first single by a day: the one change of the incremental sync.
 */
const generateFeed = (moved: boolean): string => {
  const random = mulberry32(2026);
  const hourOf = (day: number) => NOW + day * DAY + (8 + Math.floor(random() * 9)) * 3_600_000;
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Kairos bench//EN'];
  const vevent = (uid: string, body: string[]) => lines.push('BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260301T000000Z', ...body, 'END:VEVENT');
  for (let i = 0; i < 8_500; i++) {
    const start = hourOf(1 + Math.floor(random() * 360)) + (i === 0 && moved ? DAY : 0);
    vevent(`single-${i}@bench`, [`DTSTART:${stamp(start)}`, `DTEND:${stamp(start + 3_600_000)}`, `SUMMARY:Meeting ${i}`]);
  }
  for (let i = 0; i < 500; i++) {
    const day = NOW + (1 + Math.floor(random() * 360)) * DAY;
    vevent(`allday-${i}@bench`, [`DTSTART;VALUE=DATE:${date(day)}`, `DTEND;VALUE=DATE:${date(day + DAY)}`, 'SUMMARY:Away']);
  }
  const series: number[] = [];
  for (let i = 0; i < 800; i++) {
    const start = hourOf(1 + Math.floor(random() * 330));
    series.push(start);
    vevent(`series-${i}@bench`, [`DTSTART:${stamp(start)}`, `DTEND:${stamp(start + 1_800_000)}`, 'RRULE:FREQ=WEEKLY;COUNT=4', `EXDATE:${stamp(start + 7 * DAY)}`, `SUMMARY:Weekly ${i}`]);
  }
  for (let i = 0; i < 200; i++) {
    const original = series[i] + 14 * DAY;
    vevent(`series-${i}@bench`, [`RECURRENCE-ID:${stamp(original)}`, `DTSTART:${stamp(original + 3_600_000)}`, `DTEND:${stamp(original + 5_400_000)}`, `SUMMARY:Weekly ${i}, moved`]);
  }
  lines.push('END:VCALENDAR', '');
  return lines.join('\r\n');
};

/** The feed over HTTP with a strong ETag, answering 304 to a matching If-None-Match, as calendar servers do. */
const feedServer = async (feed: { body: string }) => {
  const server: Server = createServer((req, res) => {
    const etag = `"${createHash('sha256').update(feed.body).digest('hex').slice(0, 20)}"`;
    if (req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end();
    res.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8', etag }).end(feed.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

const parseAlone = (ics: string) => {
  const window = { from: new Date(NOW - DAY), to: new Date(NOW + 365 * DAY) };
  const times: number[] = [];
  let occurrences = 0;
  for (let run = 0; run < RUNS + 1; run++) {
    const start = performance.now();
    occurrences = busyOccurrences(ics, { window, timeZone: 'Europe/Lisbon', ownerEmail: null, maxOccurrences: 50_000 }).length;
    // The first run warms the JIT up and is not counted.
    if (run > 0) times.push(performance.now() - start);
  }
  return { ms: median(times), occurrences };
};

interface Step {
  ms: number[];
  events: number[];
  outcome: string;
}

const step = (): Step => ({ ms: [], events: [], outcome: '' });

const countAppended = async (stores: Stores, after: number | null) => {
  let count = 0;
  let position = after;
  for (;;) {
    const page = await stores.eventStore.readAll({ after: position, limit: 5_000 });
    if (page.length === 0) return { count, head: position };
    count += page.length;
    position = page[page.length - 1].position;
  }
};

const importRuns = async (engine: 'pglite' | 'postgres', feed: { body: string }, url: string) => {
  const root = engine === 'pglite' ? await mkdtemp(join(tmpdir(), 'kairos-calendars-bench-')) : null;
  const schema = engine === 'postgres' ? `bench_calendars_${randomBytes(5).toString('hex')}` : undefined;
  const env =
    engine === 'pglite'
      ? { KAIROS_DATA_DIR: root!, KAIROS_ROLES: 'api', KAIROS_CALENDAR_PRIVATE_HOSTS: 'allow' }
      : { KAIROS_EVENT_STORE: 'postgres', KAIROS_READ_STORE: 'postgres', KAIROS_POSTGRES_URL: POSTGRES_URL, KAIROS_POSTGRES_SCHEMA: schema, KAIROS_ROLES: 'api', KAIROS_RUNNERS: 'inline', KAIROS_CALENDAR_PRIVATE_HOSTS: 'allow' };
  const config: KairosConfig = { ...loadConfig(env), port: 0 };
  const stores = await openStores(config);
  let app: INestApplication | undefined;
  const full = step();
  const incremental = step();
  const unchanged = step();
  try {
    app = await createApp(config, stores, { clock: () => new Date(NOW), logger: false });
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const post = async (path: string, body: object) => {
      const answer = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'kairos-tenant': TENANT }, body: JSON.stringify(body) });
      if (answer.status !== 201) throw new Error(`POST ${path} answered ${answer.status}: ${await answer.text()}`);
      return (await answer.json()) as { id: string };
    };
    const calendarSync = app.get(CalendarSync);
    let head = (await countAppended(stores, null)).head;
    const timed = async (id: string, into: Step, expected: SyncRun['outcome']['outcome']) => {
      const start = performance.now();
      const run = await calendarSync.sync({ tenant: TENANT, actor: { type: 'BUSINESS' }, correlationId: `bench-${id}` }, id);
      const ms = performance.now() - start;
      if (run.outcome.outcome !== expected) throw new Error(`expected ${expected}, the sync answered ${JSON.stringify(run.outcome)}`);
      const appended = await countAppended(stores, head);
      head = appended.head;
      into.ms.push(ms);
      into.events.push(appended.count);
      into.outcome = `+${run.outcome.added} −${run.outcome.removed}`;
    };
    for (let run = 1; run <= RUNS; run++) {
      // A resource and a feed URL of its own per run: its claims start empty, as a newly connected calendar's do.
      feed.body = generateFeed(false);
      const staff = await post('/v1/resources', { type: 'STAFF', name: `Staff ${run}` });
      const connection = await post('/v1/calendar-connections', { resourceId: staff.id, name: `Calendar ${run}`, source: 'ICS', url: `${url}/staff-${run}.ics`, timeZone: 'Europe/Lisbon' });
      head = (await countAppended(stores, head)).head;
      await timed(connection.id, full, 'CHANGED');
      progress(`${engine} run ${run}: full import ${full.ms.at(-1)!.toFixed(0)} ms, ${full.events.at(-1)} events`);
      feed.body = generateFeed(true);
      await timed(connection.id, incremental, 'CHANGED');
      await timed(connection.id, unchanged, 'UNCHANGED');
    }
    return { full, incremental, unchanged };
  } finally {
    await app?.close();
    await stores.close();
    if (root) await rm(root, { recursive: true, force: true });
    if (schema) {
      const pg = new Client({ connectionString: POSTGRES_URL });
      await pg.connect();
      await pg.query(`drop schema if exists ${schema} cascade`);
      await pg.end();
    }
  }
};

const postgresReachable = async () => {
  const pg = new Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3_000 });
  try {
    await pg.connect();
    return true;
  } catch {
    return false;
  } finally {
    await pg.end().catch(() => undefined);
  }
};

const main = async () => {
  const feed = { body: generateFeed(false) };
  const server = await feedServer(feed);
  try {
    const bytes = Buffer.byteLength(feed.body);
    progress(`feed: ${EVENTS} events, ${(bytes / 1024 / 1024).toFixed(1)} MiB; parsing`);
    const parsed = parseAlone(feed.body);
    const engines: ('pglite' | 'postgres')[] = ['pglite', ...((await postgresReachable()) ? (['postgres'] as const) : [])];
    const results: Record<string, Awaited<ReturnType<typeof importRuns>>> = {};
    for (const engine of engines) results[engine] = await importRuns(engine, feed, server.url);

    const rows: Row[] = [
      { metric: `feed: ${EVENTS} events, ${parsed.occurrences} busy occurrences`, value: bytes / 1024, unit: 'KiB' },
      { metric: 'parse alone (median)', value: parsed.ms, unit: 'ms' },
    ];
    const summary: Record<string, unknown> = { events: EVENTS, occurrences: parsed.occurrences, feedBytes: bytes, runs: RUNS, parseMs: round(parsed.ms, 1) };
    for (const [engine, { full, incremental, unchanged }] of Object.entries(results)) {
      for (const [name, of] of [
        ['full import', full],
        ['incremental, one event moved', incremental],
        ['unchanged re-sync', unchanged],
      ] as const) {
        rows.push({ metric: `${engine}: ${name} (median, ${of.outcome})`, value: median(of.ms), unit: 'ms' });
        rows.push({ metric: `${engine}: ${name}, events appended`, value: median(of.events), unit: 'events' });
      }
      summary[engine] = {
        fullImportMs: round(median(full.ms), 0),
        fullImportEvents: median(full.events),
        incrementalMs: round(median(incremental.ms), 1),
        incrementalEvents: median(incremental.events),
        unchangedMs: round(median(unchanged.ms), 1),
        unchangedEvents: median(unchanged.events),
      };
    }
    printReport(`calendars benchmark: a ${EVENTS}-event ICS feed through the sync path, ${RUNS} runs`, rows, summary);
  } finally {
    await server.close();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
