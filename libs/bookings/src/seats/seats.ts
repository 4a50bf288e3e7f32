import { DecisionContext, Decider, DomainError, DomainEvent, assertNever, streamId } from '@kairos/core';

/**
 * The seats of one class session or course, in a stream of their own: the write-time guard of
 * api.md invariants 2 and 3. Every booking that takes seats appends here with the revision it read,
 * and so does every waitlist offer that locks seats for one contact.
 */
export type SeatsEvent =
  | DomainEvent<'seats.taken', { offerId: string; holderId: string; partySize: number; capacity: number }>
  | DomainEvent<'seats.released', { offerId: string; holderId: string }>
  | DomainEvent<'seats.locked', { offerId: string; entryId: string; contactId: string; partySize: number; until: string }>
  | DomainEvent<'seats.unlocked', { offerId: string; entryId: string }>
  | DomainEvent<'seats.closed', { offerId: string }>;

export interface SeatLock {
  contactId: string;
  partySize: number;
  until: number;
}

export type SeatsCommand =
  | { type: 'Take'; offerId: string; holderId: string; partySize: number; capacity: number; contactId?: string; entryId?: string }
  | { type: 'Release'; offerId: string; holderId: string }
  | { type: 'Lock'; offerId: string; entryId: string; contactId: string; partySize: number; capacity: number; until: Date }
  | { type: 'Unlock'; offerId: string; entryId: string }
  | { type: 'Close'; offerId: string };

export interface SeatsState {
  taken: Map<string, number>;
  locks: Map<string, SeatLock>;
  /** The session or course was canceled: nothing more is taken or offered here. */
  closed?: boolean;
}

export const seatsTaken = (state: SeatsState) => [...state.taken.values()].reduce((a, b) => a + b, 0);

/** Seats under a waitlist offer that has not lapsed, except the one `entryId` is accepting. */
export const seatsLocked = (state: SeatsState, now: Date, except?: string) =>
  [...state.locks.entries()].filter(([id, l]) => id !== except && l.until > now.getTime()).reduce((sum, [, l]) => sum + l.partySize, 0);

const closed = () => new DomainError('invalid-transition', 'the session is canceled', [{ field: 'sessionId', reason: 'canceled' }]);

export const seatsDecider: Decider<SeatsCommand, SeatsState, SeatsEvent> = {
  initialState: () => ({ taken: new Map(), locks: new Map() }),
  evolve(state, event) {
    const taken = new Map(state.taken);
    const locks = new Map(state.locks);
    switch (event.type) {
      case 'seats.taken':
        taken.set(event.data.holderId, event.data.partySize);
        break;
      case 'seats.released':
        taken.delete(event.data.holderId);
        break;
      case 'seats.locked':
        locks.set(event.data.entryId, { contactId: event.data.contactId, partySize: event.data.partySize, until: Date.parse(event.data.until) });
        break;
      case 'seats.unlocked':
        locks.delete(event.data.entryId);
        break;
      case 'seats.closed':
        return { taken, locks, closed: true };
      default:
        return assertNever(event);
    }
    return { taken, locks, ...(state.closed ? { closed: true } : {}) };
  },
  decide(command, state, { now }: DecisionContext) {
    switch (command.type) {
      case 'Take': {
        if (state.closed) throw closed();
        const mine = state.taken.get(command.holderId) ?? 0;
        const booked = seatsTaken(state) - mine;
        const accepting = command.entryId !== undefined && state.locks.get(command.entryId)?.contactId === command.contactId ? command.entryId : undefined;
        const locked = seatsLocked(state, now, accepting);
        if (booked + command.partySize > command.capacity) {
          throw new DomainError('capacity-exceeded', `only ${Math.max(0, command.capacity - booked)} of ${command.capacity} seats are left`, [
            { field: 'partySize', reason: 'more than the open spots' },
          ]);
        }
        if (booked + locked + command.partySize > command.capacity) {
          throw new DomainError('slot-locked', 'the open spots are offered to someone on the waitlist', [{ field: 'sessionId', reason: 'locked for a waitlist offer' }]);
        }
        const events: SeatsEvent[] = accepting ? [{ type: 'seats.unlocked', data: { offerId: command.offerId, entryId: accepting } }] : [];
        if (mine !== command.partySize) {
          events.push({ type: 'seats.taken', data: { offerId: command.offerId, holderId: command.holderId, partySize: command.partySize, capacity: command.capacity } });
        }
        return events;
      }
      case 'Release':
        if (!state.taken.has(command.holderId)) return [];
        return [{ type: 'seats.released', data: { offerId: command.offerId, holderId: command.holderId } }];
      case 'Lock': {
        if (state.closed) throw closed();
        if (seatsTaken(state) + seatsLocked(state, now, command.entryId) + command.partySize > command.capacity) {
          throw new DomainError('capacity-exceeded', 'no free seats to offer');
        }
        return [{ type: 'seats.locked', data: { offerId: command.offerId, entryId: command.entryId, contactId: command.contactId, partySize: command.partySize, until: command.until.toISOString() } }];
      }
      case 'Unlock':
        return state.locks.has(command.entryId) ? [{ type: 'seats.unlocked', data: { offerId: command.offerId, entryId: command.entryId } }] : [];
      case 'Close':
        return state.closed ? [] : [{ type: 'seats.closed', data: { offerId: command.offerId } }];
      default:
        return assertNever(command);
    }
  },
};

export const seatsStream = (tenant: string, offerId: string) => streamId('seats', tenant, offerId);
