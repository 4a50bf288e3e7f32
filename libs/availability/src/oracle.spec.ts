/**
 * The engine against a brute-force oracle (oracle.fixture.ts) on random worlds: 1–3 resources in
 * 1–2 groups (sometimes none: the service schedule alone), random weekly hours in random zones, FREE
 * links to business hours, BUSY links to a shared machine, random sessions (EVENTs with their own
 * buffers, some canceled, some WORKING_HOURS/AVAILABILITY, some naming schedules explicitly), random
 * service buffers, durations, split intervals, policies and windows of 1–4 days that often straddle a
 * DST change (random-world.fixture.ts). Inputs are ScheduleInfo + SessionInstance and go through rawCalendars + availability.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { scheduleIdOf, toInstant } from '@kairos/scheduling';
import { OracleSlot, instantOf, oracleSlots } from './oracle.fixture';
import { MIN, SERVICE_SCHEDULE, TRANSITIONS, ZONES, scenarioOf } from './random-world.fixture';
import { Slot } from './slots';
import { QueryInput, World, instance, scheduleInfo, serviceInfo, slotQuery, slotsOf } from './world.fixture';

const observed = (slots: Slot[]): OracleSlot[] =>
  slots.map((s) => ({ start: s.start, end: s.end, localStart: s.localStart, localEnd: s.localEnd, resources: s.resources, bookable: s.bookable, policyViolations: s.policyViolations }));

/** The input, compact: what a failing case needs to be replayed by hand. */
const describe_ = (world: World, query: QueryInput) =>
  JSON.stringify(
    {
      query: { ...query, from: new Date(query.from).toISOString(), to: new Date(query.to).toISOString(), now: query.now === undefined ? undefined : new Date(query.now).toISOString() },
      service: world.service,
      policy: world.policy,
      schedules: world.schedules,
      instances: world.instances?.map(({ id, scheduleId, type, status, start, end, resourceIds, affectedSchedules, bufferBeforeMinutes, bufferAfterMinutes }) => ({
        id,
        scheduleId,
        type,
        status,
        start,
        end,
        resourceIds,
        affectedSchedules,
        bufferBeforeMinutes,
        bufferAfterMinutes,
      })),
    },
  );

const line = (s: OracleSlot) => `${s.start}–${s.end} ${JSON.stringify(s.resources.map((r) => r.resourceIds))} ${s.bookable ? 'bookable' : JSON.stringify(s.policyViolations)} ${s.localStart}`;
const diff = (actual: OracleSlot[], expected: OracleSlot[]) => {
  const a = new Set(actual.map(line));
  const e = new Set(expected.map(line));
  return [...[...e].filter((x) => !a.has(x)).map((x) => `only the oracle: ${x}`), ...[...a].filter((x) => !e.has(x)).map((x) => `only the engine: ${x}`)].join('\n') || 'same slots, different order';
};

describe('the oracle itself', () => {
  const at = (local: string) => Date.parse(`${local}:00Z`);
  const iso = (t: number) => new Date(t).toISOString();

  it('reads a gap forward by the gap and an overlap as its earlier instant (London: 1 h, Lord Howe: 30 min)', () => {
    // London 2026-03-29 01:30 does not exist (01:00 GMT -> 02:00 BST): 02:30 BST
    expect(iso(instantOf('Europe/London', at('2026-03-29T01:30')))).toBe('2026-03-29T01:30:00.000Z');
    // London 2026-10-25 01:30 happens twice: first in BST
    expect(iso(instantOf('Europe/London', at('2026-10-25T01:30')))).toBe('2026-10-25T00:30:00.000Z');
    // Lord Howe 2026-10-04 02:15 does not exist (02:00 +10:30 -> 02:30 +11): 02:45 +11
    expect(iso(instantOf('Australia/Lord_Howe', at('2026-10-04T02:15')))).toBe('2026-10-03T15:45:00.000Z');
    // Lord Howe 2026-04-05 01:45 happens twice (02:00 +11 -> 01:30 +10:30): first at +11
    expect(iso(instantOf('Australia/Lord_Howe', at('2026-04-05T01:45')))).toBe('2026-04-04T14:45:00.000Z');
    expect(iso(instantOf('Asia/Kathmandu', at('2026-03-29T01:30')))).toBe('2026-03-28T19:45:00.000Z');
  });

  it('agrees with the engine’s local time on readings around every DST change', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.constantFrom(...TRANSITIONS), fc.integer({ min: -36 * 60, max: 36 * 60 }), (zone, day, minutes) => {
        const naive = Date.parse(`${day}T00:00:00Z`) + minutes * MIN;
        const local = new Date(naive).toISOString().slice(0, 16);
        expect(instantOf(zone, naive)).toBe(toInstant(local, zone).getTime());
      }),
      { numRuns: 300 },
    );
  });

  it('gives the hand-computed slots of engine.spec’s first case', () => {
    // Staff 09:00–12:00 Lisbon (08:00Z–11:00Z), a session 09:00Z–09:30Z, service 30 min on a 15-minute grid with 10-minute buffers
    const staff = scheduleIdOf('staff-a');
    const world: World = {
      service: serviceInfo({ scheduleId: SERVICE_SCHEDULE, sessionDurations: [30], slotSplitIntervalMinutes: 15, bufferBeforeMinutes: 10, bufferAfterMinutes: 10, resourceGroups: [{ resourceIds: ['staff-a'], requiredCount: 1 }] }),
      schedules: [scheduleInfo(SERVICE_SCHEDULE, 'Europe/Lisbon'), scheduleInfo(staff, 'Europe/Lisbon', [{ daysOfWeek: ['MON'], startTime: '09:00', endTime: '12:00', everyWeeks: 1, validFrom: null, validUntil: null }])],
      resourceIds: ['staff-a'],
      instances: [instance({ id: 'meeting', scheduleId: staff, start: '2026-06-15T09:00:00.000Z', end: '2026-06-15T09:30:00.000Z' })],
    };
    const slots = oracleSlots(world, slotQuery({ from: '2026-06-15T00:00:00Z', to: '2026-06-16T00:00:00Z' }));
    expect(slots.map((s) => s.start.slice(11, 16))).toEqual(['08:00', '08:15', '09:45', '10:00', '10:15', '10:30']);
    expect(slots[0]).toMatchObject({ localStart: '2026-06-15T09:00:00', resources: [{ groupIndex: 0, resourceIds: ['staff-a'] }], bookable: true });
  });
});

describe('availability against a brute-force oracle', () => {
  it('appointment slots (start, end, local times, free resources per group, policy) equal the oracle’s', () => {
    let nonEmpty = 0;
    let runs = 0;
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const { world, query } = scenarioOf(g);
        const expected = oracleSlots(world, slotQuery(query));
        const actual = observed(slotsOf(world, query));
        if (!isDeepStrictEqual(actual, expected)) {
          throw new Error(`engine and oracle differ on\n${describe_(world, query)}\n${diff(actual, expected)}`);
        }
        runs++;
        if (expected.length > 0) nonEmpty++;
      }),
      { numRuns: Number(process.env.ORACLE_RUNS ?? 200) },
    );
    // Not vacuous: most worlds have slots.
    expect(nonEmpty).toBeGreaterThan(runs / 3);
  });
});
