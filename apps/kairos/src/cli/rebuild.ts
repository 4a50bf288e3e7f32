import { performance } from 'node:perf_hooks';
import { DEFAULT_REBUILD_MEMORY_BYTES, Projection, rebuildProjections } from '@kairos/projections';
import { ConfigError, loadConfig } from '../config/config';
import { PROJECTIONS } from '../infrastructure/projections';
import { Stores, openStores } from '../infrastructure/stores';

/*
 * Replays the whole event log into fresh read-model collections and swaps them in with their
 * checkpoint (ReadStore.rebuild).
 *
 * Embedded default (PGlite): one process owns the data folder, so the service must be stopped
 * while this runs; two processes on one folder corrupt it. PostgreSQL: the service may keep
 * running; the swap is one transaction and its live runners notice the moved checkpoint and
 * continue from it.
 */

const USAGE = `usage: npm run rebuild -- <projection|all> [projection...]

Replays the event log once into fresh read models for the projections named and swaps them in.
Projections: ${PROJECTIONS.map((p) => p.name).join(', ')}, or all.
With the embedded database (KAIROS_EVENT_STORE=pglite, the default) stop the service first:
one process owns the data folder. With PostgreSQL the service may keep running.
KAIROS_REBUILD_MEMORY_MB (default ${DEFAULT_REBUILD_MEMORY_BYTES / 1024 / 1024}): read-model documents kept in memory
before they are written out.
`;

export class UnknownProjection extends Error {
  constructor(readonly names: string[]) {
    super(`unknown projection ${names.join(', ')}; valid names: ${PROJECTIONS.map((p) => p.name).join(', ')}, all`);
    this.name = 'UnknownProjection';
  }
}

/** In the order the runtime declares them, each once, whatever order or repeats the caller used. */
export const selectProjections = (names: string[]): Projection[] => {
  if (names.includes('all')) return PROJECTIONS;
  const unknown = names.filter((name) => !PROJECTIONS.some((p) => p.name === name));
  if (unknown.length > 0) throw new UnknownProjection(unknown);
  return PROJECTIONS.filter((p) => names.includes(p.name));
};

export interface RebuildOutput {
  /** Called after every replayed batch; the caller decides how often to show it. */
  progress(line: string): void;
  /** One summary line per projection, once it is swapped in. */
  done(line: string): void;
}

export interface RebuildResult {
  projection: string;
  events: number;
  seconds: number;
}

const BAR_WIDTH = 24;

const perSecond = (events: number, seconds: number) => Math.round(events / Math.max(seconds, 0.001));

const progressLine = (name: string, position: number, head: number, events: number, seconds: number) => {
  const fraction = head > 0 ? Math.min(1, position / head) : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}`;
  return `${name} [${bar}] ${events} events, position ${position}/${head} (${(fraction * 100).toFixed(1)}%), ${perSecond(events, seconds)} events/s`;
};

/**
 * Rebuilds the named projections (or `all`) in one pass over the log; throws UnknownProjection
 * before touching anything. Each is swapped in once all are built, so every line reports the pass.
 */
export const rebuild = async (
  names: string[],
  stores: Pick<Stores, 'eventStore' | 'readStore'>,
  out: RebuildOutput,
  memoryBytes = DEFAULT_REBUILD_MEMORY_BYTES,
): Promise<RebuildResult[]> => {
  const projections = selectProjections(names);
  // The swap writes the live checkpoint table, which a store the service never started lacks.
  await stores.readStore.ensureCollections(projections.flatMap((p) => p.collections));
  const head = await stores.eventStore.headPosition();
  const label = projections.length === PROJECTIONS.length ? 'all' : projections.map((p) => p.name).join(',');
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const events = await rebuildProjections(projections, stores.eventStore, stores.readStore, {
    memoryBytes,
    onProgress: (position, count) =>
      // On PostgreSQL the log may grow during the rebuild; the head read at the start is then passed.
      out.progress(progressLine(label, position, Math.max(head ?? 0, position), count, elapsed())),
  });
  const seconds = elapsed();
  return projections.map((projection) => {
    out.done(`${projection.name}: ${events} events in ${seconds.toFixed(2)} s (${perSecond(events, seconds)} events/s)`);
    return { projection: projection.name, events, seconds };
  });
};

/** KAIROS_REBUILD_MEMORY_MB in bytes; null when it is not a positive number. */
const memoryBudget = (value: string | undefined): number | null => {
  if (value === undefined || value === '') return DEFAULT_REBUILD_MEMORY_BYTES;
  const mb = Number(value);
  return Number.isFinite(mb) && mb > 0 ? mb * 1024 * 1024 : null;
};

/** Progress on stderr: redrawn in place on a terminal; elsewhere (logs, CI) a line a second so the log stays short. */
const consoleOutput = (stderr: NodeJS.WriteStream, stdout: NodeJS.WriteStream) => {
  const tty = stderr.isTTY;
  const everyMs = tty ? 100 : 1000;
  let lastShown = 0;
  let drawn = false;
  const clear = () => {
    if (drawn) stderr.write('\r\x1b[K');
    drawn = false;
  };
  return {
    progress(line: string) {
      const now = Date.now();
      if (now - lastShown < everyMs) return;
      lastShown = now;
      if (tty) {
        stderr.write(`\r\x1b[K${line}`);
        drawn = true;
      } else {
        stderr.write(`${line}\n`);
      }
    },
    done(line: string) {
      clear();
      lastShown = 0;
      stdout.write(`${line}\n`);
    },
    clear,
  };
};

const main = async (args: string[]): Promise<number> => {
  if (args.length === 0 || args.some((a) => a === '-h' || a === '--help')) {
    process.stderr.write(USAGE);
    return 2;
  }
  try {
    selectProjections(args);
  } catch (error) {
    if (!(error instanceof UnknownProjection)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  const memoryBytes = memoryBudget(process.env.KAIROS_REBUILD_MEMORY_MB);
  if (memoryBytes === null) {
    process.stderr.write(`KAIROS_REBUILD_MEMORY_MB must be a positive number of megabytes, got ${process.env.KAIROS_REBUILD_MEMORY_MB}\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const stores = await openStores(config);
  const out = consoleOutput(process.stderr, process.stdout);
  try {
    await rebuild(args, stores, out, memoryBytes);
    return 0;
  } catch (error) {
    out.clear();
    process.stderr.write(`rebuild failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  } finally {
    await stores.close();
  }
};

if (require.main === module) {
  main(process.argv.slice(2)).then(
    // Exit explicitly: a client that keeps a timer alive must not leave the command hanging once done.
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`rebuild failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
