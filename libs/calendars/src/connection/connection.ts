import { DecisionContext, Decider, DomainError, alreadyExists, assertNever, advance, changedFields, checkRevision, hasChanges, invalidTransition, uuidV5 } from '@kairos/core';
import { ConnectionEvent, ConnectionFields, ConnectionPatch, ConnectionView, ExternalBlock, SyncFailureReason } from './connection.events';

export type { ConnectionEvent, ConnectionFields, ConnectionPatch, ConnectionView, ExternalBlock, SourceKind, SyncFailureReason } from './connection.events';

/** One occurrence of busy time as a calendar source reads it: the calendar object it belongs to (an href or a UID) and its original start. */
export interface BusyOccurrence {
  object: string;
  occurrence: string;
  start: Date;
  end: Date;
}

/**
 * What one read of a calendar found. `full`: every busy occurrence in the window; `delta`: only the
 * objects that changed (their occurrences now) and the objects deleted since the cursor.
 */
export type CalendarSnapshot =
  | { kind: 'full'; occurrences: BusyOccurrence[] }
  | { kind: 'delta'; changedObjects: string[]; deletedObjects: string[]; occurrences: BusyOccurrence[] };

export interface SyncWindow {
  from: Date;
  to: Date;
}

export interface LastOutcome {
  status: 'OK' | 'FAILED';
  at: string;
  reason: SyncFailureReason | null;
  detail: string | null;
}

export type ConnectionCommand =
  | { type: 'CreateConnection'; id: string; fields: ConnectionFields; scheduleId: string; secret: string | null }
  | { type: 'UpdateConnection'; patch: ConnectionPatch; secret?: string | null; expectedRevision?: number }
  | { type: 'DeleteConnection'; expectedRevision?: number }
  /** Records what a read of the calendar found, at most `limit` block changes at a time (at most BLOCKS_PER_EVENT): sent again until it records nothing more. */
  | { type: 'RecordSync'; window: SyncWindow; snapshot: CalendarSnapshot; cursor: string | null; limit: number }
  | { type: 'RecordSyncFailure'; reason: SyncFailureReason; detail: string };

export interface ConnectionData {
  view: ConnectionView;
  secret: string | null;
  /** Every block recorded and not removed, by id. */
  blocks: Map<string, ExternalBlock>;
  cursor: string | null;
  /** How far ahead the last complete sync read. */
  windowTo: string | null;
  lastOutcome: LastOutcome | null;
}

export type ConnectionState = { status: 'none' } | ({ status: 'ACTIVE' | 'DELETED' } & ConnectionData);

const notFound = () => new DomainError('not-found', 'calendar connection does not exist');

/** Bookings are written back through CalDAV only: an ICS feed is read-only and Google is read as free/busy. */
const checkWriteBack = (source: ConnectionFields['source'], writeBack: boolean | undefined) => {
  if (writeBack && source !== 'CALDAV') throw new DomainError('validation', 'only a CALDAV calendar takes bookings written back', [{ field: 'writeBack', reason: 'only a CALDAV connection can write bookings back' }]);
};

/** The block ids an occurrence and its object get: stable across syncs, scoped to the connection. */
export const blockOf = (connectionId: string, occurrence: BusyOccurrence): ExternalBlock => ({
  id: uuidV5(connectionId, `${occurrence.object}\n${occurrence.occurrence}`),
  object: uuidV5(connectionId, occurrence.object),
  start: occurrence.start.toISOString(),
  end: occurrence.end.toISOString(),
});

const sameTime = (a: ExternalBlock, b: ExternalBlock) => a.start === b.start && a.end === b.end;

/** Blocks in the order a sync records them: by start, then id, so its parts are the same whoever decides them. */
const byStart = (a: ExternalBlock, b: ExternalBlock) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The blocks a snapshot holds in the window, by id, in order. A large sync decides on the same
 * snapshot for each of its parts, and each attempt twice: the blocks (two UUIDv5 each) are worked
 * out once per snapshot and window, the answer depending on nothing else.
 */
