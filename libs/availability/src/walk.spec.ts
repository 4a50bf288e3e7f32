/**
 * The walk in chunks (walk.ts) against the engine on the whole span at once, on random worlds
 * (random-world.fixture.ts) over spans of up to 12 days, with working time around the clock from
 * random days (spans longer than the calendars' margins, whose grids must not move at chunk edges),
 * odd split intervals, and CLASS and COURSE services with sessions across chunk edges. Every page of
 * a walk (random page sizes, chunk lengths, and stops after random chunks, as a budget makes them),
 * each resumed from the previous page's position, concatenates to exactly the one-shot answer.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { SessionInstance } from '@kairos/scheduling';
import { G, MIN, SERVICE_SCHEDULE, aroundTheClock, chance, int, pick, scenarioOf } from './random-world.fixture';
import { Slot } from './slots';
import { WalkDriver, WalkPosition, walkPage, walkStart } from './walk';
import { OPEN_POLICY, World, dataOf, instance, scheduleInfo, serviceInfo, slotQuery, slotsOf } from './world.fixture';

/** The scenario's world, varied for the walk: long spans, odd grids, sessions services. */
const walkWorldOf = (g: G): { world: World; query: ReturnType<typeof scenarioOf>['query'] } => {
  const { world, query } = scenarioOf(g, 12);
  const from = Number(query.from);
  const to = Number(query.to);
  const schedules = world.schedules.map((s) =>
    chance(g, 30) ? { ...s, workingHours: [...s.workingHours, aroundTheClock(g, from)] } : s,
  );
  const service = { ...world.service, slotSplitIntervalMinutes: chance(g, 30) ? pick(g, [7, 25, 50]) : world.service.slotSplitIntervalMinutes };
  const type = pick(g, ['APPOINTMENT', 'APPOINTMENT', 'APPOINTMENT', 'CLASS', 'CLASS', 'COURSE'] as const);
  if (type === 'APPOINTMENT') return { world: { ...world, schedules, service }, query };
  // Sessions of the service's schedule, some across midnight (a chunk edge), some begun before `from`.
  const sessions: SessionInstance[] = Array.from({ length: int(g, 0, 10) }, (_, n) => {
    const start = from + int(g, -1440, (to - from) / MIN) * MIN;
    return instance({
      id: `class-${n}`,
      scheduleId: SERVICE_SCHEDULE,
      start: new Date(start).toISOString(),
      end: new Date(start + pick(g, [30, 60, 90, 600, 1560]) * MIN).toISOString(),
      status: chance(g, 10) ? 'CANCELED' : 'ACTIVE',
      resourceIds: chance(g, 50) ? [pick(g, world.resourceIds ?? ['r0'])] : [],
      capacity: chance(g, 30) ? int(g, 1, 5) : null,
      bufferBeforeMinutes: pick(g, [0, 15]),
      bufferAfterMinutes: pick(g, [0, 30]),
    });
  });
  const booked = Object.fromEntries(sessions.filter(() => chance(g, 50)).map((s) => [s.id, int(g, 0, 4)]));
  return {
    world: {
      ...world,
      schedules,
      service: { ...service, type, defaultCapacity: int(g, 1, 4) },
      policy: { ...(world.policy ?? OPEN_POLICY), waitlist: chance(g, 30) ? { capacity: 3, reservationMinutes: 10 } : null },
      instances: [...(world.instances ?? []), ...sessions],
      booked: type === 'COURSE' ? { [SERVICE_SCHEDULE]: int(g, 0, 3) } : booked,
      waitlists: Object.fromEntries(sessions.filter(() => chance(g, 20)).map((s) => [s.id, int(g, 0, 3)])),
    },
    query,
  };
};

const line = (s: Slot) => `${s.start}–${s.end} ${s.sessionId ?? ''} ${JSON.stringify(s.resources.map((r) => r.resourceIds))} ${s.bookable} ${s.localStart}`;

describe('the availability walk', () => {
  it('gives, page after page, exactly the slots of the whole span at once', async () => {
    let nonEmpty = 0;
    let resumedMidSpan = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (g) => {
        const { world, query } = walkWorldOf(g);
        const q = slotQuery(query);
        const expected = slotsOf(world, query);
        const setting = { service: world.service, policy: world.policy ?? OPEN_POLICY, schedules: new Map(world.schedules.map((s) => [s.id, s])) };
        const limit = pick(g, [1, 2, 3, 7, 12, 40]);
        const driver: WalkDriver = {
          load: (chunk) => dataOf(world, { ...q, from: chunk.from, to: chunk.to }),
          chunkDays: () => int(g, 1, 4),
          goOn: () => !chance(g, 25),
        };
        const walked: Slot[] = [];
        let position: WalkPosition = walkStart(q);
        for (let pages = 1; ; pages++) {
          const page = await walkPage(setting, q, position, limit, driver);
          expect(page.items.length).toBeLessThanOrEqual(limit);
          walked.push(...page.items);
          if (!page.next) break;
          if (page.next.after === null && page.next.at > q.from) resumedMidSpan++;
          // As a cursor carries it: plain JSON.
          position = JSON.parse(JSON.stringify(page.next)) as WalkPosition;
          if (pages > 10_000) throw new Error('the walk does not end');
        }
        if (!isDeepStrictEqual(walked, expected)) {
          const a = new Set(walked.map(line));
          const e = new Set(expected.map(line));
          const diff = [...[...e].filter((x) => !a.has(x)).map((x) => `only at once: ${x}`), ...[...a].filter((x) => !e.has(x)).map((x) => `only walked: ${x}`)];
          throw new Error(`walk and one-shot differ (limit ${limit}) on\n${JSON.stringify({ query, world })}\n${diff.slice(0, 20).join('\n') || 'same slots, other order or fields'}`);
        }
        runs++;
        if (expected.length > limit) nonEmpty++;
      }),
      { numRuns: Number(process.env.WALK_RUNS ?? 200) },
    );
    // Not vacuous: many worlds need several pages, and walks stop mid-span.
    expect(nonEmpty).toBeGreaterThan(runs / 6);
    expect(resumedMidSpan).toBeGreaterThan(runs / 20);
  }, 300_000);

  it('gives a class session begun before the span though the booking window closes before it', async () => {
    // Bookable until 10:00 on the 5th; the span opens at 12:00; the session runs 09:00–13:00.
    const world: World = {
      service: serviceInfo({ scheduleId: SERVICE_SCHEDULE, type: 'CLASS', defaultCapacity: 3 }),
      policy: { ...OPEN_POLICY, earliestBookingMinutes: 24 * 60 },
      schedules: [scheduleInfo(SERVICE_SCHEDULE, 'UTC')],
      instances: [instance({ id: 'straddling', scheduleId: SERVICE_SCHEDULE, start: '2026-04-05T09:00:00Z', end: '2026-04-05T13:00:00Z' })],
    };
    const query = slotQuery({ from: '2026-04-05T12:00:00Z', to: '2026-04-08T00:00:00Z', now: Date.parse('2026-04-04T10:00:00Z') });
    const setting = { service: world.service, policy: world.policy!, schedules: new Map(world.schedules.map((s) => [s.id, s])) };
    const page = await walkPage(setting, query, walkStart(query), 10, { load: (chunk) => dataOf(world, { ...query, ...chunk }), chunkDays: () => 1, goOn: () => true });
    expect(slotsOf(world, query).map((s) => s.sessionId)).toEqual(['straddling']);
    expect(page.items.map((s) => s.sessionId)).toEqual(['straddling']);
    expect(page.next).toBeNull();
  });
});
