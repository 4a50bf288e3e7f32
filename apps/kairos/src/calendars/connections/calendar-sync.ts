import { Inject, Injectable } from '@nestjs/common';
import { BLOCKS_PER_EVENT, ConnectionData, ConnectionState, SourceKind, SyncFailureReason, SyncWindow, connectionDecider, connectionStream } from '@kairos/calendars';
import { DomainError } from '@kairos/core';
import { RequestContext } from '../../http/request-context';
import { handleCommand, streamOf } from '../../infrastructure/command-handling';
import { EventSourcing } from '../../infrastructure/event-sourcing';
import { CONFIG } from '../../infrastructure/tokens';
import { CalendarsConfig } from '../../config/config';
import { CalendarSource, SourceAnswer, SourceFailure } from '../sources/source';
import { blockChangeOf } from './calendar-connections.commands';
import { externalBusyClaims } from './external-busy-claims';

/** Injects the sources by kind (sources/index.ts). */
export const CALENDAR_SOURCES = Symbol('CalendarSources');

const DAY = 24 * 60 * 60 * 1000;

export interface SyncOutcome {
  connectionId: string;
  /** CHANGED: busy time was added or given back; UNCHANGED: none was; FAILED: the calendar could not be read (what it brought before stays). */
  outcome: 'CHANGED' | 'UNCHANGED' | 'FAILED';
  added: number;
  removed: number;
  reason: SyncFailureReason | null;
  detail: string | null;
}

export interface SyncRun {
  outcome: SyncOutcome;
  /** The position of the connection's last event once the sync is done: unchanged when it appended nothing. */
  position: number | null;
  /** How often the connection asks to be read, as the sync found it. */
  intervalMinutes: number;
}

/**
 * The one way a calendar is read into Kairos, for the endpoint and the timer alike: read the
 * connection, read its calendar through its source (bounded by the configured limits), then record
 * what changed part by part, each part in one append with the claims its blocks take or give back.
 * A failure to read is recorded once per distinct failure; an unchanged calendar appends nothing.
 * One sync per connection runs at a time in this process (a second caller shares the first's
 * outcome); across processes the connection stream's revision makes the later part re-decide.
 */
@Injectable()
export class CalendarSync {
  private readonly running = new Map<string, Promise<SyncRun>>();

  constructor(
    private readonly es: EventSourcing,
    @Inject(CALENDAR_SOURCES) private readonly sources: Record<SourceKind, CalendarSource>,
    @Inject(CONFIG) private readonly config: { calendars: CalendarsConfig },
  ) {}

  /** `stop` aborts the read (shutdown): nothing is recorded then. */
  sync(ctx: RequestContext, id: string, stop?: AbortSignal): Promise<SyncRun> {
    const key = `${ctx.tenant}\n${id}`;
    let run = this.running.get(key);
    if (!run) {
      // Keyed requests are recorded as answers that wrote nothing: a sync is in several appends, and running it again is harmless.
      run = this.run({ tenant: ctx.tenant, actor: ctx.actor, correlationId: ctx.correlationId }, id, stop).finally(() => this.running.delete(key));
      this.running.set(key, run);
    }
    return run;
  }

