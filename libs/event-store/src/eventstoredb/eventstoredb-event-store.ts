/**
 * The event store on EventStoreDB (gRPC client 6.x). One file over 400 lines on purpose: the reserve-and-compensate
 * protocol below spans append, readStream and the log readers, and each part is only safe with the others in view.
 *
 * Positions: the global position of an event is its commit position in `$all`. Events appended over
 * gRPC are each their own committed record, so commit and prepare positions are equal and distinct
 * per event, and reading `$all` forward from an event's position starts with that very event.
 *
 * Atomic appends to several streams: the client has no multi-stream append, so this adapter
 * reserves and compensates. It first checks every stream's expected revision by reading (so a
 * conflict visible up front writes nothing), then appends stream by stream in ascending stream-id
 * order, each with its own expected revision. If one fails, every stream already written gets a
 * `kairos.append-reverted` marker naming the events it takes back (in descending order, so that a
 * compensation cut short leaves a prefix that a retry of the same append finds and finishes), and
 * the failing stream's WrongExpectedRevision is thrown.
 *
 * What each reader sees:
 * - `readStream` hides reverted events and the markers, so an aggregate never folds a claim that
 *   was taken back. Revisions stay as stored, so a stream may show gaps. A writer expecting the
 *   revision of the last event it could see is therefore behind the stored revision when hidden
 *   events follow; the append treats that as current (only hidden events came after) and appends
 *   after them.
 * - `readAll` and `subscribeAll` deliver everything: consumers of the global log on this engine see
 *   a compensated claim, then later its `kairos.append-reverted` marker, and must undo the claim
 *   when they meet the marker. That keeps the booking invariant: every claim was still checked
 *   against its own stream's expected revision when written, so while it stood it could only make a
 *   concurrent writer of that stream lose, never let two claims on one stream both win. Taking it
 *   back only frees what it held; nothing is ever double-booked.
 *
 * Retries: EventStoreDB answers a repeated append of the same event ids at the same place with the
 * original result. A retry of a multi-stream append that was compensated finds its own events
 * followed by their marker, and fails again rather than completing half of it. A failure other than
 * a conflict midway (the server unreachable) is not compensated: like any unknown outcome it calls
 * for a retry with the same ids, which either completes the append or meets the conflict and
 * compensates what the first attempt wrote.
 *
 * A stream given with no events only guards: its expected revision is checked when the append
 * starts, not held until the last stream is written.
 */
import { EventMetadata, NewEvent, RecordedEvent } from '@kairos/core';
import {
  ANY,
  AllStreamResolvedEvent,
  AllStreamSubscription,
  AppendExpectedRevision,
  BACKWARDS,
  END,
  EventData,
  EventStoreDBClient,
  RecordedEvent as StoredEvent,
  JSONType,
  NO_STREAM,
  Position,
  ReadPosition,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
} from '@eventstore/db-client';
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
import { hideReverted, judgeWindow, revertMarker } from './compensation';

/** Same bound as the SQL adapter: how often an append follows a stream that keeps moving under it. */
const MAX_ATTEMPTS = 20;
/** Backward page when looking past EventStoreDB's own events for the head. */
const HEAD_PAGE = 100;
/** Pause before reopening the live wake-up subscription; polling still delivers meanwhile. */
const RESUBSCRIBE_MS = 1000;

/** What servers before 22.6 put in the position of an event read from a stream: unsigned 64-bit -1. */
const NO_POSITION = 2n ** 64n - 1n;

/** Our envelope in EventStoreDB's custom metadata: what NewEvent carries besides type and body. */
type Envelope = { schemaVersion: number; metadata: EventMetadata };

const isEnvelope = (value: unknown): value is Envelope =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Envelope).schemaVersion === 'number' &&
  typeof (value as Envelope).metadata === 'object';

/** Exported so a spec can write what an interrupted append leaves behind. */
export const toEventData = (event: NewEvent): EventData => {
  const metadata: Envelope = { schemaVersion: event.schemaVersion, metadata: event.metadata };
  return jsonEvent({ id: event.id, type: event.type, data: event.data as JSONType, metadata });
};