const wantedOf = new WeakMap<CalendarSnapshot, { key: string; wanted: Map<string, ExternalBlock> }>();
const wantedBlocks = (connectionId: string, snapshot: CalendarSnapshot, from: string, to: string): Map<string, ExternalBlock> => {
  const key = `${connectionId} ${from} ${to}`;
  const known = wantedOf.get(snapshot);
  if (known?.key === key) return known.wanted;
  const blocks = snapshot.occurrences.map((occurrence) => blockOf(connectionId, occurrence)).filter((block) => block.end > from && block.start < to && block.start < block.end);
  const wanted = new Map(blocks.sort(byStart).map((block) => [block.id, block]));
  wantedOf.set(snapshot, { key, wanted });
  return wanted;
};

/**
 * What a snapshot changes in the recorded blocks. A full snapshot speaks for the window only:
 * blocks that ended before it stay as history, so time passing removes nothing. A delta speaks for
 * the objects it names. A block whose time moved is removed and added again under its id.
 */
export const blockChanges = (connectionId: string, recorded: Map<string, ExternalBlock>, snapshot: CalendarSnapshot, window: SyncWindow): { added: ExternalBlock[]; removed: ExternalBlock[] } => {
  const from = window.from.toISOString();
  const to = window.to.toISOString();
  const wanted = wantedBlocks(connectionId, snapshot, from, to);
  const spoken =
    snapshot.kind === 'full'
      ? (block: ExternalBlock) => block.end > from
      : ((objects) => (block: ExternalBlock) => objects.has(block.object))(new Set([...snapshot.changedObjects, ...snapshot.deletedObjects].map((o) => uuidV5(connectionId, o))));
  const removed = [...recorded.values()].filter((block) => spoken(block) && !(wanted.has(block.id) && sameTime(wanted.get(block.id)!, block)));
  const added = [...wanted.values()].filter((block) => {
    const known = recorded.get(block.id);
    return !known || !sameTime(known, block);
  });
  // Added blocks keep the wanted blocks' order.
  return { added, removed: removed.sort(byStart) };
};

/**
 * At most this many blocks in one `external-busy.synced` event, added and removed together. A block
 * is about 200 bytes of JSON: an event stays far below the 1 MB a Kafka broker takes in one message
 * by default, however many blocks a sync or a deletion changes.
 */
export const BLOCKS_PER_EVENT = 500;

/** How much the window may move before a sync records where it now reaches (once a day, not at every read). */
const WINDOW_STEP_MS = 24 * 60 * 60 * 1000;

/** Fields that change what a read of the calendar gives: a change makes the next sync read it whole. */
export const READ_AFFECTING = ['url', 'username', 'ownerEmail', 'timeZone'] as const satisfies readonly (keyof ConnectionPatch)[];

const viewFields = ({ id: _i, revision: _r, createdAt: _c, updatedAt: _u, deletedAt: _d, scheduleId: _s, resourceId: _res, source: _src, ...fields }: ConnectionView) => fields;

