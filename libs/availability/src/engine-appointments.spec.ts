/**
 * The availability engine on appointments: working hours, blocks, buffers, "any staff", links, canceled schedules.
 *
 * Through its public path (ScheduleInfo + SessionInstance -> rawCalendars -> availability), with hand-computed
 * expectations. Unless a test says otherwise: Monday 2026-06-15, Europe/Lisbon on summer time (WEST, UTC+1), so
 * 09:00 local = 08:00Z; an open booking policy; the answer in the service schedule's zone.
 */
import { scheduleIdOf } from '@kairos/scheduling';
import { BUSINESS, LISBON, localStarts, MONDAY, oneStaff, SERVICE_SCHEDULE, serviceSchedule, starts, times, who, z } from './engine.fixture';
import { World, busy, free, instance, resourceSchedule, rule, scheduleInfo, serviceInfo, slotsOf } from './world.fixture';

describe('appointment slots', () => {
  it('cut a working span on the split grid, keeping the service buffers away from a busy session', () => {
    // Given staff 09:00–12:00 with a session 10:00–10:30, and a 30-minute service with 10-minute buffers on a 15-minute grid
    const world = oneStaff(
      { instances: [instance({ id: 'meeting', scheduleId: scheduleIdOf('staff-a'), start: z('09:00'), end: z('09:30') })] },
      { sessionDurations: [30], slotSplitIntervalMinutes: 15, bufferBeforeMinutes: 10, bufferAfterMinutes: 10 },
    );
    // When
    const slots = slotsOf(world, MONDAY);
    // Then a slot needs 10 minutes clear on both sides of the session: nothing starts in (09:30, 10:40) local
    // (09:30 would end 10:00 and its after-buffer reach 10:10); 10:45 is the first grid point after it.
    // The last slot ends at closing time: working hours bound the slot, not its buffers.
    expect(times(slots)).toEqual([
      [z('08:00'), z('08:30')],
      [z('08:15'), z('08:45')],
      [z('09:45'), z('10:15')],
      [z('10:00'), z('10:30')],
      [z('10:15'), z('10:45')],
      [z('10:30'), z('11:00')],
    ]);
    expect(localStarts(slots)).toEqual([
      '2026-06-15T09:00:00',
      '2026-06-15T09:15:00',
      '2026-06-15T10:45:00',
      '2026-06-15T11:00:00',
      '2026-06-15T11:15:00',
      '2026-06-15T11:30:00',
    ]);
    expect(slots[0]).toMatchObject({
      localEnd: '2026-06-15T09:30:00',
      timeZone: LISBON,
      serviceId: 'service-1',
      scheduleId: SERVICE_SCHEDULE,
      sessionId: null,
      resources: [{ groupIndex: 0, resourceIds: ['staff-a'] }],
      totalSpots: 1,
      openSpots: 1,
      waitingList: null,
      bookable: true,
      policyViolations: { tooEarly: false, tooLate: false, onlineBookingDisabled: false },
      locked: false,
    });
  });

  it('need every resource group: staff and a room, the rooms busy part of the time', () => {
    // Given staff 09:00–12:00 and two rooms all day, room-1 busy 10:00–11:00, room-2 busy 09:00–10:30 (a session naming it)
    const world: World = {
      service: serviceInfo({
        scheduleId: SERVICE_SCHEDULE,
        sessionDurations: [60],
        slotSplitIntervalMinutes: 30,
        resourceGroups: [
          { resourceIds: ['staff-a'], requiredCount: 1 },
          { resourceIds: ['room-1', 'room-2'], requiredCount: 1 },
        ],
      }),
      schedules: [
        serviceSchedule(),
        resourceSchedule('staff-a', LISBON, [rule(['MON'], '09:00', '12:00')]),
        resourceSchedule('room-1', LISBON, [rule(['MON'], '08:00', '20:00')]),
        resourceSchedule('room-2', LISBON, [rule(['MON'], '08:00', '20:00')]),
      ],
      resourceIds: ['staff-a', 'room-1', 'room-2'],
      instances: [
        instance({ id: 'r1', scheduleId: scheduleIdOf('room-1'), start: z('09:00'), end: z('10:00') }),
        // On another schedule, but it names room-2 among its resources: it holds room-2 (default affectedSchedules).
        instance({ id: 'r2', scheduleId: 'elsewhere', resourceIds: ['room-2'], start: z('08:00'), end: z('09:30') }),
      ],
    };
    // When
    const slots = slotsOf(world, MONDAY);
    // Then the staff's 30-minute grid (09:00 … 11:00 local) keeps the starts where some room is free for the hour
    expect(who(slots)).toEqual([
      [z('08:00'), ['staff-a'], ['room-1']],
      [z('09:30'), ['staff-a'], ['room-2']],
      [z('10:00'), ['staff-a'], ['room-1', 'room-2']],
    ]);
    expect(slots.map((s) => s.resources.map((g) => g.groupIndex))).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
    ]);
  });

  it('need requiredCount resources of a group free', () => {
    // Given the same rooms, and a service needing both
    const world: World = {
      service: serviceInfo({ scheduleId: SERVICE_SCHEDULE, resourceGroups: [{ resourceIds: ['room-1', 'room-2'], requiredCount: 2 }] }),
      schedules: [serviceSchedule(), resourceSchedule('room-1', LISBON, [rule(['MON'], '09:00', '12:00')]), resourceSchedule('room-2', LISBON, [rule(['MON'], '09:00', '12:00')])],
      resourceIds: ['room-1', 'room-2'],
      instances: [instance({ id: 'r2', scheduleId: scheduleIdOf('room-2'), start: z('09:00'), end: z('10:00') })],
    };
    // When / Then only the hours where both are free
    expect(who(slotsOf(world, MONDAY))).toEqual([
      [z('08:00'), ['room-1', 'room-2']],
      [z('10:00'), ['room-1', 'room-2']],
    ]);
  });

  describe('"any staff"', () => {
    // A 09:00–12:00, B 09:00–12:00 but busy 09:00–10:00, C 10:30–12:00; 60-minute service, no split (grid = duration)
    const anyStaff: World = {
      service: serviceInfo({ scheduleId: SERVICE_SCHEDULE, sessionDurations: [60], resourceGroups: [{ resourceIds: ['staff-a', 'staff-b', 'staff-c'], requiredCount: 1 }] }),
      schedules: [
        serviceSchedule(),
        resourceSchedule('staff-a', LISBON, [rule(['MON'], '09:00', '12:00')]),
        resourceSchedule('staff-b', LISBON, [rule(['MON'], '09:00', '12:00')]),
        resourceSchedule('staff-c', LISBON, [rule(['MON'], '10:30', '12:00')]),
      ],
      resourceIds: ['staff-a', 'staff-b', 'staff-c'],
      instances: [instance({ id: 'b-busy', scheduleId: scheduleIdOf('staff-b'), start: z('08:00'), end: z('09:00') })],
    };

    it('lists every staff member free for the whole slot, on the union of their grids', () => {
      // When
      const slots = slotsOf(anyStaff, MONDAY);
      // Then A's and B's grid is 09:00, 10:00, 11:00 and C's is 10:30; at 10:30 A and B are free too
      expect(who(slots)).toEqual([
        [z('08:00'), ['staff-a']],
        [z('09:00'), ['staff-a', 'staff-b']],
        [z('09:30'), ['staff-a', 'staff-b', 'staff-c']],
        [z('10:00'), ['staff-a', 'staff-b', 'staff-c']],
      ]);
    });

    it('a start on the grid of a busy staff member is still offered with a colleague free for the whole slot', () => {
      // Given A 09:00–12:00 busy 10:00–11:00, and B 09:30–12:00 (grids 09:00, 10:00, 11:00 and 09:30, 10:30)
      const world: World = {
        ...anyStaff,
        schedules: [serviceSchedule(), resourceSchedule('staff-a', LISBON, [rule(['MON'], '09:00', '12:00')]), resourceSchedule('staff-b', LISBON, [rule(['MON'], '09:30', '12:00')])],
        resourceIds: ['staff-a', 'staff-b'],
        service: { ...anyStaff.service, resourceGroups: [{ resourceIds: ['staff-a', 'staff-b'], requiredCount: 1 }] },
        instances: [instance({ id: 'a-busy', scheduleId: scheduleIdOf('staff-a'), start: z('09:00'), end: z('10:00') })],
      };
      // When / Then 10:00 local (on A's grid) is offered with B
      expect(who(slotsOf(world, MONDAY))).toEqual([
        [z('08:00'), ['staff-a']],
        [z('08:30'), ['staff-b']],
        [z('09:00'), ['staff-b']],
        [z('09:30'), ['staff-b']],
        [z('10:00'), ['staff-a', 'staff-b']],
      ]);
    });

    it('a customer who picks one staff member gets only that one, on their grid', () => {
      // When the customer picks B
      const slots = slotsOf(anyStaff, { ...MONDAY, resourceIds: ['staff-b'] });
      // Then B's grid (anchored at 09:00 local) and B alone; not 10:30, which is on C's grid
      expect(who(slots)).toEqual([
        [z('09:00'), ['staff-b']],
        [z('10:00'), ['staff-b']],
      ]);
    });
  });

  describe('links', () => {
    const business = scheduleInfo(BUSINESS, LISBON, [rule(['MON', 'TUE', 'WED', 'THU', 'FRI'], '10:00', '18:00')]);

    it('a FREE link to the business hours intersects them with the resource’s own hours', () => {
      // Given staff 09:00–12:00 linked FREE to business hours 10:00–18:00
      const world = oneStaff({
        schedules: [serviceSchedule(), business, resourceSchedule('staff-a', LISBON, [rule(['MON'], '09:00', '12:00')], { linkedSchedules: [free(BUSINESS)] })],
      });
      // When / Then the span is 10:00–12:00 local, and the grid is anchored at 10:00
      expect(times(slotsOf(world, MONDAY))).toEqual([
        [z('09:00'), z('10:00')],
        [z('10:00'), z('11:00')],
      ]);
    });

    it('a resource without hours of its own takes the FREE-linked hours', () => {
      const world = oneStaff({ schedules: [serviceSchedule(), business, resourceSchedule('staff-a', LISBON, [], { linkedSchedules: [free(BUSINESS)] })] });
      expect(starts(slotsOf(world, MONDAY))).toEqual(['09', '10', '11', '12', '13', '14', '15', '16'].map((h) => z(`${h}:00`)));
    });

    it('a FREE link lends hours, not busy time', () => {
      const world = oneStaff({
        schedules: [serviceSchedule(), business, resourceSchedule('staff-a', LISBON, [rule(['MON'], '09:00', '12:00')], { linkedSchedules: [free(BUSINESS)] })],
        instances: [instance({ id: 'all-hands', scheduleId: BUSINESS, start: z('09:00'), end: z('10:00') })],
      });
      expect(starts(slotsOf(world, MONDAY))).toEqual([z('09:00'), z('10:00')]);
    });

    it('a BUSY link lends the linked schedule’s busy time', () => {
      // Given staff 09:00–12:00 linked BUSY to a machine that is in use 10:00–11:00 local
      const machine = scheduleInfo('machine', LISBON);
      const world = oneStaff({
        schedules: [serviceSchedule(), machine, resourceSchedule('staff-a', LISBON, [rule(['MON'], '09:00', '12:00')], { linkedSchedules: [busy('machine')] })],
        instances: [instance({ id: 'in-use', scheduleId: 'machine', start: z('09:00'), end: z('10:00') })],
      });
      // When / Then 10:00 is gone
      expect(starts(slotsOf(world, MONDAY))).toEqual([z('08:00'), z('10:00')]);
    });

    it('a session naming a schedule FREE in affectedSchedules does not hold it', () => {
      const world = oneStaff({
        instances: [
          instance({
            id: 'optional',
            scheduleId: 'elsewhere',
            resourceIds: ['staff-a'],
            affectedSchedules: [free(scheduleIdOf('staff-a'))],
            start: z('09:00'),
            end: z('10:00'),
          }),
        ],
      });
      expect(starts(slotsOf(world, MONDAY))).toEqual([z('08:00'), z('09:00'), z('10:00')]);
    });
  });

  it('add the session’s own buffers to the service’s', () => {
    // Given a session 10:00–10:30 local with its own 15-minute buffers (it holds 09:45–10:45), and a 30-minute
    // service with buffers 5 before and 10 after, on a 5-minute grid
    const world = oneStaff(
      {
        instances: [
          instance({ id: 'meeting', scheduleId: scheduleIdOf('staff-a'), start: z('09:00'), end: z('09:30'), bufferBeforeMinutes: 15, bufferAfterMinutes: 15 }),
        ],
      },
      { sessionDurations: [30], slotSplitIntervalMinutes: 5, bufferBeforeMinutes: 5, bufferAfterMinutes: 10 },
    );
    // When
    const slots = slotsOf(world, MONDAY);
    // Then a slot ends by 09:35 local (10 + 15 minutes before 10:00) and starts from 10:50 (15 + 5 after 10:30)
    expect(localStarts(slots)).toEqual(
      ['09:00', '09:05', '10:50', '10:55', '11:00', '11:05', '11:10', '11:15', '11:20', '11:25', '11:30'].map((t) => `2026-06-15T${t}:00`),
    );
  });

  it('with service hours and resource groups, lie within the service hours (on the resource’s grid)', () => {
    // Given staff 09:30–12:00 and a service schedule open 10:00–18:00
    const world = oneStaff({
      schedules: [serviceSchedule({}, LISBON, [rule(['MON'], '10:00', '18:00')]), resourceSchedule('staff-a', LISBON, [rule(['MON'], '09:30', '12:00')])],
    });
    // When / Then the staff's grid is 09:30, 10:30; 09:30 starts before the service opens
    expect(times(slotsOf(world, MONDAY))).toEqual([[z('09:30'), z('10:30')]]);
  });

  it('without resource groups, use the service schedule’s own calendar', () => {
    // Given a service schedule 09:00–12:00 holding a booking 10:00–10:30: an appointment's session naming no resources
    const world: World = {
      service: serviceInfo({ scheduleId: SERVICE_SCHEDULE, sessionDurations: [30] }),
      schedules: [serviceSchedule({}, LISBON, [rule(['MON'], '09:00', '12:00')])],
      instances: [instance({ id: 'booking', scheduleId: SERVICE_SCHEDULE, start: z('09:00'), end: z('09:30'), affectedSchedules: [], bookingId: 'b1' })],
    };
    // When
    const slots = slotsOf(world, MONDAY);
    // Then every half hour but the booked one, with no resources listed
    expect(starts(slots)).toEqual([z('08:00'), z('08:30'), z('09:30'), z('10:00'), z('10:30')]);
    expect(slots.every((s) => s.resources.length === 0)).toBe(true);
  });

  it('offer each of several durations, or the asked one', () => {
    const world = oneStaff({}, { sessionDurations: [60, 90] });
    expect(times(slotsOf(world, MONDAY))).toEqual([
      [z('08:00'), z('09:00')],
      [z('08:00'), z('09:30')],
      [z('09:00'), z('10:00')],
      [z('09:30'), z('11:00')],
      [z('10:00'), z('11:00')],
    ]);
    expect(times(slotsOf(world, { ...MONDAY, durationMinutes: 90 }))).toEqual([
      [z('08:00'), z('09:30')],
      [z('09:30'), z('11:00')],
    ]);
  });

  it('start in [from, to) on the grid anchored at the working span, not at from', () => {
    const world = oneStaff({}, { sessionDurations: [30], slotSplitIntervalMinutes: 20 });
    // Grid 09:00, 09:20, 09:40, … local; from 09:50 local, to 10:40 local (10:40 itself excluded)
    expect(localStarts(slotsOf(world, { from: z('08:50'), to: z('09:40') }))).toEqual(['2026-06-15T10:00:00', '2026-06-15T10:20:00']);
  });

  describe('canceled schedules', () => {
    it('a canceled service schedule gives nothing', () => {
      const world = oneStaff();
      world.schedules = world.schedules.map((s) => (s.id === SERVICE_SCHEDULE ? { ...s, status: 'CANCELED' as const } : s));
      expect(slotsOf(world, { ...MONDAY, includeUnbookable: true })).toEqual([]);
    });

    it('a canceled resource schedule has no time', () => {
      const world = oneStaff();
      world.schedules = world.schedules.map((s) => (s.id === scheduleIdOf('staff-a') ? { ...s, status: 'CANCELED' as const } : s));
      expect(slotsOf(world, { ...MONDAY, includeUnbookable: true })).toEqual([]);
    });

    it('a canceled session holds nothing', () => {
      const world = oneStaff({ instances: [instance({ id: 'off', scheduleId: scheduleIdOf('staff-a'), start: z('08:00'), end: z('11:00'), status: 'CANCELED' })] });
      expect(starts(slotsOf(world, MONDAY))).toEqual([z('08:00'), z('09:00'), z('10:00')]);
    });
  });
});
