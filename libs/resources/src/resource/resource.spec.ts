import { given } from '@kairos/testing';
import { resourceDecider } from './resource';

const now = new Date('2026-01-01T00:00:00Z');
const created = resourceDecider.decide(
  {
    type: 'CreateResource',
    id: 'r1',
    scheduleId: 'sch-r1',
    fields: { type: 'STAFF', name: 'Ana', email: 'ana@example.com', phone: null, tags: ['senior'], usesBusinessHours: true },
  },
  { status: 'none' },
  { now },
);

describe('resource decider', () => {
  it('refuses deletion while something holds the resource in the future', () => {
    expect(given(resourceDecider, created).when({ type: 'DeleteResource' }, { now, hasFutureCommitments: true })).toThrow(
      expect.objectContaining({ code: 'has-future-bookings' }),
    );
  });

  it('deletes softly and then refuses updates', () => {
    const deleted = given(resourceDecider, created).when({ type: 'DeleteResource', expectedRevision: 1 }, { now, hasFutureCommitments: false })();
    expect(given(resourceDecider, [...created, ...deleted]).state()).toMatchObject({ status: 'deleted', view: { deletedAt: now.toISOString(), revision: 2 } });
    expect(given(resourceDecider, [...created, ...deleted]).when({ type: 'UpdateResource', patch: { name: 'B' } }, { now })).toThrow(
      expect.objectContaining({ code: 'invalid-transition' }),
    );
  });
});
