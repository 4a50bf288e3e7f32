import { given } from '@kairos/testing';
import { ScheduleCommand, ScheduleEvent, ScheduleFields, SchedulePatch, businessScheduleIdOf, scheduleDecider, scheduleIdOf } from './schedule';

const now = new Date('2026-01-01T00:00:00Z');
const T = now.toISOString();
const LATER = '2026-01-02T00:00:00.000Z';
const later = { now: new Date(LATER) };
const fields: ScheduleFields = { ownerType: 'SERVICE', ownerId: 's1', timeZone: 'Europe/London', tags: ['INDIVIDUAL'], capacity: 1, linkedSchedules: [], workingHours: [], locationId: null };
const create: ScheduleCommand = { type: 'CreateSchedule', id: 'sch', fields };
const created: ScheduleEvent[] = [{ type: 'schedule.created', data: { id: 'sch', revision: 1, createdAt: T, updatedAt: T, status: 'ACTIVE', ...fields } }];
const canceled: ScheduleEvent = { type: 'schedule.canceled', data: { id: 'sch', canceledAt: T, previousStatus: 'ACTIVE', actor: 'BUSINESS', reason: null, canceledBookingIds: [] } };
const update = (patch: SchedulePatch, expectedRevision?: number): ScheduleCommand => ({ type: 'UpdateSchedule', patch, expectedRevision });
const mornings = { daysOfWeek: ['MON' as const], startTime: '09:00', endTime: '12:00', everyWeeks: 1, validFrom: null, validUntil: null };

describe('schedule decider', () => {
  describe('CreateSchedule', () => {
    it('records the whole schedule, ACTIVE, at revision 1', () => {
      given(scheduleDecider, []).when(create, { now }).then(created);
    });

    it('refuses to create the same schedule twice', () => {
      given(scheduleDecider, created).when(create, { now }).thenThrows('already-exists', [{ field: 'id', reason: 'taken' }]);
    });
  });

  describe('UpdateSchedule', () => {
    it('records only what changed, with the previous values', () => {
      given(scheduleDecider, created)
        .when(update({ capacity: 3, timeZone: 'Europe/London', workingHours: [mornings] }, 1), later)
        .then([{ type: 'schedule.updated', data: { id: 'sch', changes: { capacity: 3, workingHours: [mornings] }, previous: { capacity: 1, workingHours: [] }, updatedAt: LATER } }]);
      given(scheduleDecider, created).when(update({ locationId: 'l1' }), later).thenState({ view: { locationId: 'l1', revision: 2, updatedAt: LATER } });
    });

    it('records nothing when nothing changes', () => {
      given(scheduleDecider, created).when(update({ capacity: 1, linkedSchedules: [] }), later).thenNothing();
    });

    it('links other schedules but refuses a link to itself', () => {
      given(scheduleDecider, created).when(update({ linkedSchedules: [{ scheduleId: 'other', transparency: 'FREE' }] }), later).thenState({ view: { linkedSchedules: [{ scheduleId: 'other', transparency: 'FREE' }] } });
      given(scheduleDecider, created).when(update({ linkedSchedules: [{ scheduleId: 'sch', transparency: 'BUSY' }] }), later).thenThrows('validation', [{ field: 'linkedSchedules', reason: 'links itself' }]);
    });

    it('refuses invalid working hours, naming each field', () => {
      given(scheduleDecider, created)
        .when(update({ workingHours: [{ ...mornings, daysOfWeek: [], everyWeeks: 0 }] }), later)
        .thenThrows('validation', [{ field: 'workingHours[0].daysOfWeek' }, { field: 'workingHours[0].everyWeeks' }]);
    });

    it('checks the revision', () => {
      given(scheduleDecider, created).when(update({ capacity: 3 }, 2), later).thenThrows('revision-conflict', [{ field: 'revision' }]);
    });

    it('refuses a canceled schedule, and knows none that was never created', () => {
      given(scheduleDecider, [...created, canceled]).when(update({ capacity: 3 }), later).thenThrows('invalid-transition');
      given(scheduleDecider, []).when(update({ capacity: 3 }), later).thenThrows('not-found');
    });
  });

  describe('CancelSchedule', () => {
    it('cancels once, and records nothing the second time', () => {
      given(scheduleDecider, created).when({ type: 'CancelSchedule', actor: 'BUSINESS' }, { now }).then([canceled]);
      given(scheduleDecider, created).when({ type: 'CancelSchedule', actor: 'BUSINESS' }, later).thenState({ view: { status: 'CANCELED', revision: 2, updatedAt: LATER } });
      given(scheduleDecider, [...created, canceled]).when({ type: 'CancelSchedule', actor: 'BUSINESS' }, { now }).thenNothing();
      given(scheduleDecider, created)
        .when({ type: 'CancelSchedule', actor: 'BUSINESS', canceledBookingIds: ['b1', 'b2'] }, { now })
        .then([{ ...canceled, data: { ...canceled.data, canceledBookingIds: ['b1', 'b2'] } } as ScheduleEvent]);
    });

    it('knows no schedule that was never created', () => {
      given(scheduleDecider, []).when({ type: 'CancelSchedule', actor: 'BUSINESS' }, { now }).thenThrows('not-found');
    });
  });

  it('derives one schedule id per owner and one business schedule per tenant', () => {
    expect(scheduleIdOf('s1')).toBe(scheduleIdOf('s1'));
    expect(scheduleIdOf('s1')).not.toBe(scheduleIdOf('s2'));
    expect(businessScheduleIdOf('t1')).not.toBe(businessScheduleIdOf('t2'));
  });
});
