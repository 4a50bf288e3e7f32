import { EventEmitter } from 'node:events';
import { NewEvent, RecordedEvent } from '@kairos/core';
import { SqlClient, SqlExecutor, isUniqueViolation } from '@kairos/sql';
import {
  AppendRequest,
  AppendResult,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  SubscribeAllOptions,
  Subscription,
  WrongExpectedRevision,
} from '../event-store';
import { pollingSubscription } from '../subscription';

const NOTIFY_CHANNEL = 'kairos_events';
/** Any fixed 64-bit key; it only has to be the same in every process. */
const APPEND_LOCK_KEY = 7_150_311_019;

interface EventRow {
  position: string;
  stream_id: string;
  stream_revision: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: RecordedEvent['metadata'];
  recorded_at: Date | string;
}

const COLUMNS = 'position, stream_id, stream_revision, event_id, type, schema_version, data, metadata, recorded_at';

const toRecorded = (row: EventRow): RecordedEvent => ({
  id: row.event_id,
  type: row.type,
  schemaVersion: row.schema_version,
  data: row.data,
  metadata: row.metadata,
  streamId: row.stream_id,
  streamRevision: Number(row.stream_revision),
  position: Number(row.position),
  recordedAt: new Date(row.recorded_at).toISOString(),
});

export const EVENT_STORE_SCHEMA = `
create table if not exists kairos_events (
  position bigint generated always as identity primary key,
  transaction_id xid8 not null default pg_current_xact_id(),
  stream_id text not null,
  stream_revision bigint not null,
  event_id uuid not null,
  type text not null,
  schema_version int not null,
  data jsonb not null,
  metadata jsonb not null,
  recorded_at timestamptz not null default now(),
  constraint kairos_events_stream_revision unique (stream_id, stream_revision),
  constraint kairos_events_event_id unique (event_id)
)`;

/**
 * One adapter for PostgreSQL and PGlite.
 *
 * The global position comes from an identity column, which is assigned at insert, not at commit:
 * a reader could see position 11 committed while 10 is still in flight and move past 10 forever.
 * Two things prevent that:
 * - Appenders take a session lock around the insert only (not the commit), so transaction ids and
 *   positions are handed out in the same order across appenders.
 * - Readers see only events of transactions older than the oldest one still running
 *   (`pg_snapshot_xmin`). Any in-flight append therefore holds positions above everything visible.
 * Commits still overlap (group commit), unlike a lock held until commit.
 */
export class SqlEventStore implements EventStore {
  readonly engine: string;
  private readonly appended = new EventEmitter();
  private schemaReady?: Promise<void>;

  constructor(private readonly client: SqlClient) {
    this.engine = client.dialect;
    this.appended.setMaxListeners(0);
  }

  init(): Promise<void> {
    this.schemaReady ??= this.client.transaction(async (tx) => {
      if (this.client.concurrent) await tx.query('select pg_advisory_xact_lock($1)', [APPEND_LOCK_KEY + 1]);
      await tx.query(EVENT_STORE_SCHEMA);
    });
    return this.schemaReady;
  }

  async append(requests: AppendRequest[]): Promise<AppendResult> {
    await this.init();
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.client.transaction((tx) => appendInTransaction(tx, requests, this.client.concurrent));
        this.appended.emit('appended');
        return result;
      } catch (error) {
        if (isUniqueViolation(error, 'kairos_events_event_id')) {
          // A concurrent retry of the same events won; answer as an idempotent retry would.
          const found = await this.client.transaction((tx) => findAppended(tx, requests));
          if (found) return found;
        }
        if (!isUniqueViolation(error, 'kairos_events_stream_revision')) throw error;
        const conflicted = await this.firstConflict(requests);
        // Lost a race that an 'any' or 'streamExists' writer does not care about: take the next revision.
        if (!conflicted && attempt < 20) continue;
        const stream = conflicted ?? requests[0];
        throw new WrongExpectedRevision(stream.streamId, stream.expectedRevision, await this.revisionOf(stream.streamId));
      }
    }
  }

  private async firstConflict(requests: AppendRequest[]): Promise<AppendRequest | undefined> {
    for (const request of requests) {
      const actual = await this.revisionOf(request.streamId);
      if (!revisionMatches(request.expectedRevision, actual)) return request;
    }
    return undefined;
  }

  private async revisionOf(streamId: string): Promise<number | 'noStream'> {
    return currentRevision(this.client, streamId);
  }

  async readStream(streamId: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    await this.init();
    const rows = await this.client.query<EventRow>(
      `select ${COLUMNS} from kairos_events where stream_id = $1 and stream_revision >= $2 order by stream_revision`,
      [streamId, options.fromRevision ?? 0],
    );
    return rows.map(toRecorded);
  }

  async readAll({ after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    await this.init();
    const rows = await this.client.query<EventRow>(
      `select ${COLUMNS} from kairos_events
        where position > $1 and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        order by position limit $2`,
      [after ?? 0, limit],
    );
    return rows.map(toRecorded);
  }

  async headPosition(): Promise<number | null> {
    await this.init();
    const [row] = await this.client.query<{ position: string | null }>(
      `select max(position) as position from kairos_events where transaction_id < pg_snapshot_xmin(pg_current_snapshot())`,
    );
    return row.position === null ? null : Number(row.position);
  }

  subscribeAll(options: SubscribeAllOptions): Subscription {
    return pollingSubscription({
      ...options,
      read: (after, limit) => this.readAll({ after, limit }),
      onWake: (wake) => {
        this.appended.on('appended', wake);
        const unlisten = this.client.concurrent ? this.client.listen(NOTIFY_CHANNEL, wake) : undefined;
        return async () => {
          this.appended.off('appended', wake);
          await (await unlisten?.catch(() => undefined))?.();
        };
      },
    });
  }

  async ping(): Promise<void> {
    await this.client.query('select 1');
  }

  async close(): Promise<void> {
    this.appended.removeAllListeners();
  }
}

