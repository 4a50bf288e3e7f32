import { randomUUID } from 'node:crypto';
import { HttpClient } from '../kit/http-client';
import { CLASSES, CLASS_CAPACITY, NO_WINDOWS_POLICY, PLAN_CREDITS, ROOMS, ROOM_SERVICE_STAFF, SESSIONS_PER_CLASS, STAFF, Seed, WEEKDAYS, ZONE, iso, london, pad } from './scenario';

/**
 * A tenant of 20 staff and 3 rooms working Mon–Fri 08:00–20:00 in London, a 30-minute "any staff"
 * appointment, a 60-minute staff + room appointment with a 10-minute buffer, three classes of 20
 * seats, a default policy without windows, and a free punch card covering the haircut that each
 * client's contact holds; seeded over HTTP, with every read model the booking path consults caught
 * up before it returns.
 */
export const seedTenant = async (client: HttpClient, tenant: string, clients: number): Promise<Seed> => {
  let lastPosition = 0;
  const ok = async (method: string, path: string, body?: unknown) => {
    const answer = await (method === 'GET' || path === '/v1/availability/query' ? client.okOnceAvailable(method, path, body) : client.ok(method, path, body));
    lastPosition = Math.max(lastPosition, answer.position ?? 0);
    return answer.body;
  };
  await ok('POST', '/v1/booking-policies', NO_WINDOWS_POLICY);
  const hours = { timeZone: ZONE, workingHours: [{ daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: '08:00', endTime: '20:00' }] };
  const resource = async (type: string, name: string) => {
    const r = await ok('POST', '/v1/resources', { type, name });
    await ok('PATCH', `/v1/schedules/${r.scheduleId}`, hours);
    return r.id as string;
  };
  const staff = await Promise.all(Array.from({ length: STAFF }, (_, i) => resource('STAFF', `Staff ${i + 1}`)));
  const rooms = await Promise.all(Array.from({ length: ROOMS }, (_, i) => resource('ROOM', `Room ${i + 1}`)));
  const serviceA = await ok('POST', '/v1/services', {
    name: 'Haircut',
    type: 'APPOINTMENT',
    sessionDurations: [30],
    slotSplitIntervalMinutes: 30,
    timeZone: ZONE,
    resourceGroups: [{ resourceIds: staff, requiredCount: 1, selectable: true }],
  });
  const serviceB = await ok('POST', '/v1/services', {
    name: 'Treatment',
    type: 'APPOINTMENT',
    sessionDurations: [60],
    slotSplitIntervalMinutes: 30,
    bufferAfterMinutes: 10,
    timeZone: ZONE,
    resourceGroups: [
      { resourceIds: staff.slice(0, ROOM_SERVICE_STAFF), requiredCount: 1, selectable: true },
      { resourceIds: rooms, requiredCount: 1, selectable: false },
    ],
  });
  const classes: Seed['classes'] = [];
  for (let c = 0; c < CLASSES; c++) {
    const service = await ok('POST', '/v1/services', { name: `Class ${c + 1}`, type: 'CLASS', defaultCapacity: CLASS_CAPACITY, timeZone: ZONE });
    const sessions: string[] = [];
    for (let s = 0; s < SESSIONS_PER_CLASS; s++) {
      const day = WEEKDAYS[(c * SESSIONS_PER_CLASS + s) % WEEKDAYS.length];
      const session = await ok('POST', `/v1/schedules/${service.scheduleId}/sessions`, {
        type: 'EVENT',
        localStart: `2026-03-${pad(day)}T18:00`,
        localEnd: `2026-03-${pad(day)}T19:00`,
      });
      sessions.push(session.id);
    }
    classes.push({ serviceId: service.id, sessions });
  }
  const plan = await ok('POST', '/v1/plans', {
    name: 'Haircut card',
    pricing: { type: 'UNLIMITED', price: null },
    benefit: { kind: 'LIMITED', credits: PLAN_CREDITS, serviceIds: [serviceA.id] },
    timeZone: ZONE,
  });
  const contacts = Array.from({ length: clients }, () => randomUUID());
  const planOrders: string[] = [];
  for (const contactId of contacts) planOrders.push((await ok('POST', '/v1/plan-orders', { planId: plan.id, contactId })).id);
  // Every read model the booking path consults has caught up before the clock starts.
  for (const serviceId of [serviceA.id, serviceB.id]) {
    await ok('POST', '/v1/availability/query', { serviceId, from: iso(london(2, 0)), to: iso(london(3, 0)), minPosition: lastPosition, limit: 1 });
  }
  await ok('GET', `/v1/plan-orders?contactId=${contacts[0]}&minPosition=${lastPosition}`);
  return { tenant, contacts, planOrders, serviceA: serviceA.id, serviceB: serviceB.id, classes, lastPosition };
};
