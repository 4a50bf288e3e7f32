import { given } from '@kairos/testing';
import { ServiceEvent, ServiceFields, serviceDecider } from './service';

const now = new Date('2026-03-29T00:30:00Z');
const fields: ServiceFields = {
  name: 'Haircut',
  type: 'APPOINTMENT',
  category: null,
  hidden: false,
  defaultCapacity: 1,
  sessionDurations: [30],
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 10,
  slotSplitIntervalMinutes: null,
  resourceGroups: [{ resourceIds: ['r1', 'r2'], requiredCount: 1, selectable: true }],
  locations: [{ id: 'l1', type: 'BUSINESS' }],
  onlineBooking: { enabled: true, requireManualApproval: false, allowMultipleRequests: false },
  payment: { rateType: 'FIXED', price: { amount: '25.00', currency: 'EUR' }, deposit: null, planIds: [] },
  bookingPolicyId: null,
};
const create = { type: 'CreateService' as const, id: 's1', scheduleId: 'sch1', timeZone: 'Europe/Lisbon', fields };
const created = (): ServiceEvent[] => serviceDecider.decide(create, serviceDecider.initialState(), { now });

describe('service decider', () => {
  it('creates a service carrying the whole aggregate at revision 1', () => {
    const [event] = created();
    expect(event).toEqual({
      type: 'service.created',
      data: { id: 's1', revision: 1, createdAt: now.toISOString(), updatedAt: now.toISOString(), scheduleId: 'sch1', timeZone: 'Europe/Lisbon', deletedAt: null, ...fields },
    });
  });

  it('refuses to create a service twice', () => {
    expect(given(serviceDecider, created()).when(create, { now })).toThrow(expect.objectContaining({ code: 'already-exists' }));
  });

  it('names every invalid field', () => {
    const bad = {
      ...create,
      fields: {
        ...fields,
        sessionDurations: [],
        resourceGroups: [{ resourceIds: ['r1'], requiredCount: 2, selectable: false }],
        payment: { rateType: 'FIXED' as const, price: null, deposit: null, planIds: [] },
      },
    };
    expect(given(serviceDecider, []).when(bad, { now })).toThrow(
      expect.objectContaining({
        code: 'validation',
        errors: [
          { field: 'sessionDurations', reason: 'an appointment needs at least one duration' },
          { field: 'resourceGroups[0].requiredCount', reason: 'more than the resources in the group' },
          { field: 'payment.price', reason: 'a FIXED rate needs a price' },
        ],
      }),
    );
  });

  it('updates only what changed, with previous values, and checks the revision', () => {
    const later = new Date('2026-03-30T10:00:00Z');
    const events = given(serviceDecider, created()).when({ type: 'UpdateService', patch: { name: 'Haircut', hidden: true }, expectedRevision: 1 }, { now: later })();
    expect(events).toEqual([{ type: 'service.updated', data: { id: 's1', changes: { hidden: true }, previous: { hidden: false }, updatedAt: later.toISOString() } }]);
    const state = given(serviceDecider, [...created(), ...events]).state();
    expect(state).toMatchObject({ status: 'active', view: { hidden: true, revision: 2, updatedAt: later.toISOString() } });
    expect(given(serviceDecider, [...created(), ...events]).when({ type: 'UpdateService', patch: { name: 'x' }, expectedRevision: 1 }, { now })).toThrow(
      expect.objectContaining({ code: 'revision-conflict' }),
    );
  });

  it('emits nothing for an update that changes nothing', () => {
    expect(given(serviceDecider, created()).when({ type: 'UpdateService', patch: { name: 'Haircut' } }, { now })()).toEqual([]);
  });

  it('refuses to delete while future bookings exist, deletes softly otherwise', () => {
    expect(given(serviceDecider, created()).when({ type: 'DeleteService' }, { now, hasFutureBookings: true })).toThrow(
      expect.objectContaining({ code: 'has-future-bookings' }),
    );
    const deleted = given(serviceDecider, created()).when({ type: 'DeleteService' }, { now, hasFutureBookings: false })();
    expect(deleted).toEqual([{ type: 'service.deleted', data: { id: 's1', deletedAt: now.toISOString() } }]);
    expect(given(serviceDecider, [...created(), ...deleted]).when({ type: 'UpdateService', patch: { hidden: true } }, { now })).toThrow(
      expect.objectContaining({ code: 'invalid-transition' }),
    );
  });

  it('refuses changes to an unknown service', () => {
    expect(given(serviceDecider, []).when({ type: 'DeleteService' }, { now })).toThrow(expect.objectContaining({ code: 'not-found' }));
  });
});