const toRecorded = (event: StoredEvent, commitPosition: bigint | undefined): RecordedEvent => {
  if (!isEnvelope(event.metadata)) {
    throw new Error(`event ${event.id} in ${event.streamId} was not written by Kairos: its metadata has no schemaVersion`);
  }
  // Servers before 22.6 give events read from a stream no position (or the sentinel), only events read from $all.
  const commit = event.position && event.position.commit !== NO_POSITION ? event.position.commit : commitPosition;
  if (commit === undefined) throw new Error(`EventStoreDB gave no position for event ${event.id}; version 22.6 or later is needed`);
  return {
    id: event.id,
    type: event.type,
    schemaVersion: event.metadata.schemaVersion,
    data: event.data,
    metadata: event.metadata.metadata,
    streamId: event.streamId,
    streamRevision: Number(event.revision),
    position: Number(commit),
    recordedAt: event.created.toISOString(),
  };
};

const isSystemEvent = (type: string) => type.startsWith('$');

const atPosition = (position: number): Position => ({ commit: BigInt(position), prepare: BigInt(position) });

/** Expecting the stream's last event at `revision`, -1 meaning no stream. */
const expectingRevision = (revision: number): AppendExpectedRevision => (revision < 0 ? NO_STREAM : BigInt(revision));

