import { fold } from '@kairos/core';
import { given } from '@kairos/testing';
import { BLOCKS_PER_EVENT, BusyOccurrence, CalendarSnapshot, ConnectionEvent, ConnectionFields, ExternalBlock, SyncWindow, blockOf, connectionDecider } from './connection';

const now = new Date('2026-03-01T10:00:00.000Z');
const T = now.toISOString();
const later = new Date('2026-03-01T10:15:00.000Z');
const L = later.toISOString();
const nextDay = new Date('2026-03-02T10:30:00.000Z');
const context = { now };

const fields: ConnectionFields = {
  resourceId: 'staff-1',
  name: "Ana's calendar",
  source: 'ICS',
  url: 'https://calendar.example.com/ana.ics',
  username: null,
  ownerEmail: 'ana@example.com',
  timeZone: 'Europe/Lisbon',
  syncIntervalMinutes: 15,
  writeBack: false,
};
const view = { id: 'cal-1', revision: 1, createdAt: T, updatedAt: T, deletedAt: null, scheduleId: 'sch-staff-1', ...fields };
const created: ConnectionEvent = { type: 'calendar-connection.created', data: view };

const windowAt = (at: Date): SyncWindow => ({ from: new Date(at.getTime() - 86_400_000), to: new Date(at.getTime() + 365 * 86_400_000) });
const window = windowAt(now);
const busy = (object: string, start: string, end: string, occurrence = ''): BusyOccurrence => ({ object, occurrence, start: new Date(start), end: new Date(end) });
const dentist = busy('dentist@x', '2026-03-03T14:00:00Z', '2026-03-03T15:00:00Z');
const lunch = busy('lunch@x', '2026-03-04T12:00:00Z', '2026-03-04T13:00:00Z');
const block = (occurrence: BusyOccurrence): ExternalBlock => blockOf('cal-1', occurrence);
const full = (...occurrences: BusyOccurrence[]): CalendarSnapshot => ({ kind: 'full', occurrences });
const synced = (added: ExternalBlock[], removed: ExternalBlock[], at = T, complete = true): ConnectionEvent => ({
  type: 'external-busy.synced',
  data: { connectionId: 'cal-1', resourceId: 'staff-1', scheduleId: 'sch-staff-1', added, removed, complete, at },
});
const cursorMoved = (cursor: string | null, windowTo = window.to.toISOString()): ConnectionEvent => ({ type: 'calendar-connection.cursor-moved', data: { id: 'cal-1', cursor, windowTo } });
const recordSync = (snapshot: CalendarSnapshot, cursor: string | null, limit = 500, at = window) => ({ type: 'RecordSync' as const, window: at, snapshot, cursor, limit });
/** A connection whose first sync recorded the dentist under ETag "1". */
const syncedOnce = [created, synced([block(dentist)], []), cursorMoved('"1"')];

