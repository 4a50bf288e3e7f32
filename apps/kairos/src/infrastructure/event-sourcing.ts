import { Inject, Injectable } from '@nestjs/common';
import { availabilityWindowsProjection } from '@kairos/availability';
import { bookingsProjection } from '@kairos/bookings';
import { Decider, DomainError, DomainEvent, EventMetadata, NewEvent, RecordedEvent, newId } from '@kairos/core';
import { AppendRequest, AppendResult, EventStore, ExpectedRevision, WrongExpectedRevision } from '@kairos/event-store';
import { membershipsProjection } from '@kairos/memberships';
import { waitForCheckpoint } from '@kairos/projections';
import { ReadStore } from '@kairos/read-store';
import { resourcesProjection } from '@kairos/resources';
import { schedulingProjection } from '@kairos/scheduling';
import { KairosConfig } from '../config/config';
import { KEY_RECORDED, KeyRecord } from '../http/idempotency';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { CLOCK, CONFIG, Clock, EVENT_STORE, READ_STORE } from './tokens';

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

/**
 * The projections whose read models commands consult: the availability windows, schedules,
 * sessions and resources (whether a slot is open, which session an id names), bookings and
 * waitlists (what stands on a session or a resource), plan orders (which one pays).
 */
export const CONSULTED_BY_COMMANDS: readonly string[] = [availabilityWindowsProjection, schedulingProjection, resourcesProjection, bookingsProjection, membershipsProjection].map((p) => p.name);

/**
 * The event store as commands use it: reads, and the atomic append that answers (handleCommand
 * drives both); and how far the read models commands consult have followed it.
 */
@Injectable()
export class EventSourcing {
  /** Every read model commands consult had reached this position when last asked: a position up to it needs no asking. */
  private consultedReached = -1;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) readonly now: Clock,
    @Inject(CONFIG) private readonly config: Pick<KairosConfig, 'faultAfterAppend'>,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  /**
   * Whether every read model commands consult reflects the log up to `position`, waiting up to
   * `timeoutMs` for them to get there (0: as they are now). Once they are there, earlier positions
   * are answered without asking the store: checkpoints move forward, but for a rebuild's swap, which
   * may set one back for a moment (a refusal then stands as it did before commands waited at all).
   */
  async readModelsReach(position: number, timeoutMs: number): Promise<boolean> {
    if (position <= this.consultedReached) return true;
    const reached = await Promise.all(CONSULTED_BY_COMMANDS.map((projection) => waitForCheckpoint(this.readStore, projection, position, timeoutMs)));
    if (!reached.every(Boolean)) return false;
    this.consultedReached = Math.max(this.consultedReached, position);
    return true;
  }

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
