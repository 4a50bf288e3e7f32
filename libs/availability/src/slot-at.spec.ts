/**
 * slotAt (one asked start, calendars over slotWindow) against the engine over calendarWindow, on
 * random worlds (random-world.fixture.ts), some with working time around the clock (spans that
 * began before the short window, which must come back 'wider'): asked starts are the engine's own
 * slots over the scenario's range (so many are open) or any minute of it, with one of the service's
 * durations, a customer's pick of resources, sessions ignored (a booking moved), and sessions ending
 * or starting within buffers' reach of the asked slot (where the short window's edges are).
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { rawCalendars } from './availability';
import { MIN, aroundTheClock, chance, int, pick, scenarioOf } from './random-world.fixture';
import { AskedStart, slotAt, slotAtByRange, slotWindow } from './slot-at';
import { dataOf, instance, slotQuery, slotsOf } from './world.fixture';

describe('one asked start', () => {
  it('is answered from a short window exactly as the engine answers it over the range', () => {
    const seen = { open: 0, closed: 0, wider: 0 };
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const scenario = scenarioOf(g, 3);
        const from = Number(scenario.query.from);
        const world = {
          ...scenario.world,
          schedules: scenario.world.schedules.map((s) => (chance(g, 15) ? { ...s, workingHours: [...s.workingHours, aroundTheClock(g, from)] } : s)),
        };
        const starts = slotsOf(world, { ...scenario.query, includeUnbookable: true, slotsPerDay: undefined }).map((s) => Date.parse(s.start));
        const start = starts.length > 0 && chance(g, 60) ? pick(g, starts) : from + int(g, 0, (Number(scenario.query.to) - from) / MIN) * MIN;
        // Sessions just before or after the asked start, so that buffers meet at the window's edges.
        const duration = pick(g, world.service.sessionDurations);
        const near = Array.from({ length: int(g, 0, 3) }, (_, n) => {
          const at = chance(g, 50) ? start + (duration + int(g, -5, 45)) * MIN : start - int(g, -5, 45) * MIN - 60 * MIN;
          return instance({
            id: `near-${n}`,
            scheduleId: pick(g, world.schedules.map((s) => s.id)),
            start: new Date(at).toISOString(),
            end: new Date(at + 60 * MIN).toISOString(),
            resourceIds: chance(g, 50) ? [pick(g, world.resourceIds ?? ['r0'])] : [],
            bufferBeforeMinutes: pick(g, [0, 5, 15]),
            bufferAfterMinutes: pick(g, [0, 5, 15]),
          });
        });
        world.instances = [...(world.instances ?? []), ...near];
        const ids = world.instances.map((i) => i.id);
        const asked: AskedStart = {
          now: scenario.query.now ?? from,
          start,
          timeZone: scenario.query.timeZone ?? '',
          partySize: scenario.query.partySize ?? 1,
          durationMinutes: duration,
          resourceIds: scenario.query.resourceIds,
          includeUnbookable: chance(g, 80),
          ignoring: ids.length > 0 && chance(g, 30) ? [pick(g, ids)] : undefined,
        };
        const wide = dataOf(world, slotQuery({ from: start, to: start + 1 }));
        const expected = slotAtByRange(wide, asked);
        const short = { ...wide, ownCalendar: rawCalendars(wide.schedules, world.instances ?? [], slotWindow(world.service, asked)) };
        const answer = slotAt(short, asked);
        if (answer === 'wider') {
          seen.wider++;
          return;
        }
        if (!isDeepStrictEqual(answer, expected)) {
          throw new Error(`slotAt differs at ${new Date(start).toISOString()}:\n${JSON.stringify({ answer, expected })}\non ${JSON.stringify({ asked, world })}`);
        }
        if (expected) seen.open++;
        else seen.closed++;
      }),
      { numRuns: Number(process.env.SLOT_AT_RUNS ?? 1000) },
    );
    // Not vacuous: open and closed starts both come up, and long spans do send some to the range.
    expect(seen.open).toBeGreaterThan(100);
    expect(seen.closed).toBeGreaterThan(100);
    expect(seen.wider).toBeGreaterThan(10);
  }, 120_000);
});