const revisionMatches = (expected: ExpectedRevision, actual: number | 'noStream'): boolean => {
  switch (expected) {
    case 'any':
      return true;
    case 'noStream':
      return actual === 'noStream';
    case 'streamExists':
      return actual !== 'noStream';
    default:
      return actual === expected;
  }
};

const currentRevision = async (tx: SqlExecutor, streamId: string): Promise<number | 'noStream'> => {
  const [row] = await tx.query<{ revision: string | null }>(
    'select max(stream_revision) as revision from kairos_events where stream_id = $1',
    [streamId],
  );
  return row.revision === null ? 'noStream' : Number(row.revision);
};

/**
 * An append whose events are all stored already, each in the stream it names, is a retry:
 * EventStoreDB answers it with the original result, and so do we.
 */
const findAppended = async (tx: SqlExecutor, requests: AppendRequest[]): Promise<AppendResult | null> => {
  const ids = requests.flatMap((r) => r.events.map((e) => e.id));
  if (ids.length === 0) return null;
  const rows = await tx.query<{ event_id: string; stream_id: string; stream_revision: string; position: string }>(
    'select event_id, stream_id, stream_revision, position from kairos_events where event_id = any($1::uuid[])',
    [ids],
  );
  if (rows.length === 0) return null;
  const byId = new Map(rows.map((r) => [r.event_id, r]));
  const complete = requests.every((r) => r.events.every((e) => byId.get(e.id)?.stream_id === r.streamId));
  if (!complete) {
    const partial = requests.find((r) => r.events.some((e) => byId.get(e.id)?.stream_id !== r.streamId)) ?? requests[0];
    throw new WrongExpectedRevision(partial.streamId, partial.expectedRevision, await currentRevision(tx, partial.streamId));
  }
  return {
    nextRevisions: requests.map((r) => Math.max(...r.events.map((e) => Number(byId.get(e.id)!.stream_revision)))),
    position: Math.max(...rows.map((r) => Number(r.position))),
  };
};

/**
 * The append itself, on a transaction the caller owns. Exported so a test can hold a transaction
 * open mid-append and prove readers wait for it.
 */
export const appendInTransaction = async (
  tx: SqlExecutor,
  requests: AppendRequest[],
  lockAcrossConnections: boolean,
): Promise<AppendResult> => {
  const retried = await findAppended(tx, requests);
  if (retried) return retried;

  const streamIds = new Set<string>();
  const rows: { streamId: string; revision: number; event: NewEvent }[] = [];
  const nextRevisions: number[] = [];
  for (const request of requests) {
    if (streamIds.has(request.streamId)) throw new Error(`stream ${request.streamId} appears twice in one append`);
    streamIds.add(request.streamId);
    const actual = await currentRevision(tx, request.streamId);
    if (!revisionMatches(request.expectedRevision, actual)) {
      throw new WrongExpectedRevision(request.streamId, request.expectedRevision, actual);
    }
    let revision = actual === 'noStream' ? -1 : actual;
    for (const event of request.events) rows.push({ streamId: request.streamId, revision: ++revision, event });
    nextRevisions.push(revision);
  }
  if (rows.length === 0) throw new Error('an append needs at least one event');

  // Everything above only read, so this transaction has no id yet; it gets one at the insert, under the lock.
  if (lockAcrossConnections) await tx.query('select pg_advisory_lock($1)', [APPEND_LOCK_KEY]);
  const inserted = await tx.query<{ position: string }>(
    `insert into kairos_events (stream_id, stream_revision, event_id, type, schema_version, data, metadata)
     select s, r, i, t, v, d, m from unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[])
       with ordinality as e(s, r, i, t, v, d, m, n)
     order by n
     returning position`,
    [
      rows.map((r) => r.streamId),
      rows.map((r) => r.revision),
      rows.map((r) => r.event.id),
      rows.map((r) => r.event.type),
      rows.map((r) => r.event.schemaVersion),
      rows.map((r) => JSON.stringify(r.event.data)),
      rows.map((r) => JSON.stringify(r.event.metadata)),
    ],
  );
  if (lockAcrossConnections) await tx.query('select pg_advisory_unlock($1)', [APPEND_LOCK_KEY]);
  await tx.query(`select pg_notify('${NOTIFY_CHANNEL}', '')`);
  return { nextRevisions, position: Math.max(...inserted.map((r) => Number(r.position))) };
};
