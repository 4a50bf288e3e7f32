import { MemoryReadModels, enveloped } from '@kairos/core';
import { BookingPolicyEvent, DEFAULT_BOOKING_POLICY, bookingPolicyDecider } from './booking-policy/booking-policy';
import { ServiceEvent, ServiceFields, serviceDecider } from './service/service';
import { haircut } from './service/service.fixture';
import { BOOKING_POLICIES, SERVICES, servicesProjection } from './services.projection';

const now = new Date('2026-03-29T00:30:00Z');
const inTenant = enveloped({ tenant: 't1', actor: { type: 'BUSINESS' }, occurredAt: now.toISOString() });
const project = (...events: (ServiceEvent | BookingPolicyEvent)[]) => new MemoryReadModels().project(servicesProjection, events.map(inTenant));

const fields: ServiceFields = {
  ...haircut,
  resourceGroups: [
    { resourceIds: ['r1', 'r2'], requiredCount: 1, selectable: true },
    { resourceIds: ['r2', 'r3'], requiredCount: 1, selectable: false },
  ],
};
const [serviceCreated] = serviceDecider.decide({ type: 'CreateService', id: 's1', scheduleId: 'sch1', timeZone: 'Europe/Lisbon', fields }, { status: 'none' }, { now });
const policyCreated = (id: string) => bookingPolicyDecider.decide({ type: 'CreateBookingPolicy', id, fields: DEFAULT_BOOKING_POLICY }, { status: 'none' }, { now })[0];

describe('services projection', () => {
  it('keeps a created service as its view, with the resources of all its groups to filter on', () => {
    const doc = project(serviceCreated).get(SERVICES, 't1', 's1');
    expect(doc).toEqual({ ...serviceCreated.data, _resourceIds: ['r1', 'r2', 'r3'] });
  });

  it('applies an update’s changes at the next revision, and derives the resources again', () => {
    const updated: ServiceEvent = {
      type: 'service.updated',
      data: { id: 's1', changes: { name: 'Cut', resourceGroups: [] }, previous: { name: 'Haircut' }, updatedAt: '2026-04-01T10:00:00.000Z' },
    };
    expect(project(serviceCreated, updated).get(SERVICES, 't1', 's1')).toMatchObject({
      name: 'Cut',
      revision: 2,
      updatedAt: '2026-04-01T10:00:00.000Z',
      _resourceIds: [],
    });
  });

  it('keeps a deleted service, marked deleted', () => {
    const deleted: ServiceEvent = { type: 'service.deleted', data: { id: 's1', deletedAt: '2026-04-02T00:00:00.000Z' } };
    expect(project(serviceCreated, deleted).get(SERVICES, 't1', 's1')).toMatchObject({ deletedAt: '2026-04-02T00:00:00.000Z', updatedAt: '2026-04-02T00:00:00.000Z', revision: 2 });
  });

  it('writes nothing for a change to a service it never saw created', () => {
    const deleted: ServiceEvent = { type: 'service.deleted', data: { id: 'unknown', deletedAt: '2026-04-02T00:00:00.000Z' } };
    expect(project(deleted).all(SERVICES, 't1')).toEqual([]);
  });

  it('moves the default flag from the previous default policy to the new one, whose revision alone moves on', () => {
    const setDefault = (id: string, previousDefaultId: string | null): BookingPolicyEvent => ({
      type: 'booking-policy.default-set',
      data: { id, previousDefaultId, at: '2026-04-03T00:00:00.000Z' },
    });
    const models = project(policyCreated('p1'), policyCreated('p2'), setDefault('p1', null), setDefault('p2', 'p1'));
    expect(models.get(BOOKING_POLICIES, 't1', 'p1')).toMatchObject({ isDefault: false, revision: 2 });
    expect(models.get(BOOKING_POLICIES, 't1', 'p2')).toMatchObject({ isDefault: true, revision: 2, updatedAt: '2026-04-03T00:00:00.000Z' });
  });

  it('stores a new policy as not the default', () => {
    expect(project(policyCreated('p1')).get(BOOKING_POLICIES, 't1', 'p1')).toMatchObject({ isDefault: false, revision: 1 });
  });

  it('folds the policy and service events only, and ignores the rest of the log', () => {
    expect(servicesProjection.canHandle).not.toContain('booking-policy-default.changed');
    const other = inTenant({ type: 'booking-policy-default.changed', data: { policyId: 'p1', previousPolicyId: null, at: now.toISOString() } });
    expect(new MemoryReadModels().project(servicesProjection, [other]).all(BOOKING_POLICIES, 't1')).toEqual([]);
  });
});
