import { MemoryReadModels, SYSTEM_TENANT, enveloped } from '@kairos/core';
import { CALENDAR_CONNECTIONS, CALENDAR_SYNC_DUE, calendarsProjection } from './calendars.projection';
import { ConnectionEvent, ConnectionView, ExternalBlock } from './connection/connection';

const at = '2026-03-01T10:00:00.000Z';
const minutesLater = (minutes: number) => new Date(Date.parse(at) + minutes * 60_000).toISOString();
const inTenant = (event: ConnectionEvent, occurredAt = at) => enveloped({ tenant: 't1', actor: { type: 'SYSTEM' }, occurredAt })(event);
const project = (...events: (ConnectionEvent | [ConnectionEvent, string])[]) =>
  new MemoryReadModels().project(
    calendarsProjection,
    events.map((e) => (Array.isArray(e) ? inTenant(e[0], e[1]) : inTenant(e))),
  );

const view: ConnectionView = {
  id: 'cal-1', revision: 1, createdAt: at, updatedAt: at, deletedAt: null, scheduleId: 'sch-1',
  resourceId: 'staff-1', name: "Ana's calendar", source: 'ICS', url: 'https://calendar.example.com/ana.ics', username: null, ownerEmail: null, timeZone: 'Europe/Lisbon', syncIntervalMinutes: 15, writeBack: false,
};
const created: ConnectionEvent = { type: 'calendar-connection.created', data: view };
const block = (id: string): ExternalBlock => ({ id, object: `o-${id}`, start: '2026-03-03T14:00:00.000Z', end: '2026-03-03T15:00:00.000Z' });
const synced = (added: ExternalBlock[], removed: ExternalBlock[], syncedAt: string): ConnectionEvent => ({
  type: 'external-busy.synced',
  data: { connectionId: 'cal-1', resourceId: 'staff-1', scheduleId: 'sch-1', added, removed, complete: true, at: syncedAt },
});
const failed = (failedAt: string): ConnectionEvent => ({ type: 'calendar-connection.sync-failed', data: { id: 'cal-1', reason: 'timeout', detail: 'no answer within 20000 ms', at: failedAt } });
const updated = (changes: Record<string, unknown>, previous: Record<string, unknown>, updatedAt: string): ConnectionEvent =>
  ({ type: 'calendar-connection.updated', data: { id: 'cal-1', changes, previous, updatedAt } }) as ConnectionEvent;
const dueAt = (models: MemoryReadModels) => models.get<{ id: string; dueAt: string; tenant: string }>(CALENDAR_SYNC_DUE, SYSTEM_TENANT, 'cal-1');

describe('calendars projection: connections', () => {
  it('shows a new connection with no sync yet, and makes it due at once', () => {
    const models = project(created);
    expect(models.get(CALENDAR_CONNECTIONS, 't1', 'cal-1')).toEqual({ ...view, lastSync: null, blockCount: 0 });
    expect(dueAt(models)).toEqual({ id: 'cal-1', tenant: 't1', dueAt: at });
  });

  it('counts the blocks, shows the last outcome, and makes the connection due an interval after it', () => {
    const models = project(created, synced([block('a'), block('b')], [], minutesLater(1)), synced([], [block('a')], minutesLater(16)));
    expect(models.get(CALENDAR_CONNECTIONS, 't1', 'cal-1')).toMatchObject({ blockCount: 1, lastSync: { status: 'OK', at: minutesLater(16), reason: null, detail: null } });
    expect(dueAt(models)?.dueAt).toBe(minutesLater(31));
  });

  it('shows a failure with its reason, keeps the count, and tries again an interval later', () => {
    const models = project(created, synced([block('a')], [], minutesLater(1)), failed(minutesLater(16)));
    expect(models.get(CALENDAR_CONNECTIONS, 't1', 'cal-1')).toMatchObject({ blockCount: 1, lastSync: { status: 'FAILED', reason: 'timeout', detail: 'no answer within 20000 ms', at: minutesLater(16) } });
    expect(dueAt(models)?.dueAt).toBe(minutesLater(31));
  });

  it('counts a new interval from the last outcome, and reads another URL at once', () => {
    const longer = project(created, synced([], [], minutesLater(1)), updated({ syncIntervalMinutes: 60 }, { syncIntervalMinutes: 15 }, minutesLater(5)));
    expect(dueAt(longer)?.dueAt).toBe(minutesLater(61));
    expect(longer.get(CALENDAR_CONNECTIONS, 't1', 'cal-1')).toMatchObject({ revision: 2, syncIntervalMinutes: 60, updatedAt: minutesLater(5) });
    const moved = project(created, synced([], [], minutesLater(1)), updated({ url: 'https://elsewhere.example.com/a.ics' }, { url: view.url }, minutesLater(5)));
    expect(dueAt(moved)?.dueAt).toBe(minutesLater(5));
    const renamed = project(created, synced([], [], minutesLater(1)), updated({ name: 'Ana' }, { name: view.name }, minutesLater(5)));
    expect(dueAt(renamed)?.dueAt).toBe(minutesLater(16));
  });

  it('reads at once with a new secret, and leaves the due time alone when only the cursor moved', () => {
    const secret = project(created, synced([], [], minutesLater(1)), [{ type: 'calendar-connection.secret-set', data: { id: 'cal-1', secret: 'pw' } }, minutesLater(5)]);
    expect(dueAt(secret)?.dueAt).toBe(minutesLater(5));
    const cursor = project(created, synced([], [], minutesLater(1)), [{ type: 'calendar-connection.cursor-moved', data: { id: 'cal-1', cursor: '"2"', windowTo: at } }, minutesLater(20)]);
    expect(dueAt(cursor)?.dueAt).toBe(minutesLater(16));
  });

  it('marks a deleted connection deleted, with its future blocks given back, and never due again', () => {
    const models = project(created, synced([block('a')], [], minutesLater(1)), synced([], [block('a')], minutesLater(2)), { type: 'calendar-connection.deleted', data: { id: 'cal-1', deletedAt: minutesLater(2) } });
    expect(models.get(CALENDAR_CONNECTIONS, 't1', 'cal-1')).toMatchObject({ revision: 2, deletedAt: minutesLater(2), blockCount: 0 });
    expect(dueAt(models)).toBeNull();
  });
});
