import { ExternalBlock } from '@kairos/calendars';
import { MemoryReadModels, ProjectedEvent, enveloped } from '@kairos/core';
import { SessionEvent, SessionFields, scheduleIdOf, sessionDecider } from '@kairos/scheduling';
import { AVAILABILITY_DAYS, AVAILABILITY_SERIES, DayDoc, SeriesDoc, availabilityWindowsProjection, windowDocIds, windowsSnapshot } from './windows';
import { WindowsTarget, windowsMatchRawExpansion } from './windows-property.fixture';

/** The definition folded in memory: its logic without a database (windows.int.spec.ts runs it through the real stores). */
const inMemory = (): WindowsTarget => {
  const models = new MemoryReadModels();
  return {
    apply: async (event) => void models.project(availabilityWindowsProjection, [event]),
    getMany: async <T extends { id: string }>(collection: string, tenant: string, ids: string[]) =>
      ids.flatMap((id) => models.get<T>(collection, tenant, id) ?? []),
  };
};

const now = new Date('2026-03-01T00:00:00Z');
const inTenant = enveloped({ tenant: 't1', actor: { type: 'BUSINESS' }, occurredAt: now.toISOString() });
const fields = (localStart: string, localEnd: string, recurrence: string | null = null, more: Partial<SessionFields> = {}): SessionFields => ({
  scheduleId: 'sch', type: 'EVENT', timeZone: 'UTC', localStart, localEnd, recurrence, exdates: [], title: null, capacity: null,
  resourceIds: [], affectedSchedules: null, bufferBeforeMinutes: 0, bufferAfterMinutes: 0, locationId: null, ...more,
});
const create = (id: string, f: SessionFields) => sessionDecider.decide({ type: 'CreateSession', id, fields: f }, { status: 'none' }, { now });
const cancel = (created: SessionEvent[]) =>
  sessionDecider.decide({ type: 'CancelSeries', from: null, actor: 'BUSINESS' }, sessionDecider.evolve({ status: 'none' }, created[0]), { now });
const iso = (ms: number) => new Date(ms).toISOString();

/** Per day document, the blocks it holds: [id, [source, start, end]…]. */
const days = (models: MemoryReadModels, kind: 'busy' | 'working' = 'busy') =>
  models.all<DayDoc>(AVAILABILITY_DAYS, 't1').map((d) => [d.id, d[kind].map((b) => [b.source, iso(b.start), iso(b.end)])]);

const project = (events: ProjectedEvent[], models = new MemoryReadModels()) => models.project(availabilityWindowsProjection, events);

