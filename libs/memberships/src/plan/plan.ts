import { IANAZone } from 'luxon';
import { DecisionContext, Decider, DomainError, FieldError, advance, alreadyExists, assertNever, changedFields, checkRevision, existing, hasChanges, requireLive } from '@kairos/core';
import { PlanEvent, PlanFields, PlanPatch, PlanView } from './plan.events';

export type { BenefitKind, CycleUnit, DurationUnit, PlanBenefit, PlanEvent, PlanFields, PlanPatch, PlanPricing, PlanView, PricingType } from './plan.events';

export type PlanCommand =
  | { type: 'CreatePlan'; id: string; fields: PlanFields }
  | { type: 'UpdatePlan'; patch: PlanPatch; expectedRevision?: number }
  | { type: 'ArchivePlan'; expectedRevision?: number };

export type PlanState = { status: 'none' } | { status: 'ACTIVE' | 'ARCHIVED'; view: PlanView };

/** Rules on the whole plan, after a create or a patch: each pricing type takes only its own fields. */
export const validatePlan = (f: PlanFields): FieldError[] => {
  const errors: FieldError[] = [];
  const { type, cycle, cycleCount, duration, freeTrialDays } = f.pricing;
  const only = (field: string, present: boolean, types: string) => {
    if (present) errors.push({ field: `pricing.${field}`, reason: `only a ${types} plan takes it` });
  };
  if (type === 'SUBSCRIPTION' && !cycle) errors.push({ field: 'pricing.cycle', reason: 'a SUBSCRIPTION needs a cycle' });
  if (type === 'SINGLE_PAYMENT' && !duration) errors.push({ field: 'pricing.duration', reason: 'a SINGLE_PAYMENT plan needs a duration' });
  if (type !== 'SUBSCRIPTION') {
    only('cycle', cycle !== null, 'SUBSCRIPTION');
    only('cycleCount', cycleCount !== null, 'SUBSCRIPTION');
    only('freeTrialDays', freeTrialDays !== 0, 'SUBSCRIPTION');
  }
  if (type !== 'SINGLE_PAYMENT') only('duration', duration !== null, 'SINGLE_PAYMENT');
  if (f.benefit.kind === 'LIMITED' && f.benefit.credits === null) errors.push({ field: 'benefit.credits', reason: 'a LIMITED benefit needs a number of credits' });
  if (f.benefit.kind === 'UNLIMITED' && f.benefit.credits !== null) errors.push({ field: 'benefit.credits', reason: 'an UNLIMITED benefit counts no credits' });
  if (new Set(f.benefit.serviceIds).size !== f.benefit.serviceIds.length) errors.push({ field: 'benefit.serviceIds', reason: 'a service appears twice' });
  if (!IANAZone.isValidZone(f.timeZone)) errors.push({ field: 'timeZone', reason: 'not an IANA time zone' });
  return errors;
};

const ensureValid = (fields: PlanFields) => {
  const errors = validatePlan(fields);
  if (errors.length > 0) throw new DomainError('validation', 'the plan is not valid', errors);
};

export const planFieldsOf = (view: PlanView): PlanFields => {
  const { id: _id, revision: _r, createdAt: _c, updatedAt: _u, archivedAt: _a, ...fields } = view;
  return fields;
};

/** A pricing plan: what a contact buys (a subscription, a package, a membership) and which services it covers. */
export const planDecider: Decider<PlanCommand, PlanState, PlanEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    switch (event.type) {
      case 'plan.created':
        return { status: 'ACTIVE', view: event.data };
      case 'plan.updated':
        return state.status === 'none' ? state : { ...state, view: advance(state.view, event.data.updatedAt, event.data.changes) };
      case 'plan.archived':
        return state.status === 'none' ? state : { status: 'ARCHIVED', view: advance(state.view, event.data.archivedAt, { archivedAt: event.data.archivedAt }) };
      default:
        return assertNever(event);
    }
  },

  decide(command, state, { now }: DecisionContext) {
    const at = now.toISOString();
    switch (command.type) {
      case 'CreatePlan': {
        if (state.status !== 'none') throw alreadyExists('plan', command.id);
        ensureValid(command.fields);
        return [{ type: 'plan.created', data: { id: command.id, revision: 1, createdAt: at, updatedAt: at, ...command.fields, archivedAt: null } }];
      }
      case 'UpdatePlan': {
        const view = requireLive(state, 'ACTIVE', 'plan', 'update');
        checkRevision(command.expectedRevision, view.revision);
        const current = planFieldsOf(view);
        ensureValid({ ...current, ...command.patch });
        const diff = changedFields<PlanPatch>(current, command.patch);
        return hasChanges(diff) ? [{ type: 'plan.updated', data: { id: view.id, ...diff, updatedAt: at } }] : [];
      }
      case 'ArchivePlan': {
        const view = existing(state, 'plan');
        checkRevision(command.expectedRevision, view.revision);
        // Archiving twice asks for what already holds.
        return state.status === 'ARCHIVED' ? [] : [{ type: 'plan.archived', data: { id: view.id, archivedAt: at } }];
      }
      default:
        return assertNever(command);
    }
  },
};
