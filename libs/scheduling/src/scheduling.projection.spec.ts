import { MemoryReadModels, enveloped } from '@kairos/core';
import { ScheduleEvent, scheduleDecider } from './schedule/schedule';
import { INSTANCE_INDEX_DAYS, OPEN_END, SCHEDULES, SESSIONS, SESSION_INSTANCES, SessionDoc, schedulingProjection } from './scheduling.projection';
import { SessionEvent, SessionFields, SessionView, sessionDecider } from './session/session';

const now = new Date('2026-03-02T08:00:00Z');
const inTenant = enveloped({ tenant: 't1', actor: { type: 'BUSINESS' }, occurredAt: now.toISOString() });
const project = (...events: (ScheduleEvent | SessionEvent)[]) => new MemoryReadModels().project(schedulingProjection, events.map(inTenant));

const [scheduleCreated] = scheduleDecider.decide(
  {
    type: 'CreateSchedule',
    id: 'sch',
    fields: { ownerType: 'SERVICE', ownerId: 's1', timeZone: 'Europe/London', tags: ['INDIVIDUAL'], capacity: 1, linkedSchedules: [], workingHours: [], locationId: null },
  },
  { status: 'none' },
  { now },
);

const sessionFields = (recurrence: string | null): SessionFields => ({
  scheduleId: 'sch', type: 'EVENT', timeZone: 'Europe/London', localStart: '2026-03-02T10:00', localEnd: '2026-03-02T11:00',
  recurrence, exdates: [], title: 'Yoga', capacity: 10, resourceIds: ['r1'], affectedSchedules: null,
  bufferBeforeMinutes: 0, bufferAfterMinutes: 0, locationId: null,
});
const createSession = (id: string, recurrence: string | null) => sessionDecider.decide({ type: 'CreateSession', id, fields: sessionFields(recurrence) }, { status: 'none' }, { now });

describe('scheduling projection', () => {
  it('keeps schedules as their views; a canceled one is marked CANCELED at the next revision', () => {
    const canceled = scheduleDecider.decide({ type: 'CancelSchedule', actor: 'BUSINESS' }, scheduleDecider.evolve({ status: 'none' }, scheduleCreated), { now: new Date('2026-03-05T00:00:00Z') });
    const doc = project(scheduleCreated, ...canceled).get(SCHEDULES, 't1', 'sch');
    expect(doc).toEqual({ ...scheduleCreated.data, status: 'CANCELED', revision: 2, updatedAt: '2026-03-05T00:00:00.000Z' });
  });

  it('keeps a single session with the schedules it touches and the span it occupies', () => {
    const [created] = createSession('one', null);
    const models = project(created);
    expect(models.get<SessionDoc>(SESSIONS, 't1', 'one')).toEqual({
      ...(created.data as SessionView),
      _affects: expect.arrayContaining(['sch']),
      _firstStart: '2026-03-02T10:00:00.000Z',
      _lastEnd: '2026-03-02T11:00:00.000Z',
    });
    expect(models.all(SESSION_INSTANCES, 't1')).toEqual([]);
  });

  it('indexes a series’ instances up to the horizon, and spans an endless series to the open end', () => {
    const models = project(...createSession('weekly', 'FREQ=WEEKLY'));
    const instances = models.all<{ id: string; seriesId: string; originalStart: string }>(SESSION_INSTANCES, 't1');
    expect(instances.length).toBe(Math.floor(INSTANCE_INDEX_DAYS / 7) + 1);
    expect(instances.every((i) => i.seriesId === 'weekly')).toBe(true);
    expect(instances[0].originalStart).toBe('2026-03-02T10:00:00.000Z');
    expect(models.get<SessionDoc>(SESSIONS, 't1', 'weekly')).toMatchObject({ _firstStart: '2026-03-02T10:00:00.000Z', _lastEnd: OPEN_END });
  });

  it('folds later session events into the kept view, and ignores those of sessions it never saw created', () => {
    const created = createSession('one', null);
    const view = sessionDecider.evolve({ status: 'none' }, created[0]);
    const canceled = sessionDecider.decide({ type: 'CancelSeries', from: null, actor: 'BUSINESS' }, view, { now });
    const models = project(...created, ...canceled, ...canceled.map((e) => ({ ...e, data: { ...e.data, id: 'unknown' } }) as SessionEvent));
    expect(models.get<SessionDoc>(SESSIONS, 't1', 'one')).toMatchObject({ status: 'CANCELED', revision: 2 });
    expect(models.all(SESSIONS, 't1').map((d) => d.id)).toEqual(['one']);
  });
});
