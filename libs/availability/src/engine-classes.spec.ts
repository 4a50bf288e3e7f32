/**
 * The availability engine on classes and courses, and answers that do not depend on the query window.
 *
 * Through its public path (ScheduleInfo + SessionInstance -> rawCalendars -> availability), with hand-computed
 * expectations. Unless a test says otherwise: Monday 2026-06-15, Europe/Lisbon on summer time (WEST, UTC+1), so
 * 09:00 local = 08:00Z; an open booking policy; the answer in the service schedule's zone.
 */
import { scheduleIdOf } from '@kairos/scheduling';
import { BookingPolicyFields } from '@kairos/services';
import { Slot } from './slots';
import { BUSINESS, LISBON, MONDAY, SERVICE_SCHEDULE, starts, z } from './engine.fixture';
import { OPEN_POLICY, World, free, instance, resourceSchedule, rule, scheduleInfo, serviceInfo, slotsOf } from './world.fixture';

describe('class slots', () => {
  // A class schedule of capacity 10 with an instructor; sessions on Monday (local = Z + 1 h)
  const CLASS_SCHEDULE = 'class-schedule';
  const instructor = scheduleIdOf('instructor');
  const classWorld = (policy: BookingPolicyFields = OPEN_POLICY): World => ({
    service: serviceInfo({ type: 'CLASS', scheduleId: CLASS_SCHEDULE, defaultCapacity: 3 }),
    policy,
    schedules: [scheduleInfo(CLASS_SCHEDULE, LISBON, [], { capacity: 10 }), resourceSchedule('instructor', LISBON)],
    resourceIds: [],
    instances: [
      // 7 of the schedule's 10 seats taken
      instance({ id: 'yoga-1', scheduleId: CLASS_SCHEDULE, start: z('09:00'), end: z('10:00'), resourceIds: ['instructor'] }),
      // its own capacity, full
      instance({ id: 'yoga-2', scheduleId: CLASS_SCHEDULE, start: z('11:00'), end: z('12:00'), capacity: 5 }),
      // empty, but the instructor is busy elsewhere at 14:30–15:30Z
      instance({ id: 'yoga-3', scheduleId: CLASS_SCHEDULE, start: z('14:00'), end: z('15:00'), resourceIds: ['instructor'] }),
      instance({ id: 'private', scheduleId: instructor, start: z('14:30'), end: z('15:30') }),
      instance({ id: 'yoga-4', scheduleId: CLASS_SCHEDULE, start: z('16:00'), end: z('17:00'), status: 'CANCELED' }),
      // not a class: the schedule's hours
      instance({ id: 'hours', scheduleId: CLASS_SCHEDULE, start: z('08:00'), end: z('18:00'), type: 'WORKING_HOURS' }),
    ],
    booked: { 'yoga-1': 7, 'yoga-2': 5 },
  });
  const seats = (slots: Slot[]) => slots.map((s) => [s.sessionId, s.totalSpots, s.openSpots, s.bookable]);

  it('offer each active EVENT session with its open seats', () => {
    // When a party of 3 asks, unbookable included
    const slots = slotsOf(classWorld(), { ...MONDAY, partySize: 3, includeUnbookable: true });
    // Then yoga-1 has 3 of 10 seats; yoga-2 none of its own 5; yoga-3 all 10 but its instructor is elsewhere
    expect(seats(slots)).toEqual([
      ['yoga-1', 10, 3, true],
      ['yoga-2', 5, 0, false],
      ['yoga-3', 10, 10, false],
    ]);
    expect(slots[0]).toMatchObject({
      start: z('09:00'),
      end: z('10:00'),
      localStart: '2026-06-15T10:00:00',
      scheduleId: CLASS_SCHEDULE,
      resources: [{ groupIndex: 0, resourceIds: ['instructor'] }],
      waitingList: null,
    });
  });

  it('drop the unbookable ones otherwise, and refuse a party larger than the open seats', () => {
    expect(seats(slotsOf(classWorld(), { ...MONDAY, partySize: 3 }))).toEqual([['yoga-1', 10, 3, true]]);
    expect(seats(slotsOf(classWorld(), { ...MONDAY, partySize: 4 }))).toEqual([]);
  });

  it('refuse a party larger than the policy allows', () => {
    expect(seats(slotsOf(classWorld({ ...OPEN_POLICY, maxParticipantsPerBooking: 2 }), { ...MONDAY, partySize: 3 }))).toEqual([]);
  });

  it('report the waiting list when the policy has one', () => {
    const world = classWorld({ ...OPEN_POLICY, waitlist: { capacity: 4, reservationMinutes: 10 } });
    world.waitlists = { 'yoga-2': 1 };
    const slots = slotsOf(world, { ...MONDAY, includeUnbookable: true });
    expect(slots.map((s) => [s.sessionId, s.waitingList])).toEqual([
      ['yoga-1', { totalSpots: 4, openSpots: 4 }],
      ['yoga-2', { totalSpots: 4, openSpots: 3 }],
      ['yoga-3', { totalSpots: 4, openSpots: 4 }],
    ]);
  });
});

