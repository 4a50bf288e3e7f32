/**
 * The availability engine through its public path (ScheduleInfo + SessionInstance -> rawCalendars ->
 * availability), with hand-computed expectations.
 *
 * Unless a test says otherwise: Monday 2026-06-15, Europe/Lisbon on summer time (WEST, UTC+1), so
 * 09:00 local = 08:00Z; an open booking policy; the answer in the service schedule's zone.
 */
import { scheduleIdOf } from '@kairos/scheduling';
import { BookingPolicyFields } from '@kairos/services';
import { Slot } from './slots';
import { OPEN_POLICY, World, busy, free, instance, resourceSchedule, rule, scheduleInfo, serviceInfo, slotsOf } from './world.fixture';

const LISBON = 'Europe/Lisbon';
const LONDON = 'Europe/London';
const NEW_YORK = 'America/New_York';
const SERVICE_SCHEDULE = 'service-schedule';
const BUSINESS = 'business-schedule';
const MONDAY = { from: '2026-06-15T00:00:00Z', to: '2026-06-16T00:00:00Z' };

/** [start, end] pairs. */
const times = (slots: Slot[]) => slots.map((s) => [s.start, s.end]);
const starts = (slots: Slot[]) => slots.map((s) => s.start);
const localStarts = (slots: Slot[]) => slots.map((s) => s.localStart);
/** Per slot, the free resources of each group. */
const who = (slots: Slot[]) => slots.map((s) => [s.start, ...s.resources.map((g) => g.resourceIds)]);
const z = (hhmm: string, day = '2026-06-15') => `${day}T${hhmm}:00.000Z`;

const serviceSchedule = (more: Parameters<typeof scheduleInfo>[3] = {}, zone = LISBON, hours: Parameters<typeof scheduleInfo>[2] = []) =>
  scheduleInfo(SERVICE_SCHEDULE, zone, hours, more);

