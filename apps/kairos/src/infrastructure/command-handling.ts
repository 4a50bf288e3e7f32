import { DomainEvent, RecordedEvent } from '@kairos/core';
import { WrongExpectedRevision } from '@kairos/event-store';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { EventSourcing, PendingAppend, StreamOf } from './event-sourcing';

export { StreamOf, streamOf } from './event-sourcing';

/** Reads a stream's current state. */
export interface StreamReader {
  read<State>(stream: StreamOf<State>): Promise<State>;
}

/** One try at a command: its instant, and reads that the append then guards with their revisions. */
export interface Attempt extends StreamReader {
  readonly now: Date;
}

/** The states of the streams a plan named, for its pure decision. */
export interface States {
  of<State>(stream: StreamOf<State>): State;
}

export interface StreamEvents {
  streamId: string;
  events: DomainEvent[];
}

export interface Decision<Answer> {
  /** Events per stream, appended in this order, all or none (a stream named twice gets both, at its first place); each stream must have been read. */
  appends: StreamEvents[];
  answer: Answer;
  location?: string;
}

/** Part of a plan that others compose: the streams it reads and the events it decides for them. */
export interface PlanPart {
  streams: StreamOf<unknown>[];
  decide(states: States, now: Date): StreamEvents[];
}

export interface CommandPlan<Answer> {
  /** Every stream the decision reads; the ones it gives events to are written, the rest only read. */
  streams: StreamOf<unknown>[];
  decide(states: States, now: Date): Decision<Answer>;
}

/**
 * Contended streams (a busy staff member's day, a popular class) can make a writer lose several
 * races in a row while its slot is still free; it keeps trying, with jitter, until the rules say
 * no or it wins.
 */
const CONFLICT_RETRIES = 30;

/**
 * The one way a command changes state: `prepare` gathers what the decision depends on (facts from
 * other streams and read models) and names the streams it decides on; they are read together,
 * folded, handed to the pure decision with the attempt's instant, and its events appended with the
 * revisions read, atomically (with the Idempotency-Key answer, EventSourcing.commit). When another
 * writer got in between, the whole attempt runs again on fresh state, so a retry can still fail for
 * the right reason (a stale client revision, a conflict the domain forbids), never by overwriting
 * someone else.
 */
export const handleCommand = async <Answer>(
  es: EventSourcing,
  ctx: RequestContext,
  prepare: (attempt: Attempt) => Promise<CommandPlan<Answer>> | CommandPlan<Answer>,
): Promise<Positioned<Answer>> => {
  for (let tries = 1; ; tries++) {
    try {
      return await attemptOnce(es, ctx, prepare);
    } catch (error) {
      if (!(error instanceof WrongExpectedRevision) || tries >= CONFLICT_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 * tries)));
    }
  }
};

const attemptOnce = async <Answer>(
  es: EventSourcing,
  ctx: RequestContext,
  prepare: (attempt: Attempt) => Promise<CommandPlan<Answer>> | CommandPlan<Answer>,
): Promise<Positioned<Answer>> => {
  const now = es.now();
  // Each stream is read once per attempt, so the append expects the revision every decision saw.
  const reads = new Map<string, Promise<RecordedEvent[]>>();
  const readEvents = (streamId: string) => {
    let events = reads.get(streamId);
    if (!events) reads.set(streamId, (events = es.readStream(streamId)));
    return events;
  };
  const plan = await prepare({ now, read: async (stream) => stream.fold(await readEvents(stream.streamId)) });
  // Asked for together, the streams are read with one statement (SqlEventStore.readStream).
  const read = new Map<string, RecordedEvent[]>();
  await Promise.all([...new Set([...plan.streams.map((s) => s.streamId), ...reads.keys()])].map(async (id) => read.set(id, await readEvents(id))));
  const states: States = {
    of: (stream) => {
      const events = read.get(stream.streamId);
      if (!events) throw new Error(`the decision reads ${stream.streamId}, which its plan does not name`);
      return stream.fold(events);
    },
  };
  const { appends, answer, location } = plan.decide(states, now);
  const pending = new Map<string, PendingAppend>();
  for (const { streamId, events } of appends) {
    const seen = read.get(streamId);
    if (!seen) throw new Error(`the decision writes ${streamId}, which it did not read`);
    const append = pending.get(streamId);
    if (append) append.events = [...append.events, ...events];
    else pending.set(streamId, { streamId, expected: seen.length === 0 ? 'noStream' : seen[seen.length - 1].streamRevision, events });
  }
  return es.commit(ctx, [...pending.values()], now, answer, location);
};