describe('course slots', () => {
  it('one slot from the first session’s start to the last session’s end', () => {
    // Given three Monday evenings 18:00–20:00 local, 4 of 12 seats taken
    const COURSE = 'course-schedule';
    const world: World = {
      service: serviceInfo({ type: 'COURSE', scheduleId: COURSE }),
      schedules: [scheduleInfo(COURSE, LISBON, [], { capacity: 12 })],
      instances: ['2026-06-15', '2026-06-22', '2026-06-29'].map((day, i) => instance({ id: `week-${i + 1}`, scheduleId: COURSE, start: z('17:00', day), end: z('19:00', day) })),
      booked: { [COURSE]: 4 },
    };
    // When
    const slots = slotsOf(world, { from: '2026-06-01T00:00:00Z', to: '2026-07-01T00:00:00Z', partySize: 2 });
    // Then
    expect(slots).toHaveLength(1);
    expect(slots[0]).toMatchObject({
      start: '2026-06-15T17:00:00.000Z',
      end: '2026-06-29T19:00:00.000Z',
      localStart: '2026-06-15T18:00:00',
      localEnd: '2026-06-29T20:00:00',
      sessionId: null,
      scheduleId: COURSE,
      totalSpots: 12,
      openSpots: 8,
      bookable: true,
    });
  });
});

/** The answer must not depend on the range asked: hours are judged from rules, grids from where spans began. */
describe('answers independent of the query window', () => {
  const UTC_DAY = (day: string) => ({ from: `${day}T00:00:00Z`, to: `${day}T23:59:00Z` });

  // calendar.ts effectiveCalendar: `let borrowed = mine.working.length === 0;` looks only at the window.
  it('a resource with own weekly hours does not borrow FREE-linked hours on days it does not work', () => {
    // Given staff working Mondays 09:00–12:00 only, linked FREE to business hours Mon–Fri 09:00–17:00
    const world: World = {
      service: serviceInfo({ scheduleId: SERVICE_SCHEDULE, resourceGroups: [{ resourceIds: ['staff-a'], requiredCount: 1 }] }),
      schedules: [
        scheduleInfo(SERVICE_SCHEDULE, 'UTC'),
        scheduleInfo(BUSINESS, 'UTC', [rule(['MON', 'TUE', 'WED', 'THU', 'FRI'], '09:00', '17:00')]),
        resourceSchedule('staff-a', 'UTC', [rule(['MON'], '09:00', '12:00')], { linkedSchedules: [free(BUSINESS)] }),
      ],
      resourceIds: ['staff-a'],
    };
    // Wednesday's calendar window reaches back to Monday: nothing, as expected
    expect(slotsOf(world, UTC_DAY('2026-06-17'))).toEqual([]);
    // Thursday's does not: the engine finds no own hours and lends the business hours, 09:00 … 16:00
    expect(slotsOf(world, UTC_DAY('2026-06-18'))).toEqual([]);
  });

  // slots.ts appointmentSlots: `input.serviceCalendar.working.length > 0` looks only at the window.
  it('a service schedule with hours bounds the slots also on days outside them', () => {
    // Given a service open Mondays 09:00–12:00, and staff working weekdays 09:00–12:00
    const world: World = {
      service: serviceInfo({ scheduleId: SERVICE_SCHEDULE, resourceGroups: [{ resourceIds: ['staff-a'], requiredCount: 1 }] }),
      schedules: [scheduleInfo(SERVICE_SCHEDULE, 'UTC', [rule(['MON'], '09:00', '12:00')]), resourceSchedule('staff-a', 'UTC', [rule(['MON', 'TUE', 'WED', 'THU', 'FRI'], '09:00', '12:00')])],
      resourceIds: ['staff-a'],
    };
    expect(slotsOf(world, UTC_DAY('2026-06-17'))).toEqual([]);
    // The engine: 09:00, 10:00, 11:00 on Thursday
    expect(slotsOf(world, UTC_DAY('2026-06-18'))).toEqual([]);
  });

  // ownCalendar clips working spans to the calendar window, so a span that started more than 2 days before
  // `from` is anchored at from − 2 days.
  it('the grid of a working span that began days before the window is anchored at its start, not at the window', () => {
    // Given staff working around the clock Monday 00:00 to Saturday 00:00 (one merged span), 45-minute slots
    const world: World = {
      service: serviceInfo({ scheduleId: SERVICE_SCHEDULE, sessionDurations: [45], resourceGroups: [{ resourceIds: ['staff-a'], requiredCount: 1 }] }),
      schedules: [scheduleInfo(SERVICE_SCHEDULE, 'UTC'), resourceSchedule('staff-a', 'UTC', [rule(['MON', 'TUE', 'WED', 'THU', 'FRI'], '00:00', '00:00')])],
      resourceIds: ['staff-a'],
    };
    // When asked for Thursday 10:10–12:00
    const slots = slotsOf(world, { from: '2026-06-18T10:10:00Z', to: '2026-06-18T12:00:00Z' });
    // Then the grid counts from Monday 00:00 (3 d 10 h 30 min = 110 × 45 min); the engine gives 10:10, 10:55, 11:40
    expect(starts(slots)).toEqual(['2026-06-18T10:30:00.000Z', '2026-06-18T11:15:00.000Z']);
  });
});
