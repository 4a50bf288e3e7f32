import { ActorType, DecisionContext, Decider, DomainError, alreadyExists, assertNever, streamId } from '@kairos/core';
import { SlotHoldEvent, SlotHoldView } from './slot-hold.events';

export type { SlotHoldEvent, SlotHoldView } from './slot-hold.events';

/**
 * A checkout's hold on a slot: it takes the slot's resources or seats like a booking does, for a
 * few minutes, and gives them back when booked, released or expired. Expiry is an event appended
 * by a timer that reads due holds from the read model, so it survives restarts.
 */
export type SlotHoldCommand =
  | { type: 'PlaceHold'; hold: Omit<SlotHoldView, 'revision' | 'createdAt' | 'updatedAt' | 'status' | 'bookingId' | 'expiresAt'>; minutes: number }
  | { type: 'ReleaseHold'; actor: ActorType }
  | { type: 'ExpireHold'; actor: ActorType }
  | { type: 'BookHold'; bookingId: string; contactId: string; actor: ActorType };

export type SlotHoldState = { status: 'none' } | { status: 'exists'; view: SlotHoldView };

const hold = (state: SlotHoldState): SlotHoldView => {
  if (state.status === 'none') throw new DomainError('not-found', 'slot hold does not exist', [{ field: 'holdId', reason: 'no such hold' }]);
  return state.view;
};

export const slotHoldDecider: Decider<SlotHoldCommand, SlotHoldState, SlotHoldEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve(state, event) {
    if (event.type === 'slot-hold.placed') return { status: 'exists', view: event.data };
    if (state.status === 'none') return state;
    const v = { ...state.view, revision: state.view.revision + 1, updatedAt: event.data.at };
    switch (event.type) {
      case 'slot-hold.released':
        return { status: 'exists', view: { ...v, status: 'RELEASED' } };
      case 'slot-hold.expired':
        return { status: 'exists', view: { ...v, status: 'EXPIRED' } };
      case 'slot-hold.booked':
        return { status: 'exists', view: { ...v, status: 'BOOKED', bookingId: event.data.bookingId } };
      default:
        return assertNever(event);
    }
  },
  decide(command, state, { now }: DecisionContext) {
    const at = now.toISOString();
    // A hold only ever leaves ACTIVE; no command gives a reason.
    const change = (actor: ActorType) => ({ previousStatus: 'ACTIVE' as const, actor, reason: null });
    switch (command.type) {
      case 'PlaceHold': {
        if (state.status !== 'none') throw alreadyExists('slot hold', command.hold.id);
        const expiresAt = new Date(now.getTime() + command.minutes * 60_000).toISOString();
        return [{ type: 'slot-hold.placed', data: { ...command.hold, revision: 1, createdAt: at, updatedAt: at, expiresAt, status: 'ACTIVE', bookingId: null } }];
      }
      case 'ReleaseHold': {
        const v = hold(state);
        return v.status === 'ACTIVE' ? [{ type: 'slot-hold.released', data: { id: v.id, at, ...change(command.actor) } }] : [];
      }
      case 'ExpireHold': {
        const v = hold(state);
        return v.status === 'ACTIVE' && Date.parse(v.expiresAt) <= now.getTime() ? [{ type: 'slot-hold.expired', data: { id: v.id, at, ...change(command.actor) } }] : [];
      }
      case 'BookHold': {
        const v = hold(state);
        if (v.status !== 'ACTIVE' || Date.parse(v.expiresAt) <= now.getTime()) {
          throw new DomainError('invalid-transition', 'the slot hold has expired or was released', [{ field: 'holdId', reason: 'not active' }]);
        }
        if (v.contactId !== command.contactId) throw new DomainError('forbidden', 'the slot hold belongs to another contact');
        return [{ type: 'slot-hold.booked', data: { id: v.id, bookingId: command.bookingId, at, ...change(command.actor) } }];
      }
      default:
        return assertNever(command);
    }
  },
};

export const slotHoldStream = (tenant: string, id: string) => streamId('slot-hold', tenant, id);
