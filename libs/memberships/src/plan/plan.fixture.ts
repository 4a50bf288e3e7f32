import { PlanFields, PlanView } from './plan.events';

/** A monthly membership: open-ended, a 7-day free trial, 4 credits a cycle for one service, 30.00 EUR a month. */
export const monthlyPlanFields: PlanFields = {
  name: 'Monthly',
  description: null,
  pricing: { type: 'SUBSCRIPTION', cycle: { unit: 'MONTH', length: 1 }, cycleCount: null, duration: null, freeTrialDays: 7, price: { amountMinor: 3000, currency: 'EUR' } },
  benefit: { kind: 'LIMITED', credits: 4, serviceIds: ['s1'] },
  timeZone: 'Europe/Lisbon',
};

/** A punch card: 5 credits valid for 3 months, 50.00 EUR once. */
export const punchCardFields: PlanFields = {
  name: 'Five classes',
  description: 'a punch card',
  pricing: { type: 'SINGLE_PAYMENT', cycle: null, cycleCount: null, duration: { unit: 'MONTH', length: 3 }, freeTrialDays: 0, price: { amountMinor: 5000, currency: 'EUR' } },
  benefit: { kind: 'LIMITED', credits: 5, serviceIds: ['s1'] },
  timeZone: 'UTC',
};

export const planView = (fields: PlanFields, changes: Partial<PlanView> = {}): PlanView => ({
  id: 'p1',
  revision: 1,
  createdAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-01T10:00:00.000Z',
  ...fields,
  archivedAt: null,
  ...changes,
});
