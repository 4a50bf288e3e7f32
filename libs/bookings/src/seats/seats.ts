import { Decider, DomainError, DomainEvent, assertNever } from '@kairos/core';

/**
 * The seats of one class session or course, in a stream of their own: the write-time guard of
 * api.md invariant 2. Every booking that takes seats appends here with the revision it read.
 */
export type SeatsEvent =
  | DomainEvent<'seats.taken', { offerId: string; holderId: string; partySize: number; capacity: number }>
  | DomainEvent<'seats.released', { offerId: string; holderId: string }>;

export type SeatsCommand =
  | { type: 'Take'; offerId: string; holderId: string; partySize: number; capacity: number }
  | { type: 'Release'; offerId: string; holderId: string };

export interface SeatsState {
  taken: Map<string, number>;
}

export const seatsTaken = (state: SeatsState) => [...state.taken.values()].reduce((a, b) => a + b, 0);

export const seatsDecider: Decider<SeatsCommand, SeatsState, SeatsEvent> = {
  initialState: () => ({ taken: new Map() }),
  evolve(state, event) {
    const taken = new Map(state.taken);
    switch (event.type) {
      case 'seats.taken':
        taken.set(event.data.holderId, event.data.partySize);
        return { taken };
      case 'seats.released':
        taken.delete(event.data.holderId);
        return { taken };
      default:
        return assertNever(event);
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'Take': {
        const others = seatsTaken(state) - (state.taken.get(command.holderId) ?? 0);
        if (others + command.partySize > command.capacity) {
          throw new DomainError('capacity-exceeded', `only ${Math.max(0, command.capacity - others)} of ${command.capacity} seats are left`, [
            { field: 'partySize', reason: 'more than the open spots' },
          ]);
        }
        if (state.taken.get(command.holderId) === command.partySize) return [];
        return [{ type: 'seats.taken', data: { offerId: command.offerId, holderId: command.holderId, partySize: command.partySize, capacity: command.capacity } }];
      }
      case 'Release':
        if (!state.taken.has(command.holderId)) return [];
        return [{ type: 'seats.released', data: { offerId: command.offerId, holderId: command.holderId } }];
      default:
        return assertNever(command);
    }
  },
};

export const seatsStream = (tenant: string, offerId: string) => `seats:${tenant}:${offerId}`;
