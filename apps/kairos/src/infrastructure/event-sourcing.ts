import { Inject, Injectable } from '@nestjs/common';
import { Decider, DomainError, DomainEvent, EventMetadata, NewEvent, RecordedEvent, newId } from '@kairos/core';
import { AppendRequest, AppendResult, EventStore, ExpectedRevision, WrongExpectedRevision } from '@kairos/event-store';
import { KairosConfig } from '../config/config';
import { KEY_RECORDED, KeyRecord } from '../http/idempotency';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { CLOCK, CONFIG, Clock, EVENT_STORE } from './tokens';

/** A stream a decision reads, and how its events fold into the state the decision sees. */
export interface StreamOf<State> {
  readonly streamId: string;
  readonly fold: (events: readonly RecordedEvent[]) => State;
}

export const streamOf = <State, Event extends DomainEvent>(
  streamId: string,
  decider: Pick<Decider<unknown, State, Event, never>, 'initialState' | 'evolve'>,
): StreamOf<State> => ({
  streamId,
  fold: (events) => events.reduce((state, e) => decider.evolve(state, { type: e.type, data: e.data } as Event), decider.initialState()),
});

export interface PendingAppend {
  streamId: string;
  expected: ExpectedRevision;
  events: DomainEvent[];
}

const SCHEMA_VERSION = 1;

/** The event store as commands use it: reads, and the atomic append that answers (handleCommand drives both). */
@Injectable()
export class EventSourcing {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) readonly now: Clock,
    @Inject(CONFIG) private readonly config: Pick<KairosConfig, 'faultAfterAppend'>,
  ) {}

  readStream(streamId: string): Promise<RecordedEvent[]> {
    return this.store.readStream(streamId);
  }

  /** A stream's state outside a command (a query, a fact read before one): nothing guards it. */
  async read<State>(stream: StreamOf<State>): Promise<State> {
    return stream.fold(await this.store.readStream(stream.streamId));
  }

  /**
   * Appends every stream's events or none (streams with no new events are left out), and answers
   * with the position of the last. The first append of a request with an Idempotency-Key also
   * records the key and this answer, in the same atomic append: a retry then finds the answer
   * whatever happened to the process after the commit, and an attempt that loses the key to
   * another answers as that one did (idempotency.ts).
   */
  async commit<T>(ctx: RequestContext, pending: PendingAppend[], occurredAt: Date, body: T, location?: string): Promise<Positioned<T>> {
    const metadata: EventMetadata = {
      tenant: ctx.tenant,
      actor: ctx.actor,
      correlationId: ctx.correlationId,
      occurredAt: occurredAt.toISOString(),
      ...(ctx.participantNotification ? { participantNotification: ctx.participantNotification } : {}),
    };
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
      const record: KeyRecord = { requestHash: key.requestHash, path: key.path, status: key.status, location: location ?? null, body: body === undefined ? '' : JSON.stringify(body) };
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
}
