import { DomainError, DomainEvent, ProblemCode, RecordedEvent } from '@kairos/core';
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

/** How long a query waits for its read models to reach `minPosition`, and a refused command for them to reach what it read (api.md §1). */
export const READ_MODEL_WAIT_MS = 5000;

/**
 * The refusals a read model can be behind on: a slot, session or resource it does not show yet, a
 * booking or plan order it does not show yet or still shows. The rest come from the log or the
 * request itself.
 */
const REFUSALS_ON_READ_MODELS: ReadonlySet<ProblemCode> = new Set<ProblemCode>(['slot-taken', 'not-found', 'capacity-exceeded', 'no-eligible-plan', 'has-future-bookings', 'waitlist-unavailable']);

/** A refusal made while gathering facts, and the last position of the log the attempt had read by then. */
class RefusedWhileGathering extends Error {
  constructor(readonly refusal: DomainError, readonly seen: number) {
    super(refusal.message);
  }
}

/**
 * The one way a command changes state: `prepare` gathers what the decision depends on (facts from
 * other streams and read models) and names the streams it decides on; they are read together,
 * folded, handed to the pure decision with the attempt's instant, and its events appended with the
 * revisions read, atomically (with the Idempotency-Key answer, EventSourcing.commit). When another
 * writer got in between, the whole attempt runs again on fresh state, so a retry can still fail for
 * the right reason (a stale client revision, a conflict the domain forbids), never by overwriting
 * someone else.
 *
 * The facts gathered may come from read models, which follow the log a little behind: a service
 * created a moment ago has a schedule its availability windows do not show yet. So a refusal of
 * the kind a read model can cause, made while they are behind the last position of the log the
 * attempt read (that service's creation, say) or the caller's Kairos-Min-Position (a cancellation
 * made through another instance, freeing the slot), waits for them to get there (up to
 * READ_MODEL_WAIT_MS, else 503 projection-lag) and the attempt runs again, once: a refusal then
 * stands. Refusals with the read models already there cost one look at their checkpoints, none
 * once they are known to be past it.
 */
export const handleCommand = async <Answer>(
  es: EventSourcing,
  ctx: RequestContext,
  prepare: (attempt: Attempt) => Promise<CommandPlan<Answer>> | CommandPlan<Answer>,
): Promise<Positioned<Answer>> => {
  let waitedForReadModels = false;
  for (let tries = 1; ; tries++) {
    try {
      return await attemptOnce(es, ctx, prepare);
    } catch (error) {
      if (error instanceof RefusedWhileGathering) {
        if (waitedForReadModels || (await es.readModelsReach(error.seen, 0))) throw error.refusal;
        waitedForReadModels = true;
        if (!(await es.readModelsReach(error.seen, READ_MODEL_WAIT_MS))) {
          throw new DomainError('projection-lag', `the read models this command consults have not reached position ${error.seen} yet; retry shortly`);
        }
        continue;
      }
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
  // What the caller has seen written (its Kairos-Min-Position) counts as read.
  let seen = ctx.minPosition ?? -1;
  let plan: CommandPlan<Answer>;
  try {
    plan = await prepare({
      now,
      read: async (stream) => {
        const events = await readEvents(stream.streamId);
        if (events.length > 0) seen = Math.max(seen, events[events.length - 1].position);
        return stream.fold(events);
      },
    });
  } catch (error) {
    throw error instanceof DomainError && REFUSALS_ON_READ_MODELS.has(error.code) ? new RefusedWhileGathering(error, seen) : error;
  }
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
