/**
 * The event store on PostgreSQL and PGlite. One file over 400 lines on purpose: the append function's SQL,
 * its advisory-lock protocol and the readers' snapshot rule only prove the global order together (README,
 * "Ordering guarantees of the SQL event store"), so they are read side by side.
 */
import { EventEmitter } from 'node:events';
import { RecordedEvent, deepFreeze } from '@kairos/core';
import { SqlClient, SqlExecutor, isRefusedStatement, isUniqueViolation } from '@kairos/sql';
import {
  AppendRequest,
  AppendResult,
  EventStore,
  ReadAllOptions,
  SubscribeAllOptions,
  Subscription,
  WrongExpectedRevision,
} from '../event-store';
import { pollingSubscription } from '../subscription';

const NOTIFY_CHANNEL = 'kairos_events';
/** Any fixed 64-bit key; it only has to be the same in every process. */
const APPEND_LOCK_KEY = 7_150_311_019;
/** Our own SQLSTATE (class KR is unused by PostgreSQL), so a failed expectation is told apart from any other error. */
const WRONG_EXPECTED_REVISION = 'KR001';
const MAX_ATTEMPTS = 20;

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

interface LogRead {
  after: number;
  limit: number;
  resolve(events: RecordedEvent[]): void;
  reject(error: unknown): void;
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
 *
 * An append is one call of `kairos_append` (below), one statement and so one round trip: the lock
 * is held for the insert alone, never across a round trip to the client.
 */
export class SqlEventStore implements EventStore {
  readonly engine: string;
  private readonly appended = new EventEmitter();
  /** The notification on its way to other processes, if any; `notifyAgain` asks for one more after it. */
  private notifying?: Promise<void>;
  private notifyAgain = false;
  private schemaReady?: Promise<void>;
  private pendingReads: { streamId: string; fromRevision: number; resolve(events: RecordedEvent[]): void; reject(error: unknown): void }[] = [];
  private pendingLogReads: LogRead[] = [];

  constructor(private readonly client: SqlClient) {
    this.engine = client.dialect;
    this.appended.setMaxListeners(0);
  }

  init(): Promise<void> {
    this.schemaReady ??= this.client.transaction(async (tx) => {
      if (this.client.concurrent) await tx.query('select pg_advisory_xact_lock($1)', [APPEND_LOCK_KEY + 1]);
      await tx.query(EVENT_STORE_SCHEMA);
      await tx.query(APPEND_FUNCTION);
    }).catch((error: unknown) => {
      // Not remembered: the next call tries again (the server may only have been down).
      this.schemaReady = undefined;
      throw error;
    });
    return this.schemaReady;
  }

  async append(requests: AppendRequest[]): Promise<AppendResult> {
    await this.init();
    for (let attempt = 1; ; attempt++) {
      try {
        // Outside a transaction: the single statement is its own, and the commit costs no extra round trip.
        const result = await appendInTransaction(this.client, requests, this.client.concurrent);
        this.appended.emit('appended');
        this.notifyOtherProcesses();
        return result;
      } catch (error) {
        const lostRace = isUniqueViolation(error, 'kairos_events_stream_revision') || isUniqueViolation(error, 'kairos_events_event_id');
        // Another append committed past our checks. Trying again re-checks everything: a concurrent retry of the
        // same events is answered as a retry, a moved stream fails its expectation, and an 'any' or 'streamExists'
        // writer takes the next revision.
        if (lostRace && attempt < MAX_ATTEMPTS) continue;
        if (!isUniqueViolation(error, 'kairos_events_stream_revision')) throw error;
        const [stream] = requests;
        throw new WrongExpectedRevision(stream.streamId, stream.expectedRevision, await currentRevision(this.client, stream.streamId));
      }
    }
  }

