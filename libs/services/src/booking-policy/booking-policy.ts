import {
  DecisionContext,
  Decider,
  DomainError,
  DomainEvent,
  FieldError,
  alreadyExists,
  assertNever,
  changedFields,
  checkRevision,
  hasChanges,
  invalidTransition,
  advance,
  requireLive,
} from '@kairos/core';
import { BookingPolicyEvent, BookingPolicyFields, BookingPolicyPatch, BookingPolicyView } from './booking-policy.events';

export type { BookingPolicyEvent, BookingPolicyFields, BookingPolicyPatch, BookingPolicyView, WaitlistPolicy } from './booking-policy.events';

/** The policy in force where a service names none and the tenant set no default (api.md defaults). */
export const DEFAULT_BOOKING_POLICY: BookingPolicyFields = {
  name: 'Default',
  earliestBookingMinutes: 10080,
  latestBookingMinutes: 1440,
  latestCancelMinutes: 1440,
  latestRescheduleMinutes: 1440,
  bookAfterStart: false,
  waitlist: { capacity: 10, reservationMinutes: 10 },
  maxParticipantsPerBooking: 1,
  autoAssignResources: false,
};

export type BookingPolicyCommand =
  | { type: 'CreateBookingPolicy'; id: string; fields: BookingPolicyFields }
  | { type: 'UpdateBookingPolicy'; patch: BookingPolicyPatch; expectedRevision?: number }
  | { type: 'DeleteBookingPolicy'; expectedRevision?: number; isDefault: boolean }
  | { type: 'MakeDefault'; previousDefaultId: string | null };

export type BookingPolicyState = { status: 'none' } | { status: 'ACTIVE' | 'DELETED'; view: BookingPolicyView };

export const validateBookingPolicy = (p: BookingPolicyFields): FieldError[] => {
  const errors: FieldError[] = [];
  // The reference forbids both: a booking cannot be both "at least N minutes ahead" and "after the start".
  if (p.bookAfterStart && p.latestBookingMinutes !== null) {
    errors.push({ field: 'bookAfterStart', reason: 'needs latestBookingMinutes: null' });
  }
  if (p.earliestBookingMinutes !== null && p.latestBookingMinutes !== null && p.latestBookingMinutes > p.earliestBookingMinutes) {
    errors.push({ field: 'latestBookingMinutes', reason: 'greater than earliestBookingMinutes: no time would be bookable' });
  }
  return errors;
};

const fieldsOf = ({ id: _i, revision: _r, createdAt: _c, updatedAt: _u, deletedAt: _d, ...fields }: BookingPolicyView): BookingPolicyFields =>
  fields;

const ensureValid = (fields: BookingPolicyFields) => {
  const errors = validateBookingPolicy(fields);
  if (errors.length > 0) throw new DomainError('validation', 'the booking policy is not valid', errors);
};

export const bookingPolicyDecider: Decider<BookingPolicyCommand, BookingPolicyState, BookingPolicyEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    switch (event.type) {
      case 'booking-policy.created':
        return { status: 'ACTIVE', view: event.data };
      case 'booking-policy.updated':
        if (state.status === 'none') return state;
        return { ...state, view: advance(state.view, event.data.updatedAt, event.data.changes) };
      case 'booking-policy.deleted':
        if (state.status === 'none') return state;
        return {
          status: 'DELETED',
          view: advance(state.view, event.data.deletedAt, { deletedAt: event.data.deletedAt }),
        };
      case 'booking-policy.default-set':
        if (state.status === 'none') return state;
        return { ...state, view: advance(state.view, event.data.at) };
      default:
        return assertNever(event);
    }
  },

  decide(command, state, { now }: DecisionContext) {
    const at = now.toISOString();
    switch (command.type) {
      case 'CreateBookingPolicy':
        if (state.status !== 'none') throw alreadyExists('booking policy', command.id);
        ensureValid(command.fields);
        return [{ type: 'booking-policy.created', data: { id: command.id, revision: 1, createdAt: at, updatedAt: at, deletedAt: null, ...command.fields } }];
      case 'UpdateBookingPolicy': {
        const view = requireLive(state, 'ACTIVE', 'booking policy', 'update');
        checkRevision(command.expectedRevision, view.revision);
        const current = fieldsOf(view);
        ensureValid({ ...current, ...command.patch });
        const diff = changedFields<BookingPolicyPatch>(current, command.patch);
        return hasChanges(diff) ? [{ type: 'booking-policy.updated', data: { id: view.id, ...diff, updatedAt: at } }] : [];
      }
      case 'DeleteBookingPolicy': {
        const view = requireLive(state, 'ACTIVE', 'booking policy', 'delete');
        checkRevision(command.expectedRevision, view.revision);
        if (command.isDefault) throw invalidTransition('booking policy', 'the default', 'delete; set another default first');
        return [{ type: 'booking-policy.deleted', data: { id: view.id, deletedAt: at } }];
      }
      case 'MakeDefault': {
        // Written to the policy's own stream too, so a concurrent delete of it conflicts instead of deleting the default.
        const view = requireLive(state, 'ACTIVE', 'booking policy', 'become the default');
        return [{ type: 'booking-policy.default-set', data: { id: view.id, previousDefaultId: command.previousDefaultId, at } }];
      }
      default:
        return assertNever(command);
    }
  },
};

