import { given } from '@kairos/testing';
import { SeatsCommand, SeatsEvent, seatsDecider, seatsLocked, seatsTaken } from './seats';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const IN_TEN_MINUTES = new Date('2026-03-01T10:10:00.000Z');
const ctx = { now: NOW };

const taken = (holderId: string, partySize: number, capacity = 4): SeatsEvent => ({ type: 'seats.taken', data: { offerId: 'ses1', holderId, partySize, capacity } });
const locked = (entryId: string, contactId: string, partySize: number, until = IN_TEN_MINUTES): SeatsEvent => ({
  type: 'seats.locked',
  data: { offerId: 'ses1', entryId, contactId, partySize, until: until.toISOString() },
});
const take = (holderId: string, partySize: number, extra: Partial<Extract<SeatsCommand, { type: 'Take' }>> = {}): SeatsCommand => ({ type: 'Take', offerId: 'ses1', holderId, partySize, capacity: 4, ...extra });
const lock = (entryId: string, contactId: string, partySize: number): SeatsCommand => ({ type: 'Lock', offerId: 'ses1', entryId, contactId, partySize, capacity: 4, until: IN_TEN_MINUTES });

describe('seats decider: Take', () => {
  it('takes seats while they are free', () => {
    given(seatsDecider, []).when(take('b1', 2), ctx).then([taken('b1', 2)]);
    given(seatsDecider, [taken('b1', 2)]).when(take('b2', 2), ctx).then([taken('b2', 2)]);
  });

  it('refuses more seats than are left, naming how many are', () => {
    given(seatsDecider, [taken('b1', 3)])
      .when(take('b2', 2), ctx)
      .thenThrows((e) => e instanceof Error && (e as { code?: string }).code === 'capacity-exceeded' && e.message === 'only 1 of 4 seats are left');
    given(seatsDecider, [taken('b1', 4)]).when(take('b2', 1), ctx).thenThrows('capacity-exceeded', [{ field: 'partySize', reason: 'more than the open spots' }]);
  });

  it('never says fewer than no seats are left when the capacity shrank', () => {
    given(seatsDecider, [taken('b1', 4)]).when(take('b2', 1, { capacity: 2 }), ctx).thenThrows((e) => e instanceof Error && e.message === 'only 0 of 2 seats are left');
  });

  it("counts a holder's own seats as theirs when it changes its party", () => {
    given(seatsDecider, [taken('b1', 3)]).when(take('b1', 4), ctx).then([taken('b1', 4)]);
    given(seatsDecider, [taken('b1', 3)]).when(take('b1', 1), ctx).thenState({ taken: new Map([['b1', 1]]) });
  });

  it('records nothing when the holder already has exactly that party', () => {
    given(seatsDecider, [taken('b1', 2)]).when(take('b1', 2), ctx).thenNothing();
  });

  it('refuses seats locked for a waitlist offer', () => {
    given(seatsDecider, [taken('b1', 2), locked('e1', 'c9', 2)]).when(take('b2', 1), ctx).thenThrows('slot-locked', [{ field: 'sessionId', reason: 'locked for a waitlist offer' }]);
  });

  it('frees a lock once it lapses', () => {
    given(seatsDecider, [taken('b1', 2), locked('e1', 'c9', 2)]).when(take('b2', 2), { now: IN_TEN_MINUTES }).then([taken('b2', 2)]);
  });

  it('lets the offered contact take the locked seats, and unlocks them in the same decision', () => {
    given(seatsDecider, [taken('b1', 2), locked('e1', 'c9', 2)])
      .when(take('b2', 2, { entryId: 'e1', contactId: 'c9' }), ctx)
      .then([{ type: 'seats.unlocked', data: { offerId: 'ses1', entryId: 'e1' } }, taken('b2', 2)]);
    given(seatsDecider, [taken('b1', 2), locked('e1', 'c9', 2)])
      .when(take('b2', 2, { entryId: 'e1', contactId: 'c9' }), ctx)
      .thenState({ taken: new Map([['b1', 2], ['b2', 2]]), locks: new Map() });
  });

  it('does not let another contact accept an offer', () => {
    given(seatsDecider, [taken('b1', 2), locked('e1', 'c9', 2)]).when(take('b2', 2, { entryId: 'e1', contactId: 'c1' }), ctx).thenThrows('slot-locked');
  });

  it('judges capacity before the locks: a full session is capacity-exceeded even with locks', () => {
    given(seatsDecider, [taken('b1', 3), locked('e1', 'c9', 1)]).when(take('b2', 2), ctx).thenThrows('capacity-exceeded');
  });
});