  /**
   * Not part of the append's transaction: a NOTIFY there takes a database-wide lock that is held
   * through the commit's flush, and so serialized the commits of all appenders. Sent after the commit
   * instead, one at a time; every append is still followed by a notification sent after its commit.
   * Should this process die in between, subscribers find the events at their next poll.
   */
  private notifyOtherProcesses(): void {
    // PGlite has no other processes; its subscribers hear the emitter.
    if (!this.client.concurrent) return;
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifying = (async () => {
      do {
        this.notifyAgain = false;
        // A lost notification only delays subscribers until their poll; the append itself succeeded.
        await this.client.query(`select pg_notify('${NOTIFY_CHANNEL}', '')`).catch(() => undefined);
      } while (this.notifyAgain);
      this.notifying = undefined;
    })();
  }

  /**
   * Streams asked for in the same turn of the event loop (one command loading several, or many
   * requests at once) are read with one statement: under load a round trip costs far more than
   * the rows. A batch is one snapshot, so its streams are at least as consistent as separate reads.
   */
  readStream(streamId: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    return new Promise((resolve, reject) => {
      if (this.pendingReads.length === 0) setImmediate(() => void this.readPending());
      this.pendingReads.push({ streamId, fromRevision: options.fromRevision ?? 0, resolve, reject });
    });
  }

  private async readPending() {
    const reads = this.pendingReads;
    this.pendingReads = [];
    const byId = new Map<string, typeof reads>();
    for (const read of reads) {
      const same = byId.get(read.streamId);
      if (same) same.push(read);
      else byId.set(read.streamId, [read]);
    }
    const settle = (streamReads: typeof reads, byStream: Map<string, RecordedEvent[]>) => {
      for (const read of streamReads) read.resolve((byStream.get(read.streamId) ?? []).filter((e) => e.streamRevision >= read.fromRevision));
    };
    try {
      await this.init();
      settle(reads, await this.readStreams([...byId.keys()]));
    } catch (error) {
      if (!sharedByOthers([...byId.keys()], error)) {
        for (const read of reads) read.reject(error);
        return;
      }
      // The batch is many callers' reads: the one the server refused must fail alone.
      await Promise.all(
        [...byId].map(([streamId, streamReads]) =>
          this.readStreams([streamId]).then(
            (byStream) => settle(streamReads, byStream),
            (alone: unknown) => streamReads.forEach((read) => read.reject(alone)),
          ),
        ),
      );
    }
  }

  private async readStreams(streamIds: string[]): Promise<Map<string, RecordedEvent[]>> {
    const rows = await this.client.query<EventRow>(
      `select ${COLUMNS} from kairos_events where stream_id = any($1::text[]) order by stream_id, stream_revision`,
      [streamIds],
    );
    const byStream = new Map<string, RecordedEvent[]>();
    for (const row of rows) {
      const events = byStream.get(row.stream_id) ?? [];
      events.push(toRecorded(row));
      byStream.set(row.stream_id, events);
    }
    return byStream;
  }

  /**
   * Every runner follows the log on its own, and one append wakes them all in the same turn, from
   * nearly the same place. Reads asked for in one turn whose starts lie within a batch of each
   * other share one statement; each gets exactly the rows it would have read alone (positions are
   * distinct integers, so at most `after − from` rows come before its own). Events are frozen: a
   * consumer that changed a shared one would change it for the others.
   */
  readAll({ after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    return new Promise((resolve, reject) => {
      if (this.pendingLogReads.length === 0) setImmediate(() => void this.readLogPending());
      this.pendingLogReads.push({ after: after ?? 0, limit, resolve, reject });
    });
  }

  private async readLogPending() {
    const reads = this.pendingLogReads.sort((a, b) => a.after - b.after);
    this.pendingLogReads = [];
    const groups: LogRead[][] = [];
    for (const read of reads) {
      const group = groups[groups.length - 1];
      if (group && read.after - group[0].after <= read.limit) group.push(read);
      else groups.push([read]);
    }
    await Promise.all(groups.map((group) => this.readLogGroup(group)));
  }

  private async readLogGroup(group: LogRead[]): Promise<void> {
    const from = group[0].after;
    try {
      await this.init();
      const rows = await this.client.query<EventRow>(
        `select ${COLUMNS} from kairos_events
          where position > $1 and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          order by position limit $2`,
        [from, Math.max(...group.map((r) => r.after - from + r.limit))],
      );
      // Frozen whether shared or not, so a consumer that changes one fails on its first try, not only under load.
      const events = rows.map(toRecorded).map(deepFreeze);
      for (const read of group) {
        const first = events.findIndex((e) => e.position > read.after);
        read.resolve(first < 0 ? [] : events.slice(first, first + read.limit));
      }
    } catch (error) {
      if (sharedByOthers(group, error)) await Promise.all(group.map((read) => this.readLogGroup([read])));
      else for (const read of group) read.reject(error);
    }
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
        // Handled now, not at unregister: a listener that could not start leaves the subscription to its polling.
        const unlisten = this.client.concurrent ? this.client.listen(NOTIFY_CHANNEL, wake).catch(() => undefined) : undefined;
        return async () => {
          this.appended.off('appended', wake);
          await (await unlisten)?.();
        };
      },
    });
  }

  async ping(): Promise<void> {
    await this.client.query('select 1');
  }

  async close(): Promise<void> {
    await this.notifying;
    this.appended.removeAllListeners();
  }
}

