import { SessionView } from './session';
import { sessionInstances } from './instances';
import { weekly } from './session.fixture';

const T = '2026-03-01T10:00:00.000Z';
const FIRST = '2026-03-02T09:00:00.000Z';
const view: SessionView = {
  id: 'ses1',
  revision: 3,
  createdAt: T,
  updatedAt: T,
  ...weekly,
  status: 'ACTIVE',
  canceledFrom: null,
  overrides: { [FIRST]: { capacity: 5, localStart: '2026-03-02T08:00', status: 'CANCELED' } },
  versions: [
    { from: '2026-03-05T00:00:00.000Z', changes: { title: 'Flow', capacity: 8 } },
    { from: '2026-03-06T00:00:00.000Z', changes: { capacity: 12 } },
  ],
};

describe('sessionInstances', () => {
  it('lays out each instance as the session details (series, then its versions in order, then its override) followed by where and when it is', () => {
    const instances = sessionInstances(view, { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-10T00:00:00Z') });
    const when = { scheduleId: 'sch1', type: 'EVENT', start: '', end: '', localStart: '', localEnd: '', timeZone: 'Europe/Lisbon', recurrence: 'FREQ=WEEKLY' };
    // Compared as JSON: the key order is what the API answers with.
    expect(JSON.stringify(instances)).toBe(
      JSON.stringify([
        {
          title: 'Yoga', capacity: 5, resourceIds: ['r1'], affectedSchedules: null, bufferBeforeMinutes: 0, bufferAfterMinutes: 0, locationId: null,
          id: instances[0].id, recurringSessionId: 'ses1', originalStart: FIRST,
          ...when, start: '2026-03-02T08:00:00.000Z', end: '2026-03-02T10:00:00.000Z', localStart: '2026-03-02T08:00', localEnd: '2026-03-02T10:00:00', status: 'CANCELED',
        },
        {
          title: 'Flow', capacity: 12, resourceIds: ['r1'], affectedSchedules: null, bufferBeforeMinutes: 0, bufferAfterMinutes: 0, locationId: null,
          id: instances[1].id, recurringSessionId: 'ses1', originalStart: '2026-03-09T09:00:00.000Z',
          ...when, start: '2026-03-09T09:00:00.000Z', end: '2026-03-09T10:00:00.000Z', localStart: '2026-03-09T09:00:00', localEnd: '2026-03-09T10:00:00', status: 'ACTIVE',
        },
      ]),
    );
  });
});
