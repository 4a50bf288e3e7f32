/**
 * The CalDAV source on a large calendar: a Radicale of its own (scripts/radicale.sh with a
 * temporary state folder) holding N one-off events (KAIROS_BENCH_EVENTS, 10,000 by default,
 * uploaded as one calendar), then, each KAIROS_BENCH_ROUNDS times (5):
 *  - a full read of the year's window (calendar-query with a time range, every object parsed);
 *  - an incremental read of the unchanged calendar (one PROPFIND: the sync token did not move);
 *  - an incremental read after one event changed (PROPFIND, sync-collection, calendar-multiget of one object).
 * Progress goes to stderr; the table and the JSON summary to stdout.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CalDavSource } from '../apps/kairos/src/calendars/sources/caldav';
import { ReadRequest, SourceAnswer, SourceConnection } from '../apps/kairos/src/calendars/sources/source';
import { printReport } from './kit/report';
import { median, round } from './kit/stats';

const EVENTS = Number(process.env.KAIROS_BENCH_EVENTS ?? 10_000);
const ROUNDS = Number(process.env.KAIROS_BENCH_ROUNDS ?? 5);
const USER = 'bench';
const window = { from: new Date('2027-01-01T00:00:00Z'), to: new Date('2028-01-01T00:00:00Z') };
const progress = (message: string) => process.stderr.write(`[caldav bench] ${message}\n`);
const auth = { authorization: `Basic ${Buffer.from(`${USER}:x`).toString('base64')}` };

const stamp = (date: Date) => `${date.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
const vevent = (i: number, shift = 0) => {
  const start = new Date(window.from.getTime() + i * 48 * 60_000 + shift);
  return ['BEGIN:VEVENT', `UID:e${i}@bench`, 'DTSTAMP:20270101T000000Z', `DTSTART:${stamp(start)}`, `DTEND:${stamp(new Date(start.getTime() + 30 * 60_000))}`, `SUMMARY:Event ${i}`, 'END:VEVENT'];
};
const vcalendar = (events: string[][]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Kairos bench//EN', ...events.flat(), 'END:VCALENDAR', ''].join('\r\n');

const must = async (response: Promise<Response>, what: string) => {
  const answer = await response;
  if (!answer.ok) throw new Error(`${what} answered ${answer.status}: ${await answer.text()}`);
};

const main = async () => {
  const state = mkdtempSync(join(tmpdir(), 'kairos-caldav-bench-'));
  const env = { ...process.env, KAIROS_RADICALE_STATE: state };
  const root = execFileSync('bash', ['scripts/radicale.sh', 'start'], { env, encoding: 'utf8' }).trim().split('\n').pop()!;
  try {
    const url = new URL(`${USER}/big/`, root).href;
    await must(fetch(url, { method: 'MKCALENDAR', headers: auth }), 'MKCALENDAR');
    progress(`uploading ${EVENTS} events to ${url} (Radicale splits the calendar into one object per UID)`);
    const uploadStart = performance.now();
    await must(
      fetch(url, { method: 'PUT', headers: { ...auth, 'content-type': 'text/calendar' }, body: vcalendar(Array.from({ length: EVENTS }, (_, i) => vevent(i))) }),
      'PUT of the calendar',
    );
    progress(`uploaded in ${Math.round(performance.now() - uploadStart)} ms`);

    const source = new CalDavSource({ limits: { timeoutMs: 600_000, maxBytes: 200 * 1024 * 1024, maxOccurrences: 100_000 }, allowPrivateHosts: true });
    const connection: SourceConnection = { id: 'bench', source: 'CALDAV', url, username: USER, secret: 'x', ownerEmail: null, timeZone: 'Europe/Paris' };
    const read = async (cursor: string | null): Promise<{ ms: number; answer: SourceAnswer }> => {
      const started = performance.now();
      const answer = await source.read({ connection, window, cursor, incremental: cursor !== null, signal: new AbortController().signal } satisfies ReadRequest);
      return { ms: performance.now() - started, answer };
    };

    const full: number[] = [];
    const unchanged: number[] = [];
    const oneChange: number[] = [];
    let cursor: string | null = null;
    for (let round = 0; round < ROUNDS; round++) {
      const whole = await read(null);
      if (whole.answer.kind !== 'read' || whole.answer.snapshot.occurrences.length !== EVENTS) throw new Error(`a full read brought ${whole.answer.kind === 'read' ? whole.answer.snapshot.occurrences.length : 'nothing'}, not ${EVENTS}`);
      full.push(whole.ms);
      cursor = whole.answer.cursor;

      const same = await read(cursor);
      if (same.answer.kind !== 'unchanged') throw new Error('an untouched calendar read as changed');
      unchanged.push(same.ms);

      const changed = round % EVENTS;
      await must(fetch(new URL(`e${changed}@bench.ics`, url), { method: 'PUT', headers: { ...auth, 'content-type': 'text/calendar' }, body: vcalendar([vevent(changed, (round + 1) * 60_000)]) }), 'PUT of one event');
      const delta = await read(cursor);
      if (delta.answer.kind !== 'read' || delta.answer.snapshot.kind !== 'delta' || delta.answer.snapshot.changedObjects.length !== 1) throw new Error('one change did not read as a delta of one object');
      oneChange.push(delta.ms);
      progress(`round ${round + 1}/${ROUNDS}: full ${Math.round(whole.ms)} ms, unchanged ${Math.round(same.ms)} ms, one change ${Math.round(delta.ms)} ms`);
    }

    printReport(
      `CalDAV source on Radicale, ${EVENTS} events (medians of ${ROUNDS})`,
      [
        { metric: 'full read of the window', value: round(median(full), 1), unit: 'ms' },
        { metric: 'incremental read, unchanged', value: round(median(unchanged), 1), unit: 'ms' },
        { metric: 'incremental read, one event changed', value: round(median(oneChange), 1), unit: 'ms' },
      ],
      { events: EVENTS, rounds: ROUNDS, fullMs: full, unchangedMs: unchanged, oneChangeMs: oneChange },
    );
  } finally {
    execFileSync('bash', ['scripts/radicale.sh', 'stop'], { env, stdio: 'inherit' });
    rmSync(state, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