/**
 * Whether a batched read failed on what one member asked for (the server refused the statement, a
 * stream id it cannot hold, say) rather than on the way to the server, and others share the batch:
 * then each is read alone, so only the bad one fails. An outage fails the whole batch at once.
 */
const sharedByOthers = (members: unknown[], error: unknown): boolean =>
  members.length > 1 && isRefusedStatement(error);

const currentRevision = async (db: SqlExecutor, streamId: string): Promise<number | 'noStream'> => {
  const [row] = await db.query<{ revision: string | number | null }>(
    'select max(stream_revision) as revision from kairos_events where stream_id = $1',
    [streamId],
  );
  return row.revision === null ? 'noStream' : Number(row.revision);
};

/**
 * The whole append in one statement. Nothing in it writes before the lock, so the transaction gets
 * its id at the insert, under the lock (`pg_current_xact_id()` in the column default).
 *
 * An append whose events are all stored already, each in the stream it names, is a retry:
 * EventStoreDB answers it with the original result, and so do we. Some of them stored, or stored
 * elsewhere, is a conflict.
 *
 * The lock is a session lock, which a failed statement would leave held on a pooled connection
 * that no one then unlocks; hence the handler. It also catches query_canceled, which `others` leaves out.
 */
const APPEND_FUNCTION = `
create or replace function kairos_append(
  p_streams text[], p_expected text[], p_events jsonb, p_lock boolean,
  out next_revisions bigint[], out last_position bigint
) language plpgsql as $$
declare
  retried boolean := exists (
    select from kairos_events where event_id = any(array(select (e->>'id')::uuid from jsonb_array_elements(p_events) j(e))));
  heads bigint[];
  conflict bigint;
  actual bigint;
begin
  if retried then
    select array_agg(coalesce(x.last, x.head, -1) order by x.n), max(x.pos), min(x.n) filter (where x.missing)
      into next_revisions, last_position, conflict
      from (select s.n, max(k.stream_revision) as last, max(k.position) as pos,
                   bool_or(j.e is not null and k.event_id is null) as missing,
                   (select max(h.stream_revision) from kairos_events h where h.stream_id = s.sid) as head
              from unnest(p_streams) with ordinality s(sid, n)
              left join jsonb_array_elements(p_events) j(e) on j.e->>'streamId' = s.sid
              left join kairos_events k on k.event_id = (j.e->>'id')::uuid and k.stream_id = s.sid
             group by s.n, s.sid) x;
  else
    select array_agg(x.head order by x.n), min(x.n) filter (where not x.expected)
      into heads, conflict
      from (select s.n, h.head,
                   case s.ex
                     when 'any' then true
                     when 'noStream' then h.head is null
                     when 'streamExists' then h.head is not null
                     else h.head is not null and h.head = s.ex::bigint
                   end as expected
              from unnest(p_streams, p_expected) with ordinality s(sid, ex, n)
              cross join lateral (select max(stream_revision) as head from kairos_events where stream_id = s.sid) h) x;
  end if;

  if conflict is not null then
    select max(stream_revision) into actual from kairos_events where stream_id = p_streams[conflict];
    raise exception using
      errcode = '${WRONG_EXPECTED_REVISION}',
      message = format('stream %s: expected revision %s, actual %s', p_streams[conflict], p_expected[conflict], coalesce(actual::text, 'noStream')),
      detail = json_build_object('streamId', p_streams[conflict], 'actual', actual)::text;
  end if;
  if retried then
    return;
  end if;

  begin
    if p_lock then
      perform pg_advisory_lock(${APPEND_LOCK_KEY});
    end if;
    with inserted as (
      insert into kairos_events (stream_id, stream_revision, event_id, type, schema_version, data, metadata)
      select s.sid, coalesce(s.head, -1) + row_number() over (partition by s.sid order by j.n),
             (j.e->>'id')::uuid, j.e->>'type', (j.e->>'schemaVersion')::int, j.e->'data', j.e->'metadata'
        from jsonb_array_elements(p_events) with ordinality j(e, n)
        join unnest(p_streams, heads) s(sid, head) on s.sid = j.e->>'streamId'
       order by j.n
      returning stream_id, stream_revision, position
    )
    select array_agg(coalesce(i.last, s.head, -1) order by s.n), max(i.pos)
      into next_revisions, last_position
      from unnest(p_streams, heads) with ordinality s(sid, head, n)
      left join (select stream_id, max(stream_revision) as last, max(position) as pos from inserted group by stream_id) i
        on i.stream_id = s.sid;
  exception when others or query_canceled then
    if p_lock then
      perform pg_advisory_unlock(${APPEND_LOCK_KEY});
    end if;
    raise;
  end;
  if p_lock then
    perform pg_advisory_unlock(${APPEND_LOCK_KEY});
  end if;
end
$$`;