/** One staff member 09:00–12:00 on weekdays, in one group of one. */
const oneStaff = (more: Partial<World> = {}, service: Partial<Parameters<typeof serviceInfo>[0]> = {}): World => ({
  service: serviceInfo({ scheduleId: SERVICE_SCHEDULE, resourceGroups: [{ resourceIds: ['staff-a'], requiredCount: 1 }], ...service }),
  schedules: [serviceSchedule(), resourceSchedule('staff-a', LISBON, [rule(['MON', 'TUE', 'WED', 'THU', 'FRI'], '09:00', '12:00')])],
  resourceIds: ['staff-a'],
  ...more,
});

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
    // Given a service schedule 09:00–12:00 holding a booking 10:00–10:30
    const world: World = {
      service: serviceInfo({ scheduleId: SERVICE_SCHEDULE, sessionDurations: [30] }),
      schedules: [serviceSchedule({}, LISBON, [rule(['MON'], '09:00', '12:00')])],
      instances: [instance({ id: 'booking', scheduleId: SERVICE_SCHEDULE, start: z('09:00'), end: z('09:30') })],
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

describe('booking policy on appointment slots', () => {
  // Staff 09:00–14:00 local (08:00Z–13:00Z), 60-minute slots; now is 09:00 local
  const world = (policy: Partial<BookingPolicyFields>, online = true) =>
    oneStaff(
      {
        policy: { ...OPEN_POLICY, ...policy },
        schedules: [serviceSchedule(), resourceSchedule('staff-a', LISBON, [rule(['MON'], '09:00', '14:00')])],
      },
      { onlineBookingEnabled: online },
    );
  const now = Date.parse(z('08:00'));
  const flags = (slots: Slot[]) => slots.map((s) => [s.start, s.bookable, s.policyViolations.tooEarly, s.policyViolations.tooLate, s.policyViolations.onlineBookingDisabled]);

  it('flag slots too early and too late when unbookable slots are asked for', () => {
    // Given bookings from 60 minutes to 180 minutes ahead
    const policyWorld = world({ earliestBookingMinutes: 180, latestBookingMinutes: 60 });
    // When
    const slots = slotsOf(policyWorld, { ...MONDAY, now, includeUnbookable: true });
    // Then 08:00Z starts within the hour (too late), 12:00Z more than 3 hours ahead (too early); the bounds are inclusive
    expect(flags(slots)).toEqual([
      [z('08:00'), false, false, true, false],
      [z('09:00'), true, false, false, false],
      [z('10:00'), true, false, false, false],
      [z('11:00'), true, false, false, false],
      [z('12:00'), false, true, false, false],
    ]);
  });

  it('drop unbookable slots otherwise', () => {
    expect(starts(slotsOf(world({ earliestBookingMinutes: 180, latestBookingMinutes: 60 }), { ...MONDAY, now }))).toEqual([z('09:00'), z('10:00'), z('11:00')]);
  });

  it('a slot that has started is too late, unless the policy books after the start and it has not ended', () => {
    const halfPast = Date.parse(z('08:30'));
    expect(flags(slotsOf(world({}), { ...MONDAY, now: halfPast, includeUnbookable: true }))[0]).toEqual([z('08:00'), false, false, true, false]);
    expect(flags(slotsOf(world({ bookAfterStart: true }), { ...MONDAY, now: halfPast, includeUnbookable: true }))[0]).toEqual([z('08:00'), true, false, false, false]);
    // Ended: too late even so
    expect(flags(slotsOf(world({ bookAfterStart: true }), { ...MONDAY, now: Date.parse(z('09:00')), includeUnbookable: true }))[0]).toEqual([
      z('08:00'),
      false,
      false,
      true,
      false,
    ]);
  });

  it('flag every slot when online booking is off', () => {
    const slots = slotsOf(world({}, false), { ...MONDAY, now, includeUnbookable: true });
    expect(slots).toHaveLength(5);
    expect(slots.every((s) => !s.bookable && s.policyViolations.onlineBookingDisabled)).toBe(true);
    expect(slotsOf(world({}, false), { ...MONDAY, now })).toEqual([]);
  });

  it('a party larger than the policy allows cannot book, with no window violated', () => {
    const slots = slotsOf(world({ maxParticipantsPerBooking: 2 }), { ...MONDAY, now, partySize: 3, includeUnbookable: true });
    expect(slots.map((s) => s.bookable)).toEqual([false, false, false, false, false]);
    expect(slots.every((s) => !s.policyViolations.tooEarly && !s.policyViolations.tooLate)).toBe(true);
    expect(slotsOf(world({ maxParticipantsPerBooking: 2 }), { ...MONDAY, now, partySize: 2 })).toHaveLength(5);
  });

  it('slotsPerDay caps the bookable slots of each local day', () => {
    // Given staff 09:00–12:00 on Monday and Tuesday, now 09:30 local Monday (its 09:00 slot has started)
    const twoDays = oneStaff({ schedules: [serviceSchedule(), resourceSchedule('staff-a', LISBON, [rule(['MON', 'TUE'], '09:00', '12:00')])] });
    // When
    const slots = slotsOf(twoDays, { from: '2026-06-15T00:00:00Z', to: '2026-06-17T00:00:00Z', now: Date.parse(z('08:30')), slotsPerDay: 2 });
    // Then two per day, counted after the started slot is dropped
    expect(starts(slots)).toEqual([z('09:00'), z('10:00'), z('08:00', '2026-06-16'), z('09:00', '2026-06-16')]);
  });
});

describe('time zones', () => {
  it('the caller’s zone (America/New_York) gives the local times, the schedule’s zone (Europe/London) the hours', () => {
    // Given London staff 09:00–11:00 on Monday 2026-03-16: London is still on GMT, New York already on EDT (UTC−4)
    const world: World = {
      service: serviceInfo({ scheduleId: SERVICE_SCHEDULE, resourceGroups: [{ resourceIds: ['staff-a'], requiredCount: 1 }] }),
      schedules: [serviceSchedule({}, LONDON), resourceSchedule('staff-a', LONDON, [rule(['MON'], '09:00', '11:00')])],
      resourceIds: ['staff-a'],
    };
    // When asked for the caller's Monday in New York
    const slots = slotsOf(world, { from: '2026-03-16T04:00:00Z', to: '2026-03-17T04:00:00Z', timeZone: NEW_YORK });
    // Then 09:00 and 10:00 London are 05:00 and 06:00 in New York
    expect(slots.map((s) => [s.start, s.end, s.localStart, s.localEnd, s.timeZone])).toEqual([
      ['2026-03-16T09:00:00.000Z', '2026-03-16T10:00:00.000Z', '2026-03-16T05:00:00', '2026-03-16T06:00:00', NEW_YORK],
      ['2026-03-16T10:00:00.000Z', '2026-03-16T11:00:00.000Z', '2026-03-16T06:00:00', '2026-03-16T07:00:00', NEW_YORK],
    ]);
    // And without a caller zone, the service schedule's
    const own = slotsOf(world, { from: '2026-03-16T04:00:00Z', to: '2026-03-17T04:00:00Z' });
    expect(own.map((s) => [s.localStart, s.timeZone])).toEqual([
      ['2026-03-16T09:00:00', LONDON],
      ['2026-03-16T10:00:00', LONDON],
    ]);
  });

  it('slotsPerDay counts days in the caller’s zone', () => {
    // London staff 22:00–02:00 overnight on Monday: in Tokyo (UTC+9, London on BST) that is 06:00–10:00 Tuesday, one day
    const world: World = {
      service: serviceInfo({ scheduleId: SERVICE_SCHEDULE, resourceGroups: [{ resourceIds: ['staff-a'], requiredCount: 1 }] }),
      schedules: [serviceSchedule({}, LONDON), resourceSchedule('staff-a', LONDON, [rule(['MON'], '22:00', '02:00')])],
      resourceIds: ['staff-a'],
    };
    const query = { from: '2026-06-15T00:00:00Z', to: '2026-06-17T00:00:00Z', slotsPerDay: 2 };
    // In London: Monday 22:00, 23:00 and Tuesday 00:00, 01:00 (2 + 2)
    expect(localStarts(slotsOf(world, query))).toEqual(['2026-06-15T22:00:00', '2026-06-15T23:00:00', '2026-06-16T00:00:00', '2026-06-16T01:00:00']);
    // In Tokyo: all on Tuesday, so 2
    expect(localStarts(slotsOf(world, { ...query, timeZone: 'Asia/Tokyo' }))).toEqual(['2026-06-16T06:00:00', '2026-06-16T07:00:00']);
  });

  describe('DST in Europe/London', () => {
    const londonStaff = (hours: Parameters<typeof rule>[]): World => ({
      service: serviceInfo({ scheduleId: SERVICE_SCHEDULE, resourceGroups: [{ resourceIds: ['staff-a'], requiredCount: 1 }] }),
      schedules: [serviceSchedule({}, LONDON), resourceSchedule('staff-a', LONDON, hours.map((h) => rule(...h)))],
      resourceIds: ['staff-a'],
    });
    const hourly = (day: string, utcHours: number[]) => utcHours.map((h) => `${day}T${String(h).padStart(2, '0')}:00:00.000Z`);

    it('on the spring-forward day (2026-03-29) 09:00–17:00 still starts at 09:00 local, 08:00Z', () => {
      const world = londonStaff([[['SAT', 'SUN'], '09:00', '17:00']]);
      const saturday = slotsOf(world, { from: '2026-03-28T00:00:00Z', to: '2026-03-29T00:00:00Z' });
      const sunday = slotsOf(world, { from: '2026-03-29T00:00:00Z', to: '2026-03-30T00:00:00Z' });
      expect(starts(saturday)).toEqual(hourly('2026-03-28', [9, 10, 11, 12, 13, 14, 15, 16]));
      expect(starts(sunday)).toEqual(hourly('2026-03-29', [8, 9, 10, 11, 12, 13, 14, 15]));
      // The same wall clock on both days
      const wallClock = ['09', '10', '11', '12', '13', '14', '15', '16'].map((h) => `T${h}:00:00`);
      expect(saturday.map((s) => s.localStart.slice(10))).toEqual(wallClock);
      expect(sunday.map((s) => s.localStart.slice(10))).toEqual(wallClock);
      expect(sunday[sunday.length - 1].localEnd).toBe('2026-03-29T17:00:00');
    });

    it('on the spring-forward day a 30-minute grid stays on the half hours of the wall clock', () => {
      const world = londonStaff([[['SUN'], '09:00', '11:00']]);
      world.service = { ...world.service, sessionDurations: [60], slotSplitIntervalMinutes: 30 };
      const slots = slotsOf(world, { from: '2026-03-29T00:00:00Z', to: '2026-03-30T00:00:00Z' });
      expect(localStarts(slots)).toEqual(['2026-03-29T09:00:00', '2026-03-29T09:30:00', '2026-03-29T10:00:00']);
      expect(starts(slots)).toEqual(['2026-03-29T08:00:00.000Z', '2026-03-29T08:30:00.000Z', '2026-03-29T09:00:00.000Z']);
    });

    it('a night span across the jump lasts 7 real hours, and the grid steps over the missing hour', () => {
      // Saturday 22:00 GMT (22:00Z) to Sunday 06:00 BST (05:00Z)
      const world = londonStaff([[['SAT'], '22:00', '06:00']]);
      const slots = slotsOf(world, { from: '2026-03-28T12:00:00Z', to: '2026-03-29T12:00:00Z' });
      expect(starts(slots)).toEqual([...hourly('2026-03-28', [22, 23]), ...hourly('2026-03-29', [0, 1, 2, 3, 4])]);
      expect(localStarts(slots)).toEqual([
        '2026-03-28T22:00:00',
        '2026-03-28T23:00:00',
        '2026-03-29T00:00:00',
        '2026-03-29T02:00:00',
        '2026-03-29T03:00:00',
        '2026-03-29T04:00:00',
        '2026-03-29T05:00:00',
      ]);
    });

    it('on the fall-back day (2026-10-25) 09:00–17:00 is 09:00Z–17:00Z', () => {
      const world = londonStaff([[['SAT', 'SUN'], '09:00', '17:00']]);
      expect(starts(slotsOf(world, { from: '2026-10-24T00:00:00Z', to: '2026-10-25T00:00:00Z' }))).toEqual(hourly('2026-10-24', [8, 9, 10, 11, 12, 13, 14, 15]));
      expect(starts(slotsOf(world, { from: '2026-10-25T00:00:00Z', to: '2026-10-26T00:00:00Z' }))).toEqual(hourly('2026-10-25', [9, 10, 11, 12, 13, 14, 15, 16]));
    });
  });
});

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
