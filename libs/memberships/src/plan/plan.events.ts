import { Static } from '@sinclair/typebox';
import { AggregateMeta, EventsOf, aggregateId, describedAs, eventSchema, instant, integer, listOf, nullable, oneOf, patchOf, record, text, timeZoneName, updatedBody } from '@kairos/core';
import { MinorMoney } from '../pricing/money';

export const PricingType = oneOf(['SUBSCRIPTION', 'SINGLE_PAYMENT', 'UNLIMITED'], 'SUBSCRIPTION renews every cycle; SINGLE_PAYMENT is valid for a duration; UNLIMITED never ends');
export type PricingType = Static<typeof PricingType>;
export const CycleUnit = oneOf(['WEEK', 'MONTH', 'YEAR']);
export type CycleUnit = Static<typeof CycleUnit>;
export const DurationUnit = oneOf(['DAY', 'WEEK', 'MONTH', 'YEAR']);
export type DurationUnit = Static<typeof DurationUnit>;
export const BenefitKind = oneOf(['LIMITED', 'UNLIMITED'], 'LIMITED: a number of credits (a package or punch card); UNLIMITED: a membership');
export type BenefitKind = Static<typeof BenefitKind>;


export const PlanPricing = record({
  type: PricingType,
  cycle: nullable(record({ unit: CycleUnit, length: integer(undefined, 1) }, 'how long one cycle lasts; SUBSCRIPTION only')),
  cycleCount: nullable(integer('how many paid cycles; null: renews until canceled. SUBSCRIPTION only', 1)),
  duration: nullable(record({ unit: DurationUnit, length: integer(undefined, 1) }, 'how long the plan is valid; SINGLE_PAYMENT only')),
  freeTrialDays: integer('days free before the first paid cycle; SUBSCRIPTION only', 0),
  price: nullable(describedAs(MinorMoney, 'per cycle for a SUBSCRIPTION, once otherwise; null: free')),
});
export type PlanPricing = Static<typeof PlanPricing>;

export const PlanBenefit = record({
  kind: BenefitKind,
  credits: nullable(integer('LIMITED: credits per cycle (for the whole plan if not a subscription); null for UNLIMITED', 1)),
  serviceIds: listOf(text(), 'the services it covers, besides those that list the plan in their payment.planIds'),
});
export type PlanBenefit = Static<typeof PlanBenefit>;

export const PlanFields = record({
  name: text(),
  description: nullable(text()),
  pricing: PlanPricing,
  benefit: PlanBenefit,
  timeZone: timeZoneName(),
});
export type PlanFields = Static<typeof PlanFields>;

export const PlanPatch = patchOf(PlanFields, 'plan fields');
export type PlanPatch = Static<typeof PlanPatch>;

export const PlanView = record({
  ...AggregateMeta.properties,
  ...PlanFields.properties,
  archivedAt: nullable(instant('set once archived: no new orders, existing ones go on')),
});
export type PlanView = Static<typeof PlanView>;

export const planEvents = [
  eventSchema('plan.created', 'A pricing plan was created; the body is the plan as GET shows it.', PlanView),
  eventSchema('plan.updated', 'Fields of a plan changed; orders already bought keep the plan as it was.', updatedBody(PlanPatch)),
  eventSchema('plan.archived', 'A plan was archived: it takes no new orders, and existing orders go on.', record({ id: aggregateId(), archivedAt: instant() })),
] as const;
export type PlanEvent = EventsOf<typeof planEvents>;