const asWrongExpectedRevision = (error: unknown, requests: AppendRequest[]): WrongExpectedRevision | undefined => {
  const { code, detail } = (error ?? {}) as { code?: string; detail?: string };
  if (code !== WRONG_EXPECTED_REVISION || !detail) return undefined;
  const { streamId, actual } = JSON.parse(detail) as { streamId: string; actual: number | null };
  const request = requests.find((r) => r.streamId === streamId);
  return request && new WrongExpectedRevision(streamId, request.expectedRevision, actual ?? 'noStream');
};

/**
 * The append itself, on an executor the caller picks: a client, where the statement is its own
 * transaction, or a transaction the caller owns and may hold open after the append (a test does,
 * to prove readers wait for it).
 */
export const appendInTransaction = async (
  db: SqlExecutor,
  requests: AppendRequest[],
  lockAcrossConnections: boolean,
): Promise<AppendResult> => {
  const streamIds = new Set<string>();
  const eventIds = new Set<string>();
  for (const request of requests) {
    if (streamIds.has(request.streamId)) throw new Error(`stream ${request.streamId} appears twice in one append`);
    streamIds.add(request.streamId);
    for (const { id } of request.events) {
      // It could never be stored, and would only look like a race lost to a retry of itself.
      if (eventIds.has(id)) throw new Error(`event ${id} appears twice in one append`);
      eventIds.add(id);
    }
  }
  if (eventIds.size === 0) throw new Error('an append needs at least one event');

  // One JSON document rather than an array per column: cheaper to build here and to parse there.
  const events = requests.flatMap(({ streamId, events }) =>
    events.map(({ id, type, schemaVersion, data, metadata }) => ({ streamId, id, type, schemaVersion, data, metadata })),
  );
  try {
    const [row] = await db.query<{ next_revisions: (string | number)[]; last_position: string | number }>(
      'select next_revisions, last_position from kairos_append($1::text[], $2::text[], $3::jsonb, $4)',
      [requests.map((r) => r.streamId), requests.map((r) => String(r.expectedRevision)), JSON.stringify(events), lockAcrossConnections],
    );
    return { nextRevisions: row.next_revisions.map(Number), position: Number(row.last_position) };
  } catch (error) {
    throw asWrongExpectedRevision(error, requests) ?? error;
  }
};
