import { given } from '@kairos/testing';
import { PlanEvent, PlanFields, planDecider } from './plan';
import { monthlyPlanFields, planView, punchCardFields } from './plan.fixture';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const T = NOW.toISOString();
const ctx = { now: NOW };

const created: PlanEvent = { type: 'plan.created', data: planView(monthlyPlanFields) };
const archived: PlanEvent = { type: 'plan.archived', data: { id: 'p1', archivedAt: T } };
const withPricing = (pricing: Partial<PlanFields['pricing']>): PlanFields => ({ ...monthlyPlanFields, pricing: { ...monthlyPlanFields.pricing, ...pricing } });

describe('plan decider: CreatePlan', () => {
  it('creates the plan as given, not archived', () => {
    given(planDecider, []).when({ type: 'CreatePlan', id: 'p1', fields: monthlyPlanFields }, ctx).then([created]);
    given(planDecider, []).when({ type: 'CreatePlan', id: 'p1', fields: punchCardFields }, ctx).thenState({ status: 'ACTIVE', view: { pricing: { type: 'SINGLE_PAYMENT' } } });
  });

  it('refuses to create the same plan twice', () => {
    given(planDecider, [created]).when({ type: 'CreatePlan', id: 'p1', fields: monthlyPlanFields }, ctx).thenThrows('already-exists');
  });

  it('refuses a subscription without a cycle, a single payment without a duration', () => {
    given(planDecider, []).when({ type: 'CreatePlan', id: 'p1', fields: withPricing({ cycle: null }) }, ctx).thenThrows('validation', [{ field: 'pricing.cycle' }]);
    given(planDecider, []).when({ type: 'CreatePlan', id: 'p1', fields: withPricing({ type: 'SINGLE_PAYMENT', cycle: null, freeTrialDays: 0 }) }, ctx).thenThrows('validation', [{ field: 'pricing.duration' }]);
  });

  it("refuses fields of another pricing type's", () => {
    given(planDecider, []).when({ type: 'CreatePlan', id: 'p1', fields: withPricing({ duration: { unit: 'DAY', length: 3 } }) }, ctx).thenThrows('validation', [{ field: 'pricing.duration', reason: 'only a SINGLE_PAYMENT plan takes it' }]);
    given(planDecider, []).when({ type: 'CreatePlan', id: 'p1', fields: withPricing({ type: 'UNLIMITED', cycleCount: 3 }) }, ctx).thenThrows('validation', [
      { field: 'pricing.cycle' },
      { field: 'pricing.cycleCount' },
      { field: 'pricing.freeTrialDays' },
    ]);
  });

  it('refuses LIMITED without credits, UNLIMITED with credits, a service twice and an unknown zone', () => {
    const benefit = monthlyPlanFields.benefit;
    given(planDecider, []).when({ type: 'CreatePlan', id: 'p1', fields: { ...monthlyPlanFields, benefit: { ...benefit, credits: null } } }, ctx).thenThrows('validation', [{ field: 'benefit.credits' }]);
    given(planDecider, []).when({ type: 'CreatePlan', id: 'p1', fields: { ...monthlyPlanFields, benefit: { ...benefit, kind: 'UNLIMITED' } } }, ctx).thenThrows('validation', [{ field: 'benefit.credits' }]);
    given(planDecider, []).when({ type: 'CreatePlan', id: 'p1', fields: { ...monthlyPlanFields, benefit: { ...benefit, serviceIds: ['s1', 's1'] } } }, ctx).thenThrows('validation', [{ field: 'benefit.serviceIds' }]);
    given(planDecider, []).when({ type: 'CreatePlan', id: 'p1', fields: { ...monthlyPlanFields, timeZone: 'Mars/Olympus' } }, ctx).thenThrows('validation', [{ field: 'timeZone' }]);
  });
});

describe('plan decider: UpdatePlan', () => {
  it('records the changed fields with their old values', () => {
    given(planDecider, [created])
      .when({ type: 'UpdatePlan', patch: { name: 'Monthly+', description: null } }, ctx)
      .then([{ type: 'plan.updated', data: { id: 'p1', changes: { name: 'Monthly+' }, previous: { name: 'Monthly' }, updatedAt: T } }]);
  });

  it('records nothing when nothing changes', () => {
    given(planDecider, [created]).when({ type: 'UpdatePlan', patch: { name: 'Monthly' } }, ctx).thenNothing();
  });

  it('refuses a patch that leaves the plan invalid, a stale revision, an archived or unknown plan', () => {
    given(planDecider, [created]).when({ type: 'UpdatePlan', patch: { pricing: { ...monthlyPlanFields.pricing, cycle: null } } }, ctx).thenThrows('validation', [{ field: 'pricing.cycle' }]);
    given(planDecider, [created]).when({ type: 'UpdatePlan', patch: { name: 'x' }, expectedRevision: 2 }, ctx).thenThrows('revision-conflict');
    given(planDecider, [created, archived]).when({ type: 'UpdatePlan', patch: { name: 'x' } }, ctx).thenThrows('invalid-transition');
    given(planDecider, []).when({ type: 'UpdatePlan', patch: { name: 'x' } }, ctx).thenThrows('not-found');
  });
});

describe('plan decider: ArchivePlan', () => {
  it('archives a plan once; archiving again records nothing', () => {
    given(planDecider, [created]).when({ type: 'ArchivePlan' }, ctx).then([archived]);
    given(planDecider, [created]).when({ type: 'ArchivePlan' }, ctx).thenState({ status: 'ARCHIVED', view: { archivedAt: T, revision: 2 } });
    given(planDecider, [created, archived]).when({ type: 'ArchivePlan' }, ctx).thenNothing();
  });

  it('refuses a stale revision and an unknown plan', () => {
    given(planDecider, [created]).when({ type: 'ArchivePlan', expectedRevision: 3 }, ctx).thenThrows('revision-conflict');
    given(planDecider, []).when({ type: 'ArchivePlan' }, ctx).thenThrows('not-found');
  });

  it('ignores events of a plan it never saw created', () => {
    given(planDecider, [archived]).when({ type: 'ArchivePlan' }, ctx).thenThrows('not-found');
  });
});