describe('seats decider: Release', () => {
  it("releases a holder's seats", () => {
    given(seatsDecider, [taken('b1', 2)]).when({ type: 'Release', offerId: 'ses1', holderId: 'b1' }, ctx).then([{ type: 'seats.released', data: { offerId: 'ses1', holderId: 'b1' } }]);
    given(seatsDecider, [taken('b1', 2), taken('b2', 1)]).when({ type: 'Release', offerId: 'ses1', holderId: 'b1' }, ctx).thenState({ taken: new Map([['b2', 1]]) });
  });

  it('records nothing for a holder with no seats', () => {
    given(seatsDecider, [taken('b1', 2)]).when({ type: 'Release', offerId: 'ses1', holderId: 'b2' }, ctx).thenNothing();
  });
});

describe('seats decider: Lock and Unlock', () => {
  it('locks free seats for an offered contact until the offer lapses', () => {
    given(seatsDecider, [taken('b1', 2)]).when(lock('e1', 'c9', 2), ctx).then([locked('e1', 'c9', 2)]);
    given(seatsDecider, [taken('b1', 2)]).when(lock('e1', 'c9', 2), ctx).thenState({ locks: new Map([['e1', { contactId: 'c9', partySize: 2, until: IN_TEN_MINUTES.getTime() }]]) });
  });

  it('refuses to lock seats that are taken or locked for someone else', () => {
    given(seatsDecider, [taken('b1', 3)]).when(lock('e1', 'c9', 2), ctx).thenThrows('capacity-exceeded');
    given(seatsDecider, [taken('b1', 2), locked('e1', 'c9', 2)]).when(lock('e2', 'c8', 1), ctx).thenThrows('capacity-exceeded');
  });

  it('renews an entry\'s own lock without counting it twice, and ignores lapsed locks', () => {
    given(seatsDecider, [taken('b1', 2), locked('e1', 'c9', 2)]).when(lock('e1', 'c9', 2), ctx).then([locked('e1', 'c9', 2)]);
    given(seatsDecider, [taken('b1', 2), locked('e1', 'c9', 2, NOW)]).when(lock('e2', 'c8', 2), ctx).then([locked('e2', 'c8', 2)]);
  });

  it('unlocks a lock, and records nothing for an unknown one', () => {
    given(seatsDecider, [locked('e1', 'c9', 2)]).when({ type: 'Unlock', offerId: 'ses1', entryId: 'e1' }, ctx).then([{ type: 'seats.unlocked', data: { offerId: 'ses1', entryId: 'e1' } }]);
    given(seatsDecider, [locked('e1', 'c9', 2)]).when({ type: 'Unlock', offerId: 'ses1', entryId: 'e1' }, ctx).thenState({ locks: new Map() });
    given(seatsDecider, []).when({ type: 'Unlock', offerId: 'ses1', entryId: 'e1' }, ctx).thenNothing();
  });
});

describe('seatsTaken and seatsLocked', () => {
  const state = given(seatsDecider, [taken('b1', 2), taken('b2', 1), locked('e1', 'c9', 1), locked('e2', 'c8', 2, NOW)]).state();

  it('sums the seats of every holder', () => {
    expect(seatsTaken(state)).toBe(3);
  });

  it('sums the live locks, leaving out the one being accepted', () => {
    expect(seatsLocked(state, NOW)).toBe(1);
    expect(seatsLocked(state, NOW, 'e1')).toBe(0);
    expect(seatsLocked(state, new Date(NOW.getTime() - 1))).toBe(3);
  });
});

describe('seats decider: Close', () => {
  const closed: SeatsEvent = { type: 'seats.closed', data: { offerId: 'ses1' } };

  it('closes the seats of a canceled session once', () => {
    given(seatsDecider, [taken('b1', 2)]).when({ type: 'Close', offerId: 'ses1' }, ctx).then([closed]);
    given(seatsDecider, [closed]).when({ type: 'Close', offerId: 'ses1' }, ctx).thenNothing();
  });

  it('refuses taking or offering seats once closed', () => {
    given(seatsDecider, [closed]).when(take('b1', 1), ctx).thenThrows('invalid-transition');
    given(seatsDecider, [closed]).when(lock('e1', 'c9', 1), ctx).thenThrows('invalid-transition');
  });

  it('still gives seats back once closed', () => {
    given(seatsDecider, [taken('b1', 2), closed]).when({ type: 'Release', offerId: 'ses1', holderId: 'b1' }, ctx).thenState({ taken: new Map(), closed: true });
  });
});
