import { given } from '@kairos/testing';
import { businessScheduleIdOf, scheduleDecider, scheduleIdOf } from './schedule';

const now = new Date('2026-01-01T00:00:00Z');

describe('schedule decider', () => {
  const created = scheduleDecider.decide(
    {
      type: 'CreateSchedule',
      id: 'sch',
      fields: { ownerType: 'SERVICE', ownerId: 's1', timeZone: 'Europe/London', tags: ['INDIVIDUAL'], capacity: 1, linkedSchedules: [], workingHours: [], locationId: null },
    },
    { status: 'none' },
    { now },
  );

  it('refuses a link to itself', () => {
    expect(
      given(scheduleDecider, created).when({ type: 'UpdateSchedule', patch: { linkedSchedules: [{ scheduleId: 'sch', transparency: 'BUSY' }] } }, { now }),
    ).toThrow(expect.objectContaining({ code: 'validation' }));
  });

  it('cancels once and refuses updates afterwards', () => {
    const canceled = given(scheduleDecider, created).when({ type: 'CancelSchedule' }, { now })();
    expect(canceled).toHaveLength(1);
    expect(given(scheduleDecider, [...created, ...canceled]).when({ type: 'CancelSchedule' }, { now })()).toEqual([]);
    expect(given(scheduleDecider, [...created, ...canceled]).when({ type: 'UpdateSchedule', patch: { capacity: 3 } }, { now })).toThrow(
      expect.objectContaining({ code: 'invalid-transition' }),
    );
  });

  it('derives one schedule id per owner and one business schedule per tenant', () => {
    expect(scheduleIdOf('s1')).toBe(scheduleIdOf('s1'));
    expect(scheduleIdOf('s1')).not.toBe(scheduleIdOf('s2'));
    expect(businessScheduleIdOf('t1')).not.toBe(businessScheduleIdOf('t2'));
  });
});