/**
 * Which policy is the tenant's default, in a stream of its own so that "set default" and "delete
 * the default" decide on the same fresh fact. Internal: callers see `booking-policy.default-set`.
 */
export type DefaultPolicyEvent = DomainEvent<'booking-policy-default.changed', { policyId: string; previousPolicyId: string | null; at: string }>;

export interface DefaultPolicyState {
  policyId: string | null;
}

export const defaultPolicyDecider: Decider<{ type: 'SetDefaultPolicy'; policyId: string }, DefaultPolicyState, DefaultPolicyEvent> = {
  initialState: () => ({ policyId: null }),
  evolve: (_state, event) => ({ policyId: event.data.policyId }),
  decide(command, state, { now }) {
    if (state.policyId === command.policyId) return [];
    return [{ type: 'booking-policy-default.changed', data: { policyId: command.policyId, previousPolicyId: state.policyId, at: now.toISOString() } }];
  },
};

const stricterMin = (values: (number | null)[]): number | null => {
  const limits = values.filter((v): v is number => v !== null);
  return limits.length > 0 ? Math.min(...limits) : null;
};
const stricterMax = (values: (number | null)[]): number | null => {
  const limits = values.filter((v): v is number => v !== null);
  return limits.length > 0 ? Math.max(...limits) : null;
};

/**
 * The strictest combination of several policies, for a booking that several services' rules apply to:
 * the shortest booking horizon, the longest notice for booking, cancelling and rescheduling, the
 * smallest party and waitlist, and a permission only where every policy grants it.
 */
export const strictestOf = (policies: BookingPolicyFields[]): BookingPolicyFields => {
  if (policies.length === 0) return DEFAULT_BOOKING_POLICY;
  const waitlists = policies.map((p) => p.waitlist);
  const latestBookingMinutes = stricterMax(policies.map((p) => p.latestBookingMinutes));
  return {
    name: `Strictest of ${policies.map((p) => p.name).join(', ')}`,
    earliestBookingMinutes: stricterMin(policies.map((p) => p.earliestBookingMinutes)),
    latestBookingMinutes,
    latestCancelMinutes: stricterMax(policies.map((p) => p.latestCancelMinutes)),
    latestRescheduleMinutes: stricterMax(policies.map((p) => p.latestRescheduleMinutes)),
    bookAfterStart: latestBookingMinutes === null && policies.every((p) => p.bookAfterStart),
    waitlist: waitlists.some((w) => w === null)
      ? null
      : {
          capacity: Math.min(...waitlists.map((w) => w!.capacity)),
          reservationMinutes: Math.min(...waitlists.map((w) => w!.reservationMinutes)),
        },
    maxParticipantsPerBooking: Math.min(...policies.map((p) => p.maxParticipantsPerBooking)),
    autoAssignResources: policies.every((p) => p.autoAssignResources),
  };
};
