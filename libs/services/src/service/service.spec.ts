import { given } from '@kairos/testing';
import { ServiceCommand, ServiceEvent, ServiceFields, ServicePatch, serviceDecider } from './service';
import { haircut as fields } from './service.fixture';

const now = new Date('2026-03-29T00:30:00Z');
const T = now.toISOString();
const later = new Date('2026-03-30T10:00:00Z');
const create = (overrides: Partial<ServiceFields> = {}): ServiceCommand => ({ type: 'CreateService', id: 's1', scheduleId: 'sch1', timeZone: 'Europe/Lisbon', fields: { ...fields, ...overrides } });
const created: ServiceEvent[] = [
  { type: 'service.created', data: { id: 's1', revision: 1, createdAt: T, updatedAt: T, scheduleId: 'sch1', timeZone: 'Europe/Lisbon', deletedAt: null, ...fields } },
];
const deleted: ServiceEvent = { type: 'service.deleted', data: { id: 's1', deletedAt: T } };
const update = (patch: ServicePatch, expectedRevision?: number): ServiceCommand => ({ type: 'UpdateService', patch, expectedRevision });
const eur = (amount: string) => ({ amount, currency: 'EUR' });

describe('service decider', () => {
  describe('CreateService', () => {
    it('creates a service carrying the whole aggregate at revision 1', () => {
      given(serviceDecider, []).when(create(), { now }).then(created);
    });

    it('refuses to create a service twice', () => {
      given(serviceDecider, created).when(create(), { now }).thenThrows('already-exists', [{ field: 'id', reason: 'taken' }]);
    });

    it('names every invalid field', () => {
      given(serviceDecider, [])
        .when(
          create({
            sessionDurations: [],
            resourceGroups: [{ resourceIds: ['r1'], requiredCount: 2, selectable: false }],
            payment: { rateType: 'FIXED', price: null, deposit: null, planIds: [] },
          }),
          { now },
        )
        .thenThrows('validation', [
          { field: 'sessionDurations', reason: 'an appointment needs at least one duration' },
          { field: 'resourceGroups[0].requiredCount', reason: 'more than the resources in the group' },
          { field: 'payment.price', reason: 'a FIXED rate needs a price' },
        ]);
    });

    it('lets a class or a course have no duration, but never the same duration twice', () => {
      given(serviceDecider, []).when(create({ type: 'CLASS', sessionDurations: [] }), { now }).thenState({ view: { type: 'CLASS', sessionDurations: [] } });
      given(serviceDecider, []).when(create({ sessionDurations: [30, 45, 30] }), { now }).thenThrows('validation', [{ field: 'sessionDurations', reason: 'durations must be distinct' }]);
    });

    it('refuses a resource listed twice in a group', () => {
      given(serviceDecider, [])
        .when(create({ resourceGroups: [{ resourceIds: ['r1', 'r2'], requiredCount: 1, selectable: true }, { resourceIds: ['r3', 'r3'], requiredCount: 1, selectable: false }] }), { now })
        .thenThrows('validation', [{ field: 'resourceGroups[1].resourceIds', reason: 'a resource appears twice' }]);
    });

    it('refuses a price or a deposit on a service without fee', () => {
      given(serviceDecider, []).when(create({ payment: { rateType: 'NO_FEE', price: eur('5.00'), deposit: null, planIds: [] } }), { now }).thenThrows('validation', [{ field: 'payment', reason: 'NO_FEE takes no price or deposit' }]);
      given(serviceDecider, []).when(create({ payment: { rateType: 'NO_FEE', price: null, deposit: eur('5.00'), planIds: [] } }), { now }).thenThrows('validation', [{ field: 'payment' }]);
      given(serviceDecider, []).when(create({ payment: { rateType: 'NO_FEE', price: null, deposit: null, planIds: [] } }), { now }).thenState({ view: { payment: { rateType: 'NO_FEE' } } });
    });

    it('refuses a deposit in another currency or above the price, and accepts one up to the price', () => {
      const priced = (deposit: { amount: string; currency: string }) => create({ payment: { rateType: 'FIXED', price: eur('25.00'), deposit, planIds: [] } });
      given(serviceDecider, []).when(priced({ amount: '5.00', currency: 'USD' }), { now }).thenThrows('validation', [{ field: 'payment.deposit.currency', reason: 'differs from the price currency' }]);
      given(serviceDecider, []).when(priced(eur('25.01')), { now }).thenThrows('validation', [{ field: 'payment.deposit.amount', reason: 'exceeds the price' }]);
      given(serviceDecider, []).when(priced(eur('25.00')), { now }).thenState({ view: { payment: { deposit: eur('25.00') } } });
    });

    it('lets a VARIED or CUSTOM rate go without a price', () => {
      given(serviceDecider, []).when(create({ payment: { rateType: 'VARIED', price: null, deposit: null, planIds: [] } }), { now }).thenState({ view: { payment: { rateType: 'VARIED' } } });
    });

    it('needs the id of a business or custom location, not of the customer\'s', () => {
      given(serviceDecider, [])
        .when(create({ locations: [{ id: null, type: 'CUSTOMER' }, { id: null, type: 'CUSTOM' }, { id: null, type: 'BUSINESS' }] }), { now })
        .thenThrows('validation', [
          { field: 'locations[1].id', reason: 'a CUSTOM location needs an id' },
          { field: 'locations[2].id', reason: 'a BUSINESS location needs an id' },
        ]);
    });
  });

  describe('UpdateService', () => {
    it('updates only what changed, with previous values', () => {
      given(serviceDecider, created)
        .when(update({ name: 'Haircut', hidden: true }, 1), { now: later })
        .then([{ type: 'service.updated', data: { id: 's1', changes: { hidden: true }, previous: { hidden: false }, updatedAt: later.toISOString() } }]);
      given(serviceDecider, created).when(update({ hidden: true }, 1), { now: later }).thenState({ view: { hidden: true, revision: 2, updatedAt: later.toISOString() } });
    });

    it('emits nothing for an update that changes nothing', () => {
      given(serviceDecider, created).when(update({ name: 'Haircut', sessionDurations: [30] }), { now }).thenNothing();
    });

    it('judges the service as the patch leaves it', () => {
      given(serviceDecider, created).when(update({ sessionDurations: [] }), { now }).thenThrows('validation', [{ field: 'sessionDurations' }]);
      given(serviceDecider, created)
        .when(update({ payment: { rateType: 'FIXED', price: eur('25.00'), deposit: eur('30.00'), planIds: [] } }), { now })
        .thenThrows('validation', [{ field: 'payment.deposit.amount' }]);
    });

    it('checks the revision', () => {
      given(serviceDecider, created).when(update({ name: 'x' }, 2), { now }).thenThrows('revision-conflict', [{ field: 'revision', reason: 'stale: current revision is 1' }]);
    });

    it('refuses a deleted service, and knows none that was never created', () => {
      given(serviceDecider, [...created, deleted]).when(update({ hidden: true }), { now }).thenThrows('invalid-transition');
      given(serviceDecider, []).when(update({ hidden: true }), { now }).thenThrows('not-found');
    });
  });

  describe('DeleteService', () => {
    it('refuses to delete while future bookings exist, deletes softly otherwise', () => {
      given(serviceDecider, created).when({ type: 'DeleteService' }, { now, hasFutureBookings: true }).thenThrows('has-future-bookings');
      given(serviceDecider, created).when({ type: 'DeleteService', expectedRevision: 1 }, { now, hasFutureBookings: false }).then([deleted]);
      given(serviceDecider, created).when({ type: 'DeleteService' }, { now }).thenState({ view: { deletedAt: T, revision: 2 } });
    });

    it('checks the revision', () => {
      given(serviceDecider, created).when({ type: 'DeleteService', expectedRevision: 4 }, { now }).thenThrows('revision-conflict');
    });

    it('refuses to delete twice, and knows no service that was never created', () => {
      given(serviceDecider, [...created, deleted]).when({ type: 'DeleteService' }, { now }).thenThrows('invalid-transition');
      given(serviceDecider, []).when({ type: 'DeleteService' }, { now }).thenThrows('not-found');
    });
  });

  it('ignores events of a service it never saw created', () => {
    given(serviceDecider, [deleted]).when(create(), { now }).then(created);
  });
});
