import { TestApp } from '../harness';

const WEEKDAYS_9_TO_5 = { daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: '09:00', endTime: '17:00' };

/** Staff working weekdays 09:00–17:00 in London, and a 60-minute APPOINTMENT service (15 minutes' buffer after) over them. */
export const appointmentService = async (t: TestApp, staffCount = 1, extra: object = {}) => {
  const as = (method: 'post' | 'patch', path: string, body?: object) => t.http[method](path).set('Kairos-Tenant', t.tenant).send(body);
  const staff = [];
  for (let i = 0; i < staffCount; i++) {
    const s = (await as('post', '/v1/resources', { type: 'STAFF', name: `S${i}` }).expect(201)).body;
    await as('patch', `/v1/schedules/${s.scheduleId}`, { timeZone: 'Europe/London', workingHours: [WEEKDAYS_9_TO_5] }).expect(200);
    staff.push(s);
  }
  const service = (
    await as('post', '/v1/services', {
      name: 'Cut',
      type: 'APPOINTMENT',
      sessionDurations: [60],
      bufferAfterMinutes: 15,
      timeZone: 'Europe/London',
      resourceGroups: [{ resourceIds: staff.map((s) => s.id), requiredCount: 1, selectable: true }],
      ...extra,
    }).expect(201)
  ).body;
  return { staff, service };
};
