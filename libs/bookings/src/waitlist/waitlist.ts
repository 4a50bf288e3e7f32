import { ActorType, DecisionContext, Decider, DomainError, assertNever, streamId } from '@kairos/core';
import { EntryRef, WaitlistEntry, WaitlistEvent } from './waitlist.events';

export type { EntryStatus, WaitlistEntry, WaitlistEvent } from './waitlist.events';

/**
 * A class session's waitlist (api.md §Waitlist): first come, first offered. An offer locks the
 * freed seats for the offered contact (in the session's seats stream) for the policy's reservation
 * window; they accept (a booking), or the offer lapses and the next that fits is offered.
 */
export type WaitlistCommand =
  | { type: 'Join'; sessionId: string; entryId: string; contactId: string; partySize: number; waitlistCapacity: number; openSpots: number }
  | { type: 'OfferFreed'; freeSeats: number; reservationMinutes: number }
  | { type: 'Accept'; entryId: string; contactId: string; bookingId: string; actor: ActorType }
  | { type: 'Expire'; entryId: string; actor: ActorType }
  | { type: 'Leave'; entryId: string; actor: ActorType };

export interface WaitlistState {
  entries: WaitlistEntry[];
}

const unavailable = (detail: string) => new DomainError('waitlist-unavailable', detail, [{ field: 'sessionId', reason: detail }]);

const entry = (state: WaitlistState, entryId: string) => {
  const found = state.entries.find((e) => e.entryId === entryId);
  if (!found) throw new DomainError('not-found', `waitlist entry ${entryId} does not exist`);
  return found;
};

const ref = (e: WaitlistEntry, at: string): EntryRef => ({ sessionId: e.sessionId, entryId: e.entryId, contactId: e.contactId, at });
/** The status an entry leaves, and who moved it; no command gives a reason. */
const change = (e: WaitlistEntry, actor: ActorType) => ({ previousStatus: e.status, actor, reason: null });

export const waitingCount = (state: WaitlistState) => state.entries.filter((e) => e.status === 'WAITING' || e.status === 'OFFERED').length;

export const waitlistDecider: Decider<WaitlistCommand, WaitlistState, WaitlistEvent> = {
  initialState: () => ({ entries: [] }),
  evolve(state, event) {
    if (event.type === 'waitlist.joined') return { entries: [...state.entries, event.data] };
    const update = (patch: Partial<WaitlistEntry>) => ({ entries: state.entries.map((e) => (e.entryId === event.data.entryId ? { ...e, ...patch } : e)) });
    switch (event.type) {
      case 'waitlist.offered':
        return update({ status: 'OFFERED', offerExpiresAt: event.data.offerExpiresAt });
      case 'waitlist.accepted':
        return update({ status: 'ENROLLED', bookingId: event.data.bookingId });
      case 'waitlist.offer-expired':
        return update({ status: 'EXPIRED' });
      case 'waitlist.left':
        return update({ status: 'LEFT' });
      default:
        return assertNever(event);
    }
  },
  decide(command, state, { now }: DecisionContext) {
    const at = now.toISOString();
    switch (command.type) {
      case 'Join': {
        if (command.waitlistCapacity <= 0) throw unavailable('the waitlist is off for this session');
        if (command.openSpots >= command.partySize) throw unavailable('there are open spots: book instead');
        if (waitingCount(state) >= command.waitlistCapacity) throw unavailable('the waitlist is full');
        if (state.entries.some((e) => e.contactId === command.contactId && (e.status === 'WAITING' || e.status === 'OFFERED'))) {
          throw unavailable('the contact is already on the waitlist');
        }
        // Join order, never reused: entries keep their number, so counting those still waiting would
        // hand a newcomer the number of an entry ahead once someone before it left.
        const position = Math.max(0, ...state.entries.map((e) => e.position)) + 1;
        return [
          {
            type: 'waitlist.joined',
            data: { entryId: command.entryId, sessionId: command.sessionId, contactId: command.contactId, partySize: command.partySize, position, status: 'WAITING', offerExpiresAt: null, bookingId: null, joinedAt: at },
          },
        ];
      }
      case 'OfferFreed': {
        let free = command.freeSeats;
        const offers: WaitlistEvent[] = [];
        for (const e of state.entries) {
          if (e.status !== 'WAITING' || e.partySize > free) continue;
          const offerExpiresAt = new Date(now.getTime() + command.reservationMinutes * 60_000).toISOString();
          offers.push({ type: 'waitlist.offered', data: { ...ref(e, at), offerExpiresAt, partySize: e.partySize } });
          free -= e.partySize;
        }
        return offers;
      }
      case 'Accept': {
        const e = entry(state, command.entryId);
        if (e.contactId !== command.contactId) throw new DomainError('forbidden', 'the offer is for another contact');
        if (e.status !== 'OFFERED') throw new DomainError('invalid-transition', `waitlist entry is ${e.status}; cannot accept`);
        if (Date.parse(e.offerExpiresAt!) <= now.getTime()) throw new DomainError('offer-expired', 'the offer lapsed', [{ field: 'entryId', reason: 'offer expired' }]);
        return [{ type: 'waitlist.accepted', data: { ...ref(e, at), bookingId: command.bookingId, offerExpiresAt: e.offerExpiresAt, ...change(e, command.actor) } }];
      }
      case 'Expire': {
        const e = entry(state, command.entryId);
        if (e.status !== 'OFFERED' || Date.parse(e.offerExpiresAt!) > now.getTime()) return [];
        return [{ type: 'waitlist.offer-expired', data: { ...ref(e, at), offerExpiresAt: e.offerExpiresAt, ...change(e, command.actor) } }];
      }
      case 'Leave': {
        const e = entry(state, command.entryId);
        if (e.status !== 'WAITING' && e.status !== 'OFFERED') return [];
        return [{ type: 'waitlist.left', data: { ...ref(e, at), offerExpiresAt: e.offerExpiresAt, ...change(e, command.actor) } }];
      }
      default:
        return assertNever(command);
    }
  },
};

export const waitlistStream = (tenant: string, sessionId: string) => streamId('waitlist', tenant, sessionId);
