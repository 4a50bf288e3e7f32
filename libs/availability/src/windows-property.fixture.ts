import fc from 'fast-check';
import { RecordedEvent, newId } from '@kairos/core';
import { SessionEvent, SessionFields, SessionView, scheduleIdOf, sessionDecider, sessionInstances } from '@kairos/scheduling';
import { ScheduleInfo, heldInstances, ownCalendar } from './calendar';
import { AVAILABILITY_DAYS, AVAILABILITY_SERIES, DayDoc, SeriesDoc, windowCalendars, windowDocIds, windowsSnapshot } from './windows';

/**
 * Where the projection runs in the property: each run gets a tenant of its own, `apply` folds one
 * event into the read models (in memory, or through a real store's batches), `getMany` answers the
 * engine's reads.
 */
export interface WindowsTarget {
  apply(event: RecordedEvent): Promise<void>;
  getMany<T extends { id: string }>(collection: string, tenant: string, ids: string[]): Promise<T[]>;
}

const staff = ['a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002'];
const staffSchedules = staff.map(scheduleIdOf);
const serviceSchedule = 'b0000000-0000-4000-8000-000000000001';
const schedules = new Map<string, ScheduleInfo>(
  [...staffSchedules, serviceSchedule].map((id) => [
    id,
    { id, timeZone: 'Europe/London', workingHours: [{ daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: '09:00', endTime: '17:00', everyWeeks: 1, validFrom: null, validUntil: null }], linkedSchedules: [], status: 'ACTIVE', capacity: 1 },
  ]),
);

const BASE = Date.parse('2026-03-23T00:00:00Z');
const localOf = (minutes: number) => new Date(BASE + minutes * 60_000).toISOString().slice(0, 16);

type Op =
  | { kind: 'create'; type: SessionFields['type']; scheduleIndex: number; startMin: number; lengthMin: number; resources: number[]; recurrence: string | null; before: number; after: number; booking: boolean }
  | { kind: 'moveInstance'; target: number; shiftMin: number }
  | { kind: 'cancel'; target: number; instance: boolean }
  | { kind: 'retarget'; target: number; resources: number[] };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({
    kind: fc.constant('create' as const),
    type: fc.constantFrom('EVENT', 'EVENT', 'WORKING_HOURS', 'AVAILABILITY') as fc.Arbitrary<SessionFields['type']>,
    scheduleIndex: fc.integer({ min: 0, max: 2 }),
    startMin: fc.integer({ min: 0, max: 14 * 24 * 4 }).map((q) => q * 15),
    lengthMin: fc.integer({ min: 1, max: 16 }).map((q) => q * 15),
    resources: fc.subarray([0, 1]),
    recurrence: fc.constantFrom(null, null, 'FREQ=DAILY;COUNT=5', 'FREQ=WEEKLY;BYDAY=MO,TH', 'FREQ=DAILY;INTERVAL=2'),
    before: fc.constantFrom(0, 10, 30),
    after: fc.constantFrom(0, 15),
    booking: fc.constantFrom(false, false, false, true),
  }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('moveInstance' as const), target: fc.nat(), shiftMin: fc.integer({ min: -8, max: 8 }).map((q) => q * 30) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), target: fc.nat(), instance: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retarget' as const), target: fc.nat(), resources: fc.subarray([0, 1]) }) },
);

/**
 * Replays random session histories (create, move an instance, cancel an instance or a series,
 * retarget resources; single and recurring, appointments' sessions with and without resources,
 * across the London clock change) through the windows
 * projection, and checks the windows give exactly the calendars that expanding the raw sessions gives.
 */