const toClientRevision = (expected: ExpectedRevision): AppendExpectedRevision => {
  switch (expected) {
    case 'noStream':
      return NO_STREAM;
    case 'any':
      return ANY;
    case 'streamExists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
};

const collect = async <T>(read: AsyncIterable<T>): Promise<T[]> => {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
};

/** How an append to one stream may go ahead, as far as reading the stream can tell. */
interface Resolution {
  expected: AppendExpectedRevision;
  /** Revision of the stream's last stored event, -1 for none. */
  last: number;
  /** Set when an earlier attempt of this append already stored its events here, ending at this revision. */
  stored?: number;
}

type Attempt = { written: true; revision: number; position?: number } | { written: false; actual: number | 'noStream' };

interface Written {
  revision: number;
  /** Absent for a stream the append only checked (no events for it). */
  position?: number;
}

export class EventStoreDbEventStore implements EventStore {
  readonly engine = 'eventstoredb';
  private readonly client: EventStoreDBClient;

  constructor(connectionString: string) {
    this.client = EventStoreDBClient.connectionString(connectionString);
  }

  async append(requests: AppendRequest[]): Promise<AppendResult> {
    const streamIds = new Set(requests.map((r) => r.streamId));
    if (streamIds.size !== requests.length) throw new Error('a stream appears twice in one append');
    if (requests.every((r) => r.events.length === 0)) throw new Error('an append needs at least one event');
    if (requests.length === 1) {
      const [request] = requests;
      const written = await this.appendToOne(request, toClientRevision(request.expectedRevision));
      return { nextRevisions: [written.revision], position: written.position };
    }
    return this.appendToSeveral(requests);
  }

  private async appendToSeveral(requests: AppendRequest[]): Promise<AppendResult> {
    const ordered = [...requests].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
    // Streams holding this append's events, and the revision of the last: what a failure must take back.
    const claims = new Map<AppendRequest, number>();
    const written = new Map<AppendRequest, Written>();
    try {
      const resolutions: Resolution[] = [];
      for (const request of ordered) {
        const resolution = await this.resolve(request);
        if (resolution.stored !== undefined) claims.set(request, resolution.stored);
        resolutions.push(resolution);
      }
      for (const [i, request] of ordered.entries()) {
        if (request.events.length === 0) {
          written.set(request, { revision: resolutions[i].last });
          continue;
        }
        const result = await this.appendToOne(request, resolutions[i].expected);
        claims.set(request, result.revision);
        written.set(request, result);
      }
    } catch (error) {
      if (error instanceof WrongExpectedRevision) {
        for (const request of [...ordered].reverse()) {
          const revision = claims.get(request);
          if (revision !== undefined) await this.revert(request, revision);
        }
      }
      throw error;
    }
    const results = requests.map((r) => written.get(r)!);
    return {
      nextRevisions: results.map((r) => r.revision),
      position: Math.max(...results.flatMap((r) => (r.position === undefined ? [] : [r.position]))),
    };
  }

  /** Appends one stream's events; if the stream moved, looks at what moved it before giving up. */
  private async appendToOne(request: AppendRequest, expected: AppendExpectedRevision): Promise<Required<Written>> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.tryAppend(request.streamId, request.events, expected);
      if (outcome.written) {
        // An idempotent retry may come back without a position, depending on the server version.
        const position = outcome.position ?? (await this.positionOf(request.streamId, outcome.revision));
        return { revision: outcome.revision, position };
      }
      if (attempt === MAX_ATTEMPTS) throw new WrongExpectedRevision(request.streamId, request.expectedRevision, outcome.actual);
      expected = (await this.resolve(request)).expected;
    }
  }

  private async tryAppend(streamId: string, events: NewEvent[], expected: AppendExpectedRevision): Promise<Attempt> {
    try {
      const result = await this.client.appendToStream(streamId, events.map(toEventData), { expectedRevision: expected });
      if (result.success) {
        return { written: true, revision: Number(result.nextExpectedRevision), position: result.position && Number(result.position.commit) };
      }
      // Only with throwOnAppendFailure=false in the connection string; its current revision is not reliable, so read it.
      const last = await this.lastRevision(streamId);
      return { written: false, actual: last < 0 ? 'noStream' : last };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      return { written: false, actual: error.actualVersion === NO_STREAM ? 'noStream' : Number(error.actualVersion) };
    }
  }

  /**
   * Reads whether `request` may be appended and with which expected revision; throws the
   * WrongExpectedRevision the append would meet. Beyond what the server checks, it lets a writer
   * whose view ends before hidden events append after them, and recognises an earlier attempt.
   */
  private async resolve(request: AppendRequest): Promise<Resolution> {
    const { streamId, expectedRevision } = request;
    const last = await this.lastRevision(streamId);
    const conflict = (actual: number) => new WrongExpectedRevision(streamId, expectedRevision, actual < 0 ? 'noStream' : actual);
    if (expectedRevision === 'any') return { expected: ANY, last };
    if (expectedRevision === 'streamExists') {
      if (last < 0) throw conflict(last);
      return { expected: STREAM_EXISTS, last };
    }
    const believed = expectedRevision === 'noStream' ? -1 : expectedRevision;
    if (last === believed) return { expected: toClientRevision(expectedRevision), last };
    if (last < believed) throw conflict(last);

    const window = await this.readFrom(streamId, believed + 1);
    const now = window.length > 0 ? window[window.length - 1].streamRevision : last;
    const ids = request.events.map((e) => e.id);
    const verdict = judgeWindow(window, ids);
    switch (verdict.kind) {
      case 'current':
        return { expected: BigInt(now), last: now };
      case 'stored':
        if (verdict.reverted) throw conflict(now);
        // Expecting the revision before its events makes the server answer it as the retry it is.
        return { expected: expectingRevision(verdict.lastRevision - ids.length), last: now, stored: verdict.lastRevision };
      case 'conflict':
        throw conflict(now);
    }
  }

  /** Appends the marker taking back `request`'s events, right after them if nobody wrote in between. */
  private async revert(request: AppendRequest, revision: number): Promise<void> {
    const marker = revertMarker(request.events);
    let expected: AppendExpectedRevision = BigInt(revision);
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.tryAppend(request.streamId, [marker], expected);
      if (outcome.written) return;
      // Someone appended after the claim. The marker goes after their events, unless an earlier
      // attempt of this compensation already put it there.
      const window = await this.readFrom(request.streamId, revision + 1);
      if (window.some((e) => e.id === marker.id)) return;
      if (attempt === MAX_ATTEMPTS) throw new Error(`could not revert events ${marker.data.eventIds.join(', ')} in stream ${request.streamId}`);
      expected = BigInt(window.length > 0 ? window[window.length - 1].streamRevision : revision);
    }
  }

  private async readFrom(streamId: string, fromRevision: number, maxCount?: number): Promise<RecordedEvent[]> {
    try {
      const read = await collect(this.client.readStream(streamId, { fromRevision: BigInt(fromRevision), maxCount }));
      return read.flatMap((resolved) => (resolved.event ? [toRecorded(resolved.event, resolved.commitPosition)] : []));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  /** Revision of the stream's last stored event, -1 when there is none. */
  private async lastRevision(streamId: string): Promise<number> {
    try {
      const [last] = await collect(this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1 }));
      return last?.event ? Number(last.event.revision) : -1;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return -1;
      throw error;
    }
  }

  private async positionOf(streamId: string, revision: number): Promise<number> {
    const [event] = await this.readFrom(streamId, revision, 1);
    if (!event) throw new Error(`stream ${streamId} has no event at revision ${revision} right after appending it`);
    return event.position;
  }

  async readStream(streamId: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    return hideReverted(await this.readFrom(streamId, options.fromRevision ?? 0));
  }

  async readAll({ after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    let from: ReadPosition = after === null ? START : atPosition(after);
    // Reading forward from a position includes the event there, which the caller already has.
    let seen = after ?? -1;
    // EventStoreDB's own events are filtered out here, so a page may come back short: read on.
    while (events.length < limit) {
      const maxCount = limit - events.length + 1;
      const page: AllStreamResolvedEvent[] = await collect(this.client.readAll({ fromPosition: from, maxCount }));
      for (const { event } of page) {
        if (!event || Number(event.position.commit) <= seen || isSystemEvent(event.type)) continue;
        events.push(toRecorded(event, event.position.commit));
      }
      const last = page[page.length - 1]?.event;
      if (page.length < maxCount || !last) break;
      from = last.position;
      seen = Number(last.position.commit);
    }
    return events.slice(0, limit);
  }

  async headPosition(): Promise<number | null> {
    let from: ReadPosition = END;
    for (;;) {
      const page: AllStreamResolvedEvent[] = await collect(
        this.client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: HEAD_PAGE }),
      );
      const head = page.find(({ event }) => event && !isSystemEvent(event.type))?.event;
      if (head) return Number(head.position.commit);
      const last = page[page.length - 1]?.event;
      if (page.length < HEAD_PAGE || !last) return null;
      from = last.position;
    }
  }

  /**
   * Polling over `readAll` decides what is delivered, so batches are the consumer's pace and never
   * skip or reorder; a live subscription from the end only wakes the poller early.
   */
  subscribeAll(options: SubscribeAllOptions): Subscription {
    return pollingSubscription({
      ...options,
      read: (after, limit) => this.readAll({ after, limit }),
      onWake: (wake) => this.wakeOnAppend(wake, options.onError),
    });
  }

  private wakeOnAppend(wake: () => void, onError?: (error: unknown) => void): () => Promise<void> {
    let stopped = false;
    let current: AllStreamSubscription | undefined;
    let reopening: NodeJS.Timeout | undefined;
    const open = () => {
      const subscription = this.client.subscribeToAll({ fromPosition: END, filter: excludeSystemEvents() });
      let dropped = false;
      const reopen = (error?: Error) => {
        if (stopped || dropped) return;
        dropped = true;
        if (error) onError?.(error);
        reopening = setTimeout(() => {
          open();
          // Appends while it was down woke nobody.
          wake();
        }, RESUBSCRIBE_MS);
      };
      subscription.on('data', () => wake());
      subscription.on('error', reopen);
      subscription.on('end', () => reopen());
      current = subscription;
    };
    open();
    return async () => {
      stopped = true;
      clearTimeout(reopening);
      // A subscription that never connected has nothing to stop.
      await current?.unsubscribe().catch(() => undefined);
    };
  }

  async ping(): Promise<void> {
    await collect(this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}
