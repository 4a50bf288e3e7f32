import {
  DecisionContext,
  Decider,
  DomainError,
  FieldError,
  alreadyExists,
  assertNever,
  changedFields,
  checkRevision,
  hasChanges,
  advance,
  requireLive,
} from '@kairos/core';
import { ServiceEvent, ServiceFields, ServicePatch, ServiceView } from './service.events';

export type { LocationType, Money, RateType, ResourceGroup, ServiceEvent, ServiceFields, ServicePatch, ServiceType, ServiceView } from './service.events';

export type ServiceCommand =
  | { type: 'CreateService'; id: string; scheduleId: string; timeZone: string; fields: ServiceFields }
  | { type: 'UpdateService'; patch: ServicePatch; expectedRevision?: number }
  | { type: 'DeleteService'; expectedRevision?: number };

export interface ServiceContext extends DecisionContext {
  /** Whether CONFIRMED or PENDING bookings of this service start after `now`. */
  hasFutureBookings?: boolean;
}

export type ServiceState = { status: 'none' } | { status: 'ACTIVE' | 'DELETED'; view: ServiceView };

/** Rules on the whole set of fields, after a create or a patch is applied. */
export const validateService = (f: ServiceFields): FieldError[] => {
  const errors: FieldError[] = [];
  if (f.type === 'APPOINTMENT' && f.sessionDurations.length === 0) {
    errors.push({ field: 'sessionDurations', reason: 'an appointment needs at least one duration' });
  }
  if (new Set(f.sessionDurations).size !== f.sessionDurations.length) {
    errors.push({ field: 'sessionDurations', reason: 'durations must be distinct' });
  }
  f.resourceGroups.forEach((group, i) => {
    if (group.requiredCount > group.resourceIds.length) {
      errors.push({ field: `resourceGroups[${i}].requiredCount`, reason: 'more than the resources in the group' });
    }
    if (new Set(group.resourceIds).size !== group.resourceIds.length) {
      errors.push({ field: `resourceGroups[${i}].resourceIds`, reason: 'a resource appears twice' });
    }
  });
  const { rateType, price, deposit } = f.payment;
  if (rateType === 'FIXED' && !price) errors.push({ field: 'payment.price', reason: 'a FIXED rate needs a price' });
  if (rateType === 'NO_FEE' && (price || deposit)) errors.push({ field: 'payment', reason: 'NO_FEE takes no price or deposit' });
  if (price && deposit) {
    if (price.currency !== deposit.currency) errors.push({ field: 'payment.deposit.currency', reason: 'differs from the price currency' });
    else if (Number(deposit.amount) > Number(price.amount)) errors.push({ field: 'payment.deposit.amount', reason: 'exceeds the price' });
  }
  f.locations.forEach((location, i) => {
    if (location.type !== 'CUSTOMER' && !location.id) errors.push({ field: `locations[${i}].id`, reason: `a ${location.type} location needs an id` });
  });
  return errors;
};

const ensureValid = (fields: ServiceFields) => {
  const errors = validateService(fields);
  if (errors.length > 0) throw new DomainError('validation', 'the service is not valid', errors);
};

const fieldsOf = (view: ServiceView): ServiceFields => {
  const { id: _id, revision: _r, createdAt: _c, updatedAt: _u, scheduleId: _s, timeZone: _t, deletedAt: _d, ...fields } = view;
  return fields;
};

export const serviceDecider: Decider<ServiceCommand, ServiceState, ServiceEvent, ServiceContext> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    switch (event.type) {
      case 'service.created':
        return { status: 'ACTIVE', view: event.data };
      case 'service.updated':
        if (state.status === 'none') return state;
        return {
          ...state,
          view: advance(state.view, event.data.updatedAt, event.data.changes),
        };
      case 'service.deleted':
        if (state.status === 'none') return state;
        return {
          status: 'DELETED',
          view: advance(state.view, event.data.deletedAt, { deletedAt: event.data.deletedAt }),
        };
      default:
        return assertNever(event);
    }
  },

  decide(command, state, { now, hasFutureBookings }) {
    const at = now.toISOString();
    switch (command.type) {
      case 'CreateService': {
        if (state.status !== 'none') throw alreadyExists('service', command.id);
        ensureValid(command.fields);
        return [
          {
            type: 'service.created',
            data: {
              id: command.id,
              revision: 1,
              createdAt: at,
              updatedAt: at,
              scheduleId: command.scheduleId,
              timeZone: command.timeZone,
              deletedAt: null,
              ...command.fields,
            },
          },
        ];
      }
      case 'UpdateService': {
        const view = requireLive(state, 'ACTIVE', 'service', 'update');
        checkRevision(command.expectedRevision, view.revision);
        const current = fieldsOf(view);
        ensureValid({ ...current, ...command.patch });
        const diff = changedFields<ServicePatch>(current, command.patch);
        if (!hasChanges(diff)) return [];
        return [{ type: 'service.updated', data: { id: view.id, ...diff, updatedAt: at } }];
      }
      case 'DeleteService': {
        const view = requireLive(state, 'ACTIVE', 'service', 'delete');
        checkRevision(command.expectedRevision, view.revision);
        if (hasFutureBookings) {
          throw new DomainError('has-future-bookings', 'the service has future CONFIRMED or PENDING bookings; cancel them first');
        }
        return [{ type: 'service.deleted', data: { id: view.id, deletedAt: at } }];
      }
      default:
        return assertNever(command);
    }
  },
};