export const windowsMatchRawExpansion = (target: WindowsTarget, numRuns: number) =>
  fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 10 }), async (ops, fromDay, days) => {
        const tenant = newId();
        const views = new Map<string, SessionView>();
        let position = 0;
        let clock = BASE - 30 * 86_400_000;
        const apply = async (id: string, events: SessionEvent[]) => {
          for (const event of events) {
            const recorded: RecordedEvent = {
              id: newId(), type: event.type, schemaVersion: 1, data: event.data,
              metadata: { tenant: tenant, actor: { type: 'BUSINESS' }, occurredAt: new Date(clock).toISOString() },
              streamId: `session:${tenant}:${id}`, streamRevision: 0, position: ++position, recordedAt: new Date(clock).toISOString(),
            };
            await target.apply(recorded);
            const state = sessionDecider.evolve(views.has(id) ? { status: views.get(id)!.status, view: views.get(id)! } : { status: 'none' }, event);
            if (state.status !== 'none') views.set(id, state.view);
          }
        };
        for (const op of ops) {
          clock += 3_600_000;
          const now = new Date(clock);
          const ids = [...views.keys()];
          if (op.kind === 'create') {
            const id = newId();
            const scheduleId = [...staffSchedules, serviceSchedule][op.scheduleIndex];
            const resourceIds = op.resources.map((i) => staff[i]);
            const drawn: SessionFields = {
              scheduleId, type: op.type, timeZone: 'Europe/London', localStart: localOf(op.startMin), localEnd: localOf(op.startMin + op.lengthMin),
              recurrence: op.recurrence, exdates: [], title: null, capacity: null, resourceIds, affectedSchedules: null,
              bufferBeforeMinutes: op.before, bufferAfterMinutes: op.after, locationId: null,
            };
            // As an appointment booking puts its session on the calendar (bookings/holds.ts): single, on the service's schedule, naming its resources.
            const fields: SessionFields = op.booking
              ? { ...drawn, scheduleId: serviceSchedule, type: 'EVENT', recurrence: null, capacity: 1, affectedSchedules: resourceIds.map((r) => ({ scheduleId: scheduleIdOf(r), transparency: 'BUSY' as const })), bookingId: newId() }
              : drawn;
            await apply(id, sessionDecider.decide({ type: 'CreateSession', id, fields }, { status: 'none' }, { now }));
            continue;
          }
          if (ids.length === 0) continue;
          const id = ids[op.target % ids.length];
          const view = views.get(id)!;
          // An appointment's session changes only by being canceled (a reschedule cancels it and puts a new one).
          if (view.status === 'CANCELED' || (view.bookingId !== undefined && op.kind !== 'cancel')) continue;
          const first = sessionInstances(view, { from: new Date(BASE - 86_400_000), to: new Date(BASE + 40 * 86_400_000) }).find((i) => i.status === 'ACTIVE');
          if (op.kind === 'retarget') {
            await apply(id, sessionDecider.decide({ type: 'UpdateSeries', changes: { resourceIds: op.resources.map((i) => staff[i]) } }, { status: 'ACTIVE', view }, { now }));
          } else if (op.kind === 'moveInstance' && first && view.recurrence !== null) {
            const start = new Date(Date.parse(first.start) + op.shiftMin * 60_000).toISOString().slice(0, 16);
            const end = new Date(Date.parse(first.end) + op.shiftMin * 60_000).toISOString().slice(0, 16);
            await apply(id, sessionDecider.decide(
              { type: 'UpdateInstance', instanceId: first.id, originalStart: first.originalStart, changes: { localStart: start, localEnd: end } },
              { status: 'ACTIVE', view }, { now, isOccurrence: () => true },
            ));
          } else if (op.kind === 'cancel') {
            const events = op.instance && first && view.recurrence !== null
              ? sessionDecider.decide({ type: 'CancelInstance', instanceId: first.id, originalStart: first.originalStart, actor: 'BUSINESS' }, { status: 'ACTIVE', view }, { now, isOccurrence: () => true })
              : sessionDecider.decide({ type: 'CancelSeries', from: new Date(BASE + 5 * 86_400_000).toISOString(), actor: 'BUSINESS' }, { status: 'ACTIVE', view }, { now });
            await apply(id, events);
          }
        }
        // London, not UTC: the window is cut anywhere, across the clock change of 29 March.
        const window = { from: BASE + fromDay * 86_400_000 + 7 * 3_600_000, to: BASE + (fromDay + days) * 86_400_000 };
        // Widened by the largest buffers drawn: an instance just outside the window holds it through them.
        const range = { from: new Date(window.from - 15 * 60_000), to: new Date(window.to + 30 * 60_000) };
        const instances = [...views.values()].flatMap((v) => heldInstances(v, range));
        const ids = windowDocIds([...schedules.keys()], window);
        const snapshot = windowsSnapshot(
          window,
          await target.getMany<DayDoc>(AVAILABILITY_DAYS, tenant, ids.days),
          await target.getMany<SeriesDoc>(AVAILABILITY_SERIES, tenant, ids.series),
        );
        const fromWindows = windowCalendars(schedules, snapshot, window);
        for (const scheduleId of schedules.keys()) {
          expect(fromWindows(scheduleId)).toEqual(ownCalendar(schedules.get(scheduleId)!, instances, window));
        }
      }),
      { numRuns },
    );