export const connectionDecider: Decider<ConnectionCommand, ConnectionState, ConnectionEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    if (event.type === 'calendar-connection.created') {
      return { status: 'ACTIVE', view: event.data, secret: null, blocks: new Map(), cursor: null, windowTo: null, lastOutcome: null };
    }
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'calendar-connection.updated':
        return { ...state, view: advance(state.view, event.data.updatedAt, event.data.changes) };
      case 'calendar-connection.deleted':
        return { ...state, status: 'DELETED', view: advance(state.view, event.data.deletedAt, { deletedAt: event.data.deletedAt }) };
      case 'calendar-connection.secret-set':
        return { ...state, secret: event.data.secret };
      case 'calendar-connection.cursor-moved':
        return { ...state, cursor: event.data.cursor, windowTo: event.data.windowTo };
      case 'external-busy.synced': {
        const blocks = new Map(state.blocks);
        for (const block of event.data.removed) blocks.delete(block.id);
        for (const block of event.data.added) blocks.set(block.id, block);
        return { ...state, blocks, lastOutcome: { status: 'OK', at: event.data.at, reason: null, detail: null } };
      }
      case 'calendar-connection.sync-failed':
        return { ...state, lastOutcome: { status: 'FAILED', at: event.data.at, reason: event.data.reason, detail: event.data.detail } };
      default:
        return assertNever(event);
    }
  },

  decide(command, state, { now }: DecisionContext) {
    const at = now.toISOString();
    switch (command.type) {
      case 'CreateConnection': {
        if (state.status !== 'none') throw alreadyExists('calendar connection', command.id);
        checkWriteBack(command.fields.source, command.fields.writeBack);
        const created: ConnectionEvent = {
          type: 'calendar-connection.created',
          data: { id: command.id, revision: 1, createdAt: at, updatedAt: at, deletedAt: null, scheduleId: command.scheduleId, ...command.fields },
        };
        return command.secret === null ? [created] : [created, { type: 'calendar-connection.secret-set', data: { id: command.id, secret: command.secret } }];
      }
      case 'UpdateConnection': {
        if (state.status === 'none') throw notFound();
        if (state.status === 'DELETED') throw invalidTransition('calendar connection', state.status, 'update');
        checkRevision(command.expectedRevision, state.view.revision);
        checkWriteBack(state.view.source, command.patch.writeBack);
        const diff = changedFields<ConnectionPatch>(viewFields(state.view), command.patch);
        const events: ConnectionEvent[] = hasChanges(diff) ? [{ type: 'calendar-connection.updated', data: { id: state.view.id, ...diff, updatedAt: at } }] : [];
        if (command.secret !== undefined && command.secret !== state.secret) events.push({ type: 'calendar-connection.secret-set', data: { id: state.view.id, secret: command.secret } });
        // A calendar read from elsewhere, as someone else, or in another zone starts again from nothing: the next sync reads it whole.
        const rereads = READ_AFFECTING.some((field) => diff.changes[field] !== undefined);
        if (rereads && state.cursor !== null) events.push({ type: 'calendar-connection.cursor-moved', data: { id: state.view.id, cursor: null, windowTo: at } });
        return events;
      }
      case 'DeleteConnection': {
        if (state.status === 'none') throw notFound();
        checkRevision(command.expectedRevision, state.view.revision);
        if (state.status === 'DELETED') return [];
        const id = state.view.id;
        const future = [...state.blocks.values()].filter((block) => block.end > at).sort(byStart);
        // All given back in the deletion's one append, in events of a bounded size.
        const given: ConnectionEvent[] = [];
        for (let i = 0; i < future.length; i += BLOCKS_PER_EVENT) {
          const removed = future.slice(i, i + BLOCKS_PER_EVENT);
          const complete = i + BLOCKS_PER_EVENT >= future.length;
          given.push({ type: 'external-busy.synced', data: { connectionId: id, resourceId: state.view.resourceId, scheduleId: state.view.scheduleId, added: [], removed, complete, at } });
        }
        return [...given, { type: 'calendar-connection.deleted', data: { id, deletedAt: at } }];
      }
      case 'RecordSync': {
        if (state.status === 'none') throw notFound();
        if (state.status === 'DELETED') throw invalidTransition('calendar connection', state.status, 'sync');
        const id = state.view.id;
        const { added, removed } = blockChanges(id, state.blocks, command.snapshot, command.window);
        const changes = added.length + removed.length;
        const partRemoved = removed.slice(0, command.limit);
        const partAdded = added.slice(0, Math.max(0, command.limit - partRemoved.length));
        const complete = partRemoved.length + partAdded.length === changes;
        const events: ConnectionEvent[] = [];
        // The first read and the first after a failure are recorded even when they change nothing, so the connection shows them.
        if (changes > 0 || state.lastOutcome?.status !== 'OK') {
          events.push({
            type: 'external-busy.synced',
            data: { connectionId: id, resourceId: state.view.resourceId, scheduleId: state.view.scheduleId, added: partAdded, removed: partRemoved, complete, at },
          });
        }
        const windowTo = command.window.to.toISOString();
        const windowMoved = state.windowTo === null || Date.parse(windowTo) - Date.parse(state.windowTo) >= WINDOW_STEP_MS;
        // Where the calendar was read up to is recorded only with the last part: a sync cut short starts again from the old cursor.
        if (complete && (command.cursor !== state.cursor || windowMoved)) events.push({ type: 'calendar-connection.cursor-moved', data: { id, cursor: command.cursor, windowTo } });
        return events;
      }
      case 'RecordSyncFailure': {
        if (state.status === 'none') throw notFound();
        if (state.status === 'DELETED') return [];
        const last = state.lastOutcome;
        if (last?.status === 'FAILED' && last.reason === command.reason && last.detail === command.detail) return [];
        return [{ type: 'calendar-connection.sync-failed', data: { id: state.view.id, reason: command.reason, detail: command.detail, at } }];
      }
      default:
        return assertNever(command);
    }
  },
};