  private async run(ctx: RequestContext, id: string, stop?: AbortSignal): Promise<SyncRun> {
    const connection = streamOf(connectionStream(ctx.tenant, id), connectionDecider);
    const history = await this.es.readStream(connection.streamId);
    const state: ConnectionState = connection.fold(history);
    if (state.status === 'none') throw new DomainError('not-found', `calendar connection ${id} does not exist`);
    if (state.status === 'DELETED') throw new DomainError('invalid-transition', `calendar connection ${id} is deleted`);
    const lastPosition = history.length === 0 ? null : history[history.length - 1].position;
    const now = this.es.now();
    const window: SyncWindow = { from: new Date(now.getTime() - DAY), to: new Date(now.getTime() + this.config.calendars.horizonDays * DAY) };
    const intervalMinutes = state.view.syncIntervalMinutes;
    const done = (outcome: Omit<SyncOutcome, 'connectionId'>, position: number | null): SyncRun => ({ outcome: { connectionId: id, ...outcome }, position: position ?? lastPosition, intervalMinutes });

    let answer: SourceAnswer;
    try {
      answer = await this.read(state, window, stop);
    } catch (error) {
      if (stop?.aborted || !(error instanceof SourceFailure)) throw error;
      const failed = await handleCommand(this.es, ctx, () => ({
        streams: [connection],
        decide: (states, at) => ({ appends: [{ streamId: connection.streamId, events: connectionDecider.decide({ type: 'RecordSyncFailure', reason: error.reason, detail: error.message }, states.of(connection), { now: at }) }], answer: null }),
      }));
      return done({ outcome: 'FAILED', added: 0, removed: 0, reason: error.reason, detail: error.message }, failed.position);
    }
    if (answer.kind === 'unchanged') return done({ outcome: 'UNCHANGED', added: 0, removed: 0, reason: null, detail: null }, null);

    // A calendar of 10,000 events is recorded in parts, each one append of one event with its claims.
    const command = { type: 'RecordSync' as const, window, snapshot: answer.snapshot, cursor: answer.cursor, limit: BLOCKS_PER_EVENT };
    const { resourceId } = state.view;
    let added = 0;
    let removed = 0;
    let position: number | null = null;
    for (;;) {
      const part = await handleCommand(this.es, ctx, async (attempt) => {
        // The part this attempt will record, decided here on the state the append expects, names the claim streams it reads.
        const change = blockChangeOf(connectionDecider.decide(command, await attempt.read(connection), { now: attempt.now }));
        return {
          streams: [connection, ...externalBusyClaims.streams(ctx.tenant, resourceId, change, attempt.now)],
          decide: (states, at) => {
            const events = connectionDecider.decide(command, states.of(connection), { now: at });
            const recorded = blockChangeOf(events);
            const synced = events.find((e) => e.type === 'external-busy.synced');
            return {
              // The connection's events last, so the position answered is its last event's, as an unchanged sync answers it.
              appends: [...externalBusyClaims.decide(states, ctx.tenant, resourceId, recorded, at), { streamId: connection.streamId, events }],
              answer: { appended: events.length > 0, added: recorded.added.length, removed: recorded.removed.length, complete: synced?.type !== 'external-busy.synced' || synced.data.complete },
            };
          },
        };
      });
      added += part.body.added;
      removed += part.body.removed;
      position = part.position ?? position;
      if (!part.body.appended || part.body.complete) break;
    }
    return done({ outcome: added + removed > 0 ? 'CHANGED' : 'UNCHANGED', added, removed, reason: null, detail: null }, position);
  }

  /** Reads the calendar: whole after a failure (so the recovery is recorded) or when the window moved a day; else from the cursor. */
  private async read(state: ConnectionData, window: SyncWindow, stop?: AbortSignal): Promise<SourceAnswer> {
    const { view, secret, windowTo, lastOutcome } = state;
    const incremental = windowTo !== null && window.to.getTime() - Date.parse(windowTo) < DAY;
    const cursor = lastOutcome?.status === 'FAILED' ? null : state.cursor;
    const { timeoutMs } = this.config.calendars.limits;
    const limit = AbortSignal.timeout(timeoutMs);
    try {
      return await this.sources[view.source].read({
        connection: { id: view.id, source: view.source, url: view.url, username: view.username, secret, ownerEmail: view.ownerEmail, timeZone: view.timeZone },
        window,
        cursor,
        incremental,
        signal: stop ? AbortSignal.any([stop, limit]) : limit,
      });
    } catch (error) {
      // However a source gives up when the time is out, the connection shows a timeout.
      if (limit.aborted && !stop?.aborted && !(error instanceof SourceFailure)) throw new SourceFailure('timeout', `no answer within ${timeoutMs} ms`);
      throw error;
    }
  }
}