describe('availability windows', () => {
  it('put a single session in the document of its UTC day only, with its buffers', () => {
    // Given nothing; When a session 10:00–11:00 with 30 minutes before and 15 after
    const models = project(create('s1', fields('2026-03-10T10:00', '2026-03-10T11:00', null, { bufferBeforeMinutes: 30, bufferAfterMinutes: 15 })).map(inTenant));
    // Then one day document holds it, buffers included
    expect(days(models)).toEqual([['sch|2026-03-10', [['s1', '2026-03-10T09:30:00.000Z', '2026-03-10T11:15:00.000Z']]]]);
  });

  it('put a session across midnight in both days, and give it once to a window over both', () => {
    // Given a session 23:00–01:00 and one the next morning
    const models = project([...create('night', fields('2026-03-10T23:00', '2026-03-11T01:00')), ...create('morning', fields('2026-03-11T08:00', '2026-03-11T09:00'))].map(inTenant));
    // Then the night sits in both days
    expect(days(models)).toEqual([
      ['sch|2026-03-10', [['night', '2026-03-10T23:00:00.000Z', '2026-03-11T01:00:00.000Z']]],
      ['sch|2026-03-11', [['night', '2026-03-10T23:00:00.000Z', '2026-03-11T01:00:00.000Z'], ['morning', '2026-03-11T08:00:00.000Z', '2026-03-11T09:00:00.000Z']]],
    ]);
    // When a window over both days is read, or one that starts on the second day
    const snapshotOf = (from: string, to: string) => {
      const window = { from: Date.parse(from), to: Date.parse(to) };
      const ids = windowDocIds(['sch'], window);
      return windowsSnapshot(window, ids.days.flatMap((id) => models.get<DayDoc>(AVAILABILITY_DAYS, 't1', id) ?? []).reverse(), []).blocks.get('sch')?.busy.map((b) => b.source);
    };
    // Then each block comes once, in order
    expect(snapshotOf('2026-03-10T00:00:00Z', '2026-03-12T00:00:00Z')).toEqual(['night', 'morning']);
    expect(snapshotOf('2026-03-11T00:30:00Z', '2026-03-12T00:00:00Z')).toEqual(['night', 'morning']);
    expect(windowDocIds(['sch'], { from: Date.parse('2026-03-10T12:00:00Z'), to: Date.parse('2026-03-12T00:00:00Z') }).days).toEqual(['sch|2026-03-10', 'sch|2026-03-11']);
  });

  it('put a session across the end of a month in the last day of one and the first of the next, and take it out of both when it is canceled', () => {
    const created = create('s1', fields('2026-03-31T23:00', '2026-04-01T01:00'));
    const models = project(created.map(inTenant));
    expect(days(models).map(([id]) => id)).toEqual(['sch|2026-03-31', 'sch|2026-04-01']);
    project(cancel(created).map(inTenant), models);
    expect(models.all(AVAILABILITY_DAYS, 't1')).toEqual([]);
  });

  it('move a block from the days it left to the days it reaches, leaving the others in them', () => {
    // Given a session that holds resource r1, and another on the same day
    const created = create('s1', fields('2026-03-10T09:00', '2026-03-10T10:00', null, { resourceIds: ['r1'] }));
    const models = project([...created, ...create('s2', fields('2026-03-10T12:00', '2026-03-10T13:00'))].map(inTenant));
    // When its resources change
    const retargeted = sessionDecider.decide({ type: 'UpdateSeries', changes: { resourceIds: ['r2'] } }, sessionDecider.evolve({ status: 'none' }, created[0]), { now });
    project(retargeted.map(inTenant), models);
    // Then it left r1's day and reached r2's, and its own schedule's day keeps both sessions
    expect(days(models).map(([id, blocks]) => [id, (blocks as string[][]).map(([source]) => source)])).toEqual([
      ['sch|2026-03-10', ['s1', 's2']],
      [`${scheduleIdOf('r2')}|2026-03-10`, ['s1']],
    ]);
  });

  it('keep working time apart from holds, in the same day documents', () => {
    const models = project(create('extra', fields('2026-03-14T09:00', '2026-03-14T12:00', null, { type: 'AVAILABILITY' })).map(inTenant));
    expect(days(models, 'working')).toEqual([['sch|2026-03-14', [['extra', '2026-03-14T09:00:00.000Z', '2026-03-14T12:00:00.000Z']]]]);
    expect(days(models)).toEqual([['sch|2026-03-14', []]]);
  });

  it("put an appointment's session on its resources' days only; one without resources stays on the service's schedule", () => {
    // Given an appointment with a staff member, as a booking puts it on the calendar, and one without resources
    const staff = scheduleIdOf('staff-a');
    const appointment = (id: string, resourceIds: string[]) =>
      create(id, fields('2026-03-10T09:00', '2026-03-10T09:30', null, {
        capacity: 1, resourceIds, affectedSchedules: resourceIds.map((r) => ({ scheduleId: scheduleIdOf(r), transparency: 'BUSY' as const })), bookingId: `booking-${id}`,
      }));
    // When both are projected
    const models = project([...appointment('with-staff', ['staff-a']), ...appointment('alone', [])].map(inTenant));
    // Then the staff member's day holds the first; the service's day holds only the one without resources
    expect(days(models).map(([id, blocks]) => [id, (blocks as string[][]).map(([source]) => source)])).toEqual([
      [`${staff}|2026-03-10`, ['with-staff']],
      ['sch|2026-03-10', ['alone']],
    ]);
  });

  it('keep a recurring series whole under each schedule it touches, for expansion when asked', () => {
    const created: SessionEvent[] = create('weekly', fields('2026-03-02T10:00', '2026-03-02T11:00', 'FREQ=WEEKLY'));
    const models = project(created.map(inTenant));
    expect(models.get<SeriesDoc>(AVAILABILITY_SERIES, 't1', 'sch')?.series.map((s) => s.id)).toEqual(['weekly']);
    expect(models.all(AVAILABILITY_DAYS, 't1')).toEqual([]);
  });

  it("hold a resource's schedule with the busy time of its own calendar, in each UTC day it overlaps, moved and given back as synced", () => {
    const synced = (added: ExternalBlock[], removed: ExternalBlock[]) =>
      inTenant({ type: 'external-busy.synced' as const, data: { connectionId: 'c1', resourceId: 'r1', scheduleId: 'sch', added, removed, complete: true, at: now.toISOString() } });
    // An all-day event in Lisbon summer time: 23:00 UTC to 23:00 UTC, two UTC days.
    const holiday = { id: 'x1', object: 'o1', start: '2026-03-31T23:00:00.000Z', end: '2026-04-01T23:00:00.000Z' };
    const lunch = { id: 'x2', object: 'o2', start: '2026-03-10T12:00:00.000Z', end: '2026-03-10T13:00:00.000Z' };
    const models = project([...create('s1', fields('2026-03-10T09:00', '2026-03-10T10:00')).map(inTenant), synced([holiday, lunch], [])]);
    const busy = () => days(models).map(([id, blocks]) => [id, (blocks as string[][]).map(([source, start]) => [source, start])]);
    expect(busy()).toEqual([
      ['sch|2026-03-10', [['s1', '2026-03-10T09:00:00.000Z'], ['x2', '2026-03-10T12:00:00.000Z']]],
      ['sch|2026-03-31', [['x1', '2026-03-31T23:00:00.000Z']]],
      ['sch|2026-04-01', [['x1', '2026-03-31T23:00:00.000Z']]],
    ]);
    const moved = { ...holiday, start: '2026-04-02T08:00:00.000Z', end: '2026-04-02T09:00:00.000Z' };
    models.project(availabilityWindowsProjection, [synced([moved], [holiday, lunch])]);
    expect(busy()).toEqual([
      ['sch|2026-03-10', [['s1', '2026-03-10T09:00:00.000Z']]],
      ['sch|2026-04-02', [['x1', '2026-04-02T08:00:00.000Z']]],
    ]);
    models.project(availabilityWindowsProjection, [synced([], [moved])]);
    expect(busy()).toEqual([['sch|2026-03-10', [['s1', '2026-03-10T09:00:00.000Z']]]]);
  });

  it('give the same calendars as expanding every raw session, after any sequence of session changes', async () => {
    await windowsMatchRawExpansion(inMemory(), 150);
  });
});
