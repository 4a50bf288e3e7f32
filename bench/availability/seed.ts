import { performance } from 'node:perf_hooks';
import { HttpClient } from '../kit/http-client';
import { mulberry32 } from '../kit/random';
import { DAYS, MONTH_FROM, MONTH_TO, ZONE } from './scenario';

/**
 * The tenant the availability benchmark queries, seeded through the HTTP API so that the
 * projections build the availability windows for real: a room on business hours, N staff, one
 * APPOINTMENT service over them, and a month of busy sessions.
 */

export const SEED_BATCH = 20;
const SESSIONS_PER_STAFF_DAY = 6;
const ROOM_SESSIONS_PER_DAY = 2;

const pad = (n: number) => String(n).padStart(2, '0');
const hhmm = (minutes: number) => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
const localDay = (day: number) => `2026-03-${pad(day + 1)}`;

/** Runs the calls `size` at a time; answers the highest position written. */
const inBatches = async (calls: (() => Promise<{ position: number | null }>)[], size: number): Promise<number> => {
  let position = 0;
  for (let i = 0; i < calls.length; i += size) {
    const results = await Promise.all(calls.slice(i, i + size).map((call) => call()));
    for (const r of results) position = Math.max(position, r.position ?? 0);
  }
  return position;
};

export interface Seeded {
  serviceId: string;
  sessions: number;
  lastPosition: number;
  seedSeconds: number;
}

export const seed = async (client: HttpClient, staffCount: number): Promise<Seeded> => {
  const started = performance.now();
  const random = mulberry32(20260301 + staffCount);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

  await client.ok('POST', '/v1/booking-policies', { name: 'Bench: a month ahead', isDefault: true, earliestBookingMinutes: null });

  // The room works the business hours, through the FREE link every usesBusinessHours resource gets.
  const room = (await client.ok('POST', '/v1/resources', { type: 'ROOM', name: 'Room 1', usesBusinessHours: true })).body;
  const business = (await client.ok('GET', '/v1/schedules/business')).body;
  await client.ok('PATCH', `/v1/schedules/${business.id}`, {
    timeZone: ZONE,
    workingHours: [{ daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], startTime: '08:00', endTime: '20:00' }],
  });

  // Staff: Mon–Sat, starts 08:30–10:00 and ends 17:30–19:00 in London; every third works a short Saturday.
  const staff: { id: string; scheduleId: string; startMin: number; endMin: number }[] = [];
  const created = await Promise.all(
    Array.from({ length: staffCount }, (_, i) => client.ok('POST', '/v1/resources', { type: 'STAFF', name: `Staff ${i + 1}` })),
  );
  const hours = created.map((c, i) => {
    const startMin = 9 * 60 + ((i % 4) - 1) * 30;
    const endMin = 18 * 60 + ((i % 3) - 1) * 30 + (i % 5 === 0 ? 60 : 0);
    return { id: c.body.id as string, scheduleId: c.body.scheduleId as string, startMin, endMin };
  });
  staff.push(...hours);
  await inBatches(
    staff.map((s, i) => () =>
      client.ok('PATCH', `/v1/schedules/${s.scheduleId}`, {
        timeZone: ZONE,
        workingHours:
          i % 3 === 0
            ? [
                { daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: hhmm(s.startMin), endTime: hhmm(s.endMin) },
                { daysOfWeek: ['SAT'], startTime: '09:00', endTime: '14:00' },
              ]
            : [{ daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], startTime: hhmm(s.startMin), endTime: hhmm(s.endMin) }],
      }),
    ),
    SEED_BATCH,
  );

  const service = (
    await client.ok('POST', '/v1/services', {
      name: 'Consultation',
      type: 'APPOINTMENT',
      sessionDurations: [30],
      slotSplitIntervalMinutes: 15,
      bufferBeforeMinutes: 10,
      bufferAfterMinutes: 10,
      timeZone: ZONE,
      resourceGroups: [
        { resourceIds: staff.map((s) => s.id), requiredCount: 1, selectable: true },
        { resourceIds: [room.id], requiredCount: 1, selectable: false },
      ],
    })
  ).body;

  // Busy EVENT sessions: the working day cut into 6 stretches, one 30–60 minute session somewhere in
  // each, with its own buffers of 0–15 minutes kept inside the stretch (a resource's busy sessions
  // may not overlap, buffers included); every day of the month, Sundays included.
  const sessions: (() => Promise<{ position: number | null }>)[] = [];
  for (let day = 0; day < DAYS; day++) {
    for (const s of staff) {
      const stretch = Math.floor((s.endMin - s.startMin) / SESSIONS_PER_STAFF_DAY);
      for (let k = 0; k < SESSIONS_PER_STAFF_DAY; k++) {
        const bufferBeforeMinutes = int(0, 15);
        const bufferAfterMinutes = int(0, 15);
        const length = Math.min(int(6, 12) * 5, stretch - bufferBeforeMinutes - bufferAfterMinutes);
        const slack = stretch - length - bufferBeforeMinutes - bufferAfterMinutes;
        const start = s.startMin + k * stretch + bufferBeforeMinutes + int(0, Math.floor(slack / 5)) * 5;
        const body = {
          type: 'EVENT',
          localStart: `${localDay(day)}T${hhmm(start)}`,
          localEnd: `${localDay(day)}T${hhmm(start + length)}`,
          bufferBeforeMinutes,
          bufferAfterMinutes,
        };
        sessions.push(() => client.ok('POST', `/v1/schedules/${s.scheduleId}/sessions`, body));
      }
    }
    // A couple of room holds a day (cleaning, maintenance), 30 minutes each.
    for (let k = 0; k < ROOM_SESSIONS_PER_DAY; k++) {
      const start = 8 * 60 + k * 6 * 60 + int(0, 60) * 5;
      const body = { type: 'EVENT', localStart: `${localDay(day)}T${hhmm(start)}`, localEnd: `${localDay(day)}T${hhmm(start + 30)}`, timeZone: ZONE };
      sessions.push(() => client.ok('POST', `/v1/schedules/${room.scheduleId}/sessions`, body));
    }
  }
  const lastPosition = await inBatches(sessions, SEED_BATCH);

  // Read your writes: the query waits (up to 5 s a projection) for minPosition; retry while it still lags.
  const deadline = Date.now() + 300_000;
  for (;;) {
    const res = await client.call('POST', '/v1/availability/query', {
      serviceId: service.id,
      from: new Date(MONTH_FROM).toISOString(),
      to: new Date(MONTH_TO).toISOString(),
      minPosition: lastPosition,
      limit: 1,
    });
    if (res.status === 200) break;
    if (res.status !== 503 || Date.now() > deadline) throw new Error(`projections did not catch up: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return { serviceId: service.id, sessions: sessions.length, lastPosition, seedSeconds: (performance.now() - started) / 1000 };
};
