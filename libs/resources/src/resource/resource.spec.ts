import { given } from '@kairos/testing';
import { ResourceCommand, ResourceEvent, ResourceFields, resourceDecider } from './resource';

const now = new Date('2026-01-01T00:00:00Z');
const T = now.toISOString();
const LATER = '2026-01-02T00:00:00.000Z';
const later = { now: new Date(LATER) };
const fields: ResourceFields = { type: 'STAFF', name: 'Ana', email: 'ana@example.com', phone: null, tags: ['senior'], usesBusinessHours: true };
const create: ResourceCommand = { type: 'CreateResource', id: 'r1', scheduleId: 'sch-r1', fields };
const created: ResourceEvent[] = [{ type: 'resource.created', data: { id: 'r1', revision: 1, createdAt: T, updatedAt: T, deletedAt: null, scheduleId: 'sch-r1', ...fields } }];
const deleted: ResourceEvent = { type: 'resource.deleted', data: { id: 'r1', deletedAt: T } };

describe('resource decider', () => {
  describe('CreateResource', () => {
    it('records the whole resource at revision 1 with its schedule', () => {
      given(resourceDecider, []).when(create, { now }).then(created);
    });

    it('refuses to create the same resource twice', () => {
      given(resourceDecider, created).when(create, { now }).thenThrows('already-exists', [{ field: 'id', reason: 'taken' }]);
    });
  });

  describe('UpdateResource', () => {
    it('records only what changed, with the previous values', () => {
      given(resourceDecider, created)
        .when({ type: 'UpdateResource', patch: { name: 'Ana', tags: ['senior', 'colour'] }, expectedRevision: 1 }, later)
        .then([{ type: 'resource.updated', data: { id: 'r1', changes: { tags: ['senior', 'colour'] }, previous: { tags: ['senior'] }, updatedAt: LATER } }]);
      given(resourceDecider, created).when({ type: 'UpdateResource', patch: { phone: '+351 900 000 000' } }, later).thenState({ view: { phone: '+351 900 000 000', revision: 2, updatedAt: LATER } });
    });

    it('records nothing when nothing changes', () => {
      given(resourceDecider, created).when({ type: 'UpdateResource', patch: { name: 'Ana', tags: ['senior'] } }, later).thenNothing();
    });

    it('checks the revision', () => {
      given(resourceDecider, created).when({ type: 'UpdateResource', patch: { name: 'B' }, expectedRevision: 2 }, later).thenThrows('revision-conflict', [{ field: 'revision' }]);
    });

    it('refuses a deleted resource, and knows none that was never created', () => {
      given(resourceDecider, [...created, deleted]).when({ type: 'UpdateResource', patch: { name: 'B' } }, later).thenThrows('invalid-transition');
      given(resourceDecider, []).when({ type: 'UpdateResource', patch: { name: 'B' } }, later).thenThrows('not-found');
    });
  });

  describe('DeleteResource', () => {
    it('refuses deletion while something holds the resource in the future', () => {
      given(resourceDecider, created).when({ type: 'DeleteResource' }, { now, hasFutureCommitments: true }).thenThrows('has-future-bookings');
    });

    it('deletes softly, keeping the view with its deletion time', () => {
      given(resourceDecider, created).when({ type: 'DeleteResource', expectedRevision: 1 }, { now, hasFutureCommitments: false }).then([deleted]);
      given(resourceDecider, created).when({ type: 'DeleteResource' }, { now }).thenState({ view: { deletedAt: T, revision: 2, name: 'Ana' } });
    });

    it('checks the revision before the commitments', () => {
      given(resourceDecider, created).when({ type: 'DeleteResource', expectedRevision: 3 }, { now, hasFutureCommitments: true }).thenThrows('revision-conflict');
    });

    it('refuses to delete twice, and knows none that was never created', () => {
      given(resourceDecider, [...created, deleted]).when({ type: 'DeleteResource' }, { now }).thenThrows('invalid-transition');
      given(resourceDecider, []).when({ type: 'DeleteResource' }, { now }).thenThrows('not-found');
    });
  });

  it('ignores events of a resource it never saw created', () => {
    given(resourceDecider, [deleted]).when(create, { now }).then(created);
  });
});
