import { ExternalBlock } from '@kairos/calendars';
import { MemoryReadModels, enveloped } from '@kairos/core';
import { SessionEvent, SessionFields, sessionDecider } from '@kairos/scheduling';
import { AVAILABILITY_MONTHS, AVAILABILITY_SERIES, MonthDoc, SeriesDoc, availabilityWindowsProjection } from './windows';
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
const fields = (localStart: string, localEnd: string, recurrence: string | null = null): SessionFields => ({
  scheduleId: 'sch', type: 'EVENT', timeZone: 'UTC', localStart, localEnd, recurrence, exdates: [], title: null, capacity: null,
  resourceIds: [], affectedSchedules: null, bufferBeforeMinutes: 0, bufferAfterMinutes: 0, locationId: null,
});
const create = (id: string, f: SessionFields) => sessionDecider.decide({ type: 'CreateSession', id, fields: f }, { status: 'none' }, { now });

describe('availability windows', () => {
  it('put a single session in every UTC month it overlaps, and take it out when it is canceled', () => {
    const created = create('s1', fields('2026-03-31T23:00', '2026-04-01T01:00'));
    const models = new MemoryReadModels().project(availabilityWindowsProjection, created.map(inTenant));
    const months = models.all<MonthDoc>(AVAILABILITY_MONTHS, 't1');
    expect(months.map((m) => [m.id, m.busy.map((b) => b.source)])).toEqual([
      ['sch|2026-03', ['s1']],
      ['sch|2026-04', ['s1']],
    ]);
    const canceled = sessionDecider.decide({ type: 'CancelSeries', from: null, actor: 'BUSINESS' }, sessionDecider.evolve({ status: 'none' }, created[0]), { now });
    models.project(availabilityWindowsProjection, canceled.map(inTenant));
    expect(models.all(AVAILABILITY_MONTHS, 't1')).toEqual([]);
  });

  it('keep a recurring series whole under each schedule it touches, for expansion when asked', () => {
    const created: SessionEvent[] = create('weekly', fields('2026-03-02T10:00', '2026-03-02T11:00', 'FREQ=WEEKLY'));
    const models = new MemoryReadModels().project(availabilityWindowsProjection, created.map(inTenant));
    expect(models.get<SeriesDoc>(AVAILABILITY_SERIES, 't1', 'sch')?.series.map((s) => s.id)).toEqual(['weekly']);
    expect(models.all(AVAILABILITY_MONTHS, 't1')).toEqual([]);
  });

  it("hold a resource's schedule with the busy time of its own calendar, moved and given back as synced", () => {
    const synced = (added: ExternalBlock[], removed: ExternalBlock[]) =>
      inTenant({ type: 'external-busy.synced' as const, data: { connectionId: 'c1', resourceId: 'r1', scheduleId: 'sch', added, removed, complete: true, at: now.toISOString() } });
    const dentist = { id: 'x1', object: 'o1', start: '2026-03-31T22:00:00.000Z', end: '2026-04-01T01:00:00.000Z' };
    const lunch = { id: 'x2', object: 'o2', start: '2026-03-10T12:00:00.000Z', end: '2026-03-10T13:00:00.000Z' };
    const models = new MemoryReadModels().project(availabilityWindowsProjection, [...create('s1', fields('2026-03-10T09:00', '2026-03-10T10:00')).map(inTenant), synced([dentist, lunch], [])]);
    const busy = () => models.all<MonthDoc>(AVAILABILITY_MONTHS, 't1').map((m) => [m.id, m.busy.map((b) => [b.source, new Date(b.start).toISOString()])]);
    expect(busy()).toEqual([
      ['sch|2026-03', [['s1', '2026-03-10T09:00:00.000Z'], ['x2', '2026-03-10T12:00:00.000Z'], ['x1', '2026-03-31T22:00:00.000Z']]],
      ['sch|2026-04', [['x1', '2026-03-31T22:00:00.000Z']]],
    ]);
    const moved = { ...dentist, start: '2026-04-02T08:00:00.000Z', end: '2026-04-02T09:00:00.000Z' };
    models.project(availabilityWindowsProjection, [synced([moved], [dentist, lunch])]);
    expect(busy()).toEqual([
      ['sch|2026-03', [['s1', '2026-03-10T09:00:00.000Z']]],
      ['sch|2026-04', [['x1', '2026-04-02T08:00:00.000Z']]],
    ]);
    models.project(availabilityWindowsProjection, [synced([], [moved])]);
    expect(busy()).toEqual([['sch|2026-03', [['s1', '2026-03-10T09:00:00.000Z']]]]);
  });

  it('give the same calendars as expanding every raw session, after any sequence of session changes', async () => {
    await windowsMatchRawExpansion(inMemory(), 150);
  });
});