describe('calendar connection decider', () => {
  describe('create', () => {
    it('creates the connection as GET shows it; a secret goes apart, in its own (sealed) event', () => {
      given(connectionDecider, []).when({ type: 'CreateConnection', id: 'cal-1', fields, scheduleId: 'sch-staff-1', secret: null }, context).then([created]);
      given(connectionDecider, [])
        .when({ type: 'CreateConnection', id: 'cal-1', fields: { ...fields, source: 'CALDAV', username: 'ana' }, scheduleId: 'sch-staff-1', secret: 'pw' }, context)
        .then([
          { type: 'calendar-connection.created', data: { ...view, source: 'CALDAV', username: 'ana' } },
          { type: 'calendar-connection.secret-set', data: { id: 'cal-1', secret: 'pw' } },
        ]);
    });

    it('writes bookings back to a CalDAV calendar only, naming writeBack when refused', () => {
      given(connectionDecider, []).when({ type: 'CreateConnection', id: 'cal-1', fields: { ...fields, source: 'CALDAV', writeBack: true }, scheduleId: 'sch-staff-1', secret: null }, context).then([
        { type: 'calendar-connection.created', data: { ...view, source: 'CALDAV', writeBack: true } },
      ]);
      for (const source of ['ICS', 'GOOGLE'] as const) {
        given(connectionDecider, []).when({ type: 'CreateConnection', id: 'cal-1', fields: { ...fields, source, writeBack: true }, scheduleId: 'sch-staff-1', secret: null }, context).thenThrows('validation');
      }
      given(connectionDecider, [created]).when({ type: 'UpdateConnection', patch: { writeBack: true } }, context).thenThrows('validation');
      given(connectionDecider, [{ type: 'calendar-connection.created', data: { ...view, source: 'CALDAV' } }])
        .when({ type: 'UpdateConnection', patch: { writeBack: true } }, { now: later })
        .then([{ type: 'calendar-connection.updated', data: { id: 'cal-1', changes: { writeBack: true }, previous: { writeBack: false }, updatedAt: L } }]);
    });

    it('refuses an id taken', () => {
      given(connectionDecider, [created]).when({ type: 'CreateConnection', id: 'cal-1', fields, scheduleId: 'sch-staff-1', secret: null }, context).thenThrows('already-exists');
    });
  });

  describe('update', () => {
    it('records the changed fields only, checks the revision and keeps the secret apart', () => {
      given(connectionDecider, [created])
        .when({ type: 'UpdateConnection', patch: { name: "Ana's calendar", syncIntervalMinutes: 30 }, secret: 'new', expectedRevision: 1 }, { now: later })
        .then([
          { type: 'calendar-connection.updated', data: { id: 'cal-1', changes: { syncIntervalMinutes: 30 }, previous: { syncIntervalMinutes: 15 }, updatedAt: L } },
          { type: 'calendar-connection.secret-set', data: { id: 'cal-1', secret: 'new' } },
        ]);
      given(connectionDecider, [created]).when({ type: 'UpdateConnection', patch: { name: 'x' }, expectedRevision: 2 }, context).thenThrows('revision-conflict');
      given(connectionDecider, [created]).when({ type: 'UpdateConnection', patch: { name: "Ana's calendar" } }, context).thenNothing();
    });

    it('forgets the cursor when the URL, the account, the owner or the zone changes, so the next sync reads the calendar whole', () => {
      for (const patch of [{ url: 'https://elsewhere.example.com/a.ics' }, { username: 'ana' }, { ownerEmail: null }, { timeZone: 'Europe/Paris' }]) {
        const events = given(connectionDecider, syncedOnce).when({ type: 'UpdateConnection', patch }, { now: later })();
        expect(events.map((e) => e.type)).toEqual(['calendar-connection.updated', 'calendar-connection.cursor-moved']);
        expect(events[1].data).toEqual({ id: 'cal-1', cursor: null, windowTo: L });
      }
      const events = given(connectionDecider, syncedOnce).when({ type: 'UpdateConnection', patch: { name: 'Ana' } }, { now: later })();
      expect(events.map((e) => e.type)).toEqual(['calendar-connection.updated']);
    });

    it('refuses a deleted connection, and an unknown one', () => {
      given(connectionDecider, [created, { type: 'calendar-connection.deleted', data: { id: 'cal-1', deletedAt: L } }]).when({ type: 'UpdateConnection', patch: { name: 'x' } }, context).thenThrows('invalid-transition');
      given(connectionDecider, []).when({ type: 'UpdateConnection', patch: { name: 'x' } }, context).thenThrows('not-found');
    });
  });

  describe('delete', () => {
    it('gives back the busy time still to come, keeping the past as history, then deletes', () => {
      const past = busy('standup@x', '2026-03-01T08:00:00Z', '2026-03-01T08:30:00Z');
      given(connectionDecider, [created, synced([block(past), block(dentist)], [])])
        .when({ type: 'DeleteConnection', expectedRevision: 1 }, context)
        .then([synced([], [block(dentist)]), { type: 'calendar-connection.deleted', data: { id: 'cal-1', deletedAt: T } }]);
    });

    it('gives back a large calendar in events of at most BLOCKS_PER_EVENT blocks, all in the deletion, so none outgrows a broker message', () => {
      const hours = Array.from({ length: 2 * BLOCKS_PER_EVENT + 1 }, (_, i) => busy(`event-${i}@x`, new Date(Date.parse('2026-03-02T00:00:00Z') + i * 3_600_000).toISOString(), new Date(Date.parse('2026-03-02T00:30:00Z') + i * 3_600_000).toISOString()));
      const state = fold(connectionDecider, [created, synced(hours.map(block), [])], connectionDecider.initialState());
      const events = connectionDecider.decide({ type: 'DeleteConnection' }, state, context);
      const given = events.flatMap((e) => (e.type === 'external-busy.synced' ? [e.data] : []));
      expect(given.map((data) => [data.removed.length, data.complete])).toEqual([[BLOCKS_PER_EVENT, false], [BLOCKS_PER_EVENT, false], [1, true]]);
      expect(given.every((data) => JSON.stringify(data).length < 256 * 1024)).toBe(true);
      expect(events[events.length - 1].type).toBe('calendar-connection.deleted');
      expect(fold(connectionDecider, events, state)).toMatchObject({ status: 'DELETED', blocks: new Map() });
    });

    it('deletes a connection with nothing ahead at once, and a deleted one is gone already', () => {
      const deleted: ConnectionEvent = { type: 'calendar-connection.deleted', data: { id: 'cal-1', deletedAt: T } };
      given(connectionDecider, [created]).when({ type: 'DeleteConnection' }, context).then([deleted]);
      given(connectionDecider, [created, deleted]).when({ type: 'DeleteConnection' }, context).thenNothing();
      given(connectionDecider, [created]).when({ type: 'DeleteConnection', expectedRevision: 3 }, context).thenThrows('revision-conflict');
    });
  });

  describe('record a sync', () => {
    it('records a first read whole, with where it left off', () => {
      given(connectionDecider, [created])
        .when(recordSync(full(lunch, dentist), '"1"'), context)
        .then([synced([block(dentist), block(lunch)], []), cursorMoved('"1"')]);
    });

    it('records a first read that found nothing, so the connection shows it read the calendar', () => {
      given(connectionDecider, [created]).when(recordSync(full(), null), context).then([synced([], []), cursorMoved(null)]);
    });

    it('records nothing when the calendar, its cursor and the window are as recorded', () => {
      given(connectionDecider, syncedOnce).when(recordSync(full(dentist), '"1"'), { now: later }).thenNothing();
      given(connectionDecider, syncedOnce).when(recordSync(full(dentist), '"1"', 500, windowAt(later)), { now: later }).thenNothing();
    });

    it('moves the cursor alone when the calendar changed nothing busy', () => {
      given(connectionDecider, syncedOnce).when(recordSync(full(dentist), '"2"'), { now: later }).then([cursorMoved('"2"')]);
    });

    it('records where the window reaches once it moved a day, not at every read', () => {
      const tomorrow = windowAt(nextDay);
      given(connectionDecider, syncedOnce).when(recordSync(full(dentist), '"1"', 500, tomorrow), { now: nextDay }).then([cursorMoved('"1"', tomorrow.to.toISOString())]);
    });

    it('removes what a full read no longer holds and adds what it newly holds; a moved event is removed and added again under its id', () => {
      const moved = busy('dentist@x', '2026-03-03T16:00:00Z', '2026-03-03T17:00:00Z');
      given(connectionDecider, syncedOnce)
        .when(recordSync(full(moved, lunch), '"2"'), { now: later })
        .then([synced([block(moved), block(lunch)], [block(dentist)], L), cursorMoved('"2"')]);
      expect(block(moved).id).toBe(block(dentist).id);
    });

    it('keeps blocks that ended before the window: time passing removes nothing', () => {
      const old = busy('old@x', '2026-02-01T10:00:00Z', '2026-02-01T11:00:00Z');
      given(connectionDecider, [created, synced([block(old), block(dentist)], []), cursorMoved('"1"')]).when(recordSync(full(dentist), '"1"'), { now: later }).thenNothing();
    });

    it('takes a delta as speaking for the objects it names only', () => {
      const delta: CalendarSnapshot = { kind: 'delta', changedObjects: ['lunch@x'], deletedObjects: ['dentist@x'], occurrences: [lunch] };
      given(connectionDecider, [created, synced([block(dentist)], []), cursorMoved('token-1')])
        .when(recordSync(delta, 'token-2'), { now: later })
        .then([synced([block(lunch)], [block(dentist)], L), cursorMoved('token-2')]);
      const untouched: CalendarSnapshot = { kind: 'delta', changedObjects: ['lunch@x'], deletedObjects: [], occurrences: [lunch] };
      given(connectionDecider, [created, synced([block(dentist)], []), cursorMoved('token-1')])
        .when(recordSync(untouched, 'token-2'), { now: later })
        .then([synced([block(lunch)], [], L), cursorMoved('token-2')]);
    });

    it('records a large change in parts of at most `limit`, removals first, and moves the cursor with the last part only', () => {
      const many = Array.from({ length: 5 }, (_, i) => busy(`e${i}@x`, `2026-03-1${i}T10:00:00Z`, `2026-03-1${i}T11:00:00Z`));
      const history: ConnectionEvent[] = [...syncedOnce];
      const parts: ConnectionEvent[][] = [];
      for (;;) {
        const events = given(connectionDecider, history).when(recordSync(full(...many), '"2"', 2), { now: later })();
        if (events.length === 0) break;
        parts.push(events);
        history.push(...events);
        const last = events.find((e) => e.type === 'external-busy.synced');
        if (last?.type === 'external-busy.synced' && last.data.complete) break;
      }
      expect(parts.map((events) => events.map((e) => (e.type === 'external-busy.synced' ? [e.data.removed.length, e.data.added.length, e.data.complete] : e.type)))).toEqual([
        [[1, 1, false]],
        [[0, 2, false]],
        [[0, 2, true], 'calendar-connection.cursor-moved'],
      ]);
      expect(given(connectionDecider, history).state()).toMatchObject({ cursor: '"2"', blocks: new Map(many.map((o) => [block(o).id, block(o)])) });
    });

    it('refuses to record into a deleted connection', () => {
      given(connectionDecider, [created, { type: 'calendar-connection.deleted', data: { id: 'cal-1', deletedAt: T } }]).when(recordSync(full(), null), context).thenThrows('invalid-transition');
      given(connectionDecider, []).when(recordSync(full(), null), context).thenThrows('not-found');
    });
  });

  describe('failures', () => {
    const failed = (reason: 'timeout' | 'unreachable', detail: string, at = T): ConnectionEvent => ({ type: 'calendar-connection.sync-failed', data: { id: 'cal-1', reason, detail, at } });

    it('records a failure once, and again only when it is another failure', () => {
      given(connectionDecider, syncedOnce).when({ type: 'RecordSyncFailure', reason: 'timeout', detail: 'no answer within 20000 ms' }, context).then([failed('timeout', 'no answer within 20000 ms')]);
      given(connectionDecider, [...syncedOnce, failed('timeout', 'no answer within 20000 ms')]).when({ type: 'RecordSyncFailure', reason: 'timeout', detail: 'no answer within 20000 ms' }, { now: later }).thenNothing();
      given(connectionDecider, [...syncedOnce, failed('timeout', 'no answer within 20000 ms')])
        .when({ type: 'RecordSyncFailure', reason: 'unreachable', detail: 'connection refused' }, { now: later })
        .then([failed('unreachable', 'connection refused', L)]);
    });

    it('keeps the busy time it brought before, and shows the failure', () => {
      given(connectionDecider, syncedOnce)
        .when({ type: 'RecordSyncFailure', reason: 'timeout', detail: 'slow' }, context)
        .thenState({ blocks: new Map([[block(dentist).id, block(dentist)]]), lastOutcome: { status: 'FAILED', reason: 'timeout', detail: 'slow', at: T } });
    });

    it('records the recovery even when the calendar is as it was', () => {
      given(connectionDecider, [...syncedOnce, failed('timeout', 'slow')])
        .when(recordSync(full(dentist), '"1"'), { now: later })
        .then([synced([], [], L)]);
      given(connectionDecider, [...syncedOnce, failed('timeout', 'slow')])
        .when(recordSync(full(dentist), '"1"'), { now: later })
        .thenState({ lastOutcome: { status: 'OK', at: L, reason: null, detail: null } });
    });

    it('records no failure for a deleted connection', () => {
      given(connectionDecider, [created, { type: 'calendar-connection.deleted', data: { id: 'cal-1', deletedAt: T } }]).when({ type: 'RecordSyncFailure', reason: 'timeout', detail: 'slow' }, context).thenNothing();
    });
  });
});
