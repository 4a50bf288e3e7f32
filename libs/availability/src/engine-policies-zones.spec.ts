/**
 * The availability engine under booking policies and across time zones and DST.
 *
 * Through its public path (ScheduleInfo + SessionInstance -> rawCalendars -> availability), with hand-computed
 * expectations. Unless a test says otherwise: Monday 2026-06-15, Europe/Lisbon on summer time (WEST, UTC+1), so
 * 09:00 local = 08:00Z; an open booking policy; the answer in the service schedule's zone.
 */
import { BookingPolicyFields } from '@kairos/services';
import { Slot } from './slots';
import { LISBON, localStarts, LONDON, MONDAY, NEW_YORK, oneStaff, SERVICE_SCHEDULE, serviceSchedule, starts, z } from './engine.fixture';
import { OPEN_POLICY, World, resourceSchedule, rule, serviceInfo, slotsOf } from './world.fixture';

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
