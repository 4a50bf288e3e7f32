import { Inject, Injectable } from '@nestjs/common';
import { Decider, DomainError, DomainEvent, NewEvent, newId } from '@kairos/core';
import { AppendRequest, AppendResult, EventStore, ExpectedRevision, WrongExpectedRevision } from '@kairos/event-store';
import { KairosConfig } from '../config/config';
import { KEY_RECORDED, KeyRecord } from '../http/idempotency';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { CLOCK, CONFIG, Clock, EVENT_STORE } from './tokens';

export interface Loaded<State> {
  state: State;
  /** What to expect when appending: the stream's last revision, or that it does not exist yet. */
  expected: ExpectedRevision;
}

export interface PendingAppend {
  streamId: string;
  expected: ExpectedRevision;
  events: DomainEvent[];
}

const SCHEMA_VERSION = 1;
/**
 * Contended streams (a busy staff member's day, a popular class) can make a writer lose several
 * races in a row while its slot is still free; it keeps trying, with jitter, until the rules say
 * no or it wins.
 */
const CONFLICT_RETRIES = 30;

/** The write path every command handler shares: load by folding the stream, decide, append atomically. */
@Injectable()
export class EventSourcing {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) readonly now: Clock,
    @Inject(CONFIG) private readonly config: Pick<KairosConfig, 'faultAfterAppend'>,
  ) {}

  async load<State, Event extends DomainEvent>(
    streamId: string,
    decider: Pick<Decider<unknown, State, Event, never>, 'initialState' | 'evolve'>,
  ): Promise<Loaded<State>> {
    const events = await this.store.readStream(streamId);
    const state = events.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data } as Event), decider.initialState());
    return { state, expected: events.length === 0 ? 'noStream' : events[events.length - 1].streamRevision };
  }

  async exists(streamId: string): Promise<boolean> {
    return (await this.store.readStream(streamId)).length > 0;
  }

  /**
   * Appends every stream's events or none (streams with no new events are left out), and answers
   * with the position of the last. The first append of a request with an Idempotency-Key also
   * records the key and this answer, in the same atomic append: a retry then finds the answer
   * whatever happened to the process after the commit, and an attempt that loses the key to
   * another answers as that one did (idempotency.ts).
   */
  async commit<T>(ctx: RequestContext, pending: PendingAppend[], occurredAt: Date, body: T, location?: string): Promise<Positioned<T>> {
    const metadata = { tenant: ctx.tenant, actor: ctx.actor, correlationId: ctx.correlationId, occurredAt: occurredAt.toISOString() };
    const requests: AppendRequest[] = pending
      .filter((p) => p.events.length > 0)
      .map((p) => ({
        streamId: p.streamId,
        expectedRevision: p.expected,
        events: p.events.map((e): NewEvent => ({ id: newId(), type: e.type, schemaVersion: SCHEMA_VERSION, data: e.data, metadata })),
      }));
    if (requests.length === 0) return new Positioned(body, null, location);
    const key = ctx.idempotency && !ctx.idempotency.committed ? ctx.idempotency : undefined;
    if (key) {
      const record: KeyRecord = { requestHash: key.requestHash, status: key.status, location: location ?? null, body: body === undefined ? '' : JSON.stringify(body) };
      // Last, so its position is the append's: the one a replay answers.
      requests.push({ streamId: key.streamId, expectedRevision: key.expected, events: [{ id: newId(), type: KEY_RECORDED, schemaVersion: SCHEMA_VERSION, data: record, metadata }] });
    }
    let result: AppendResult;
    try {
      result = await this.store.append(requests);
    } catch (error) {
      if (key && error instanceof WrongExpectedRevision && error.streamId === key.streamId) {
        throw new DomainError('request-in-progress', 'another request with this Idempotency-Key committed first');
      }
      throw error;
    }
    if (key) {
      key.committed = true;
      if (this.config.faultAfterAppend === 'exit') process.kill(process.pid, 'SIGKILL');
    }
    return new Positioned(body, result.position, location);
  }

  /**
   * Runs a whole load-decide-append again when another writer got in between: the rules are
   * judged anew on fresh state, so a retry can still fail for the right reason (a stale client
   * revision, a conflict the domain forbids), never by overwriting someone else.
   */
  async retrying<T>(attempt: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision) || tries >= CONFLICT_RETRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 * tries)));
      }
    }
  }
}
