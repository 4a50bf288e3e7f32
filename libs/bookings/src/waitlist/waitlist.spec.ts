import { given } from '@kairos/testing';
import { WaitlistCommand, WaitlistEntry, WaitlistEvent, waitingCount, waitlistDecider } from './waitlist';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const T = NOW.toISOString();
const OFFER_ENDS = '2026-03-01T10:10:00.000Z';
const ctx = { now: NOW };
const at = (iso: string) => ({ now: new Date(iso) });

const entry = (entryId: string, contactId: string, partySize: number, position: number): WaitlistEntry => ({
  entryId,
  sessionId: 'ses1',
  contactId,
  partySize,
  position,
  status: 'WAITING',
  offerExpiresAt: null,
  bookingId: null,
  joinedAt: T,
});
const joined = (entryId: string, contactId: string, partySize = 1, position = 1): WaitlistEvent => ({ type: 'waitlist.joined', data: entry(entryId, contactId, partySize, position) });
const ref = (entryId: string, contactId: string, when = T) => ({ sessionId: 'ses1', entryId, contactId, at: when });
const offered = (entryId: string, contactId: string, partySize = 1): WaitlistEvent => ({ type: 'waitlist.offered', data: { ...ref(entryId, contactId), offerExpiresAt: OFFER_ENDS, partySize } });
/** The status an entry left and who moved it: the contact, or the timer for a lapsed offer. */
const change = (previousStatus: 'WAITING' | 'OFFERED', actor: 'CUSTOMER' | 'SYSTEM' = 'CUSTOMER') => ({ previousStatus, actor, reason: null });
const left = (entryId: string, contactId: string): WaitlistEvent => ({ type: 'waitlist.left', data: { ...ref(entryId, contactId), offerExpiresAt: null, ...change('WAITING') } });

const join = (entryId: string, contactId: string, extra: Partial<Extract<WaitlistCommand, { type: 'Join' }>> = {}): WaitlistCommand => ({
  type: 'Join',
  sessionId: 'ses1',
  entryId,
  contactId,
  partySize: 1,
  waitlistCapacity: 2,
  openSpots: 0,
  ...extra,
});
const offerFreed = (freeSeats: number): WaitlistCommand => ({ type: 'OfferFreed', freeSeats, reservationMinutes: 10 });

describe('waitlist decider: Join', () => {
  it('puts a contact at the end of the line', () => {
    given(waitlistDecider, []).when(join('e1', 'c1'), ctx).then([joined('e1', 'c1')]);
    given(waitlistDecider, [joined('e1', 'c1')]).when(join('e2', 'c2', { partySize: 2 }), ctx).then([joined('e2', 'c2', 2, 2)]);
  });

  it('refuses when the waitlist is off', () => {
    given(waitlistDecider, []).when(join('e1', 'c1', { waitlistCapacity: 0 }), ctx).thenThrows('waitlist-unavailable', [{ field: 'sessionId', reason: 'the waitlist is off for this session' }]);
  });

  it('refuses while the party fits in the open spots', () => {
    given(waitlistDecider, []).when(join('e1', 'c1', { openSpots: 1 }), ctx).thenThrows('waitlist-unavailable', [{ field: 'sessionId', reason: 'there are open spots: book instead' }]);
  });

  it('lets a party larger than the open spots wait', () => {
    given(waitlistDecider, []).when(join('e1', 'c1', { openSpots: 1, partySize: 2 }), ctx).then([joined('e1', 'c1', 2)]);
  });

  it('refuses when the line is full, counting offered entries but not those who left', () => {
    given(waitlistDecider, [joined('e1', 'c1'), joined('e2', 'c2', 1, 2), offered('e1', 'c1')])
      .when(join('e3', 'c3'), ctx)
      .thenThrows('waitlist-unavailable', [{ field: 'sessionId', reason: 'the waitlist is full' }]);
    given(waitlistDecider, [joined('e1', 'c1'), joined('e2', 'c2', 1, 2), left('e1', 'c1')])
      .when(join('e3', 'c3'), ctx)
      .thenState({ entries: [{ status: 'LEFT' }, { status: 'WAITING' }, { entryId: 'e3', status: 'WAITING' }] });
  });

  it('refuses a contact already waiting or offered', () => {
    given(waitlistDecider, [joined('e1', 'c1')]).when(join('e2', 'c1'), ctx).thenThrows('waitlist-unavailable', [{ field: 'sessionId', reason: 'the contact is already on the waitlist' }]);
    given(waitlistDecider, [joined('e1', 'c1'), offered('e1', 'c1')]).when(join('e2', 'c1'), ctx).thenThrows('waitlist-unavailable');
  });

  it('never gives two live entries the same position', () => {
    const [e3] = given(waitlistDecider, [joined('e1', 'c1'), joined('e2', 'c2', 1, 2), left('e1', 'c1')]).when(join('e3', 'c3', { waitlistCapacity: 5 }), ctx)();
    expect(e3.type === 'waitlist.joined' && e3.data.position).not.toBe(2);
  });

  it('lets a contact who left join again', () => {
    given(waitlistDecider, [joined('e1', 'c1'), left('e1', 'c1')]).when(join('e2', 'c1'), ctx).then([joined('e2', 'c1', 1, 2)]);
  });
});

describe('waitlist decider: OfferFreed', () => {
  const line = [joined('e1', 'c1', 2, 1), joined('e2', 'c2', 1, 2), joined('e3', 'c3', 1, 3)];

  it('offers freed seats first come, first offered, for the reservation window', () => {
    given(waitlistDecider, line).when(offerFreed(3), ctx).then([offered('e1', 'c1', 2), offered('e2', 'c2')]);
    given(waitlistDecider, line)
      .when(offerFreed(3), ctx)
      .thenState({ entries: [{ status: 'OFFERED', offerExpiresAt: OFFER_ENDS }, { status: 'OFFERED', offerExpiresAt: OFFER_ENDS }, { status: 'WAITING', offerExpiresAt: null }] });
  });

  it('skips a party that does not fit and offers the next that does', () => {
    given(waitlistDecider, line).when(offerFreed(1), ctx).then([offered('e2', 'c2')]);
  });

  it('offers nothing without free seats, and never twice to an offered entry', () => {
    given(waitlistDecider, line).when(offerFreed(0), ctx).thenNothing();
    given(waitlistDecider, [joined('e1', 'c1'), offered('e1', 'c1')]).when(offerFreed(1), ctx).thenNothing();
  });

  it('skips entries that left', () => {
    given(waitlistDecider, [...line, left('e1', 'c1')]).when(offerFreed(2), ctx).then([offered('e2', 'c2'), offered('e3', 'c3')]);
  });
});

describe('waitlist decider: Accept', () => {
  const accept = (contactId = 'c1'): WaitlistCommand => ({ type: 'Accept', entryId: 'e1', contactId, bookingId: 'b1', actor: 'CUSTOMER' });
  const offer = [joined('e1', 'c1'), offered('e1', 'c1')];

  it('enrolls the offered contact with their booking', () => {
    given(waitlistDecider, offer).when(accept(), ctx).then([{ type: 'waitlist.accepted', data: { ...ref('e1', 'c1'), bookingId: 'b1', offerExpiresAt: OFFER_ENDS, ...change('OFFERED') } }]);
    given(waitlistDecider, offer).when(accept(), ctx).thenState({ entries: [{ status: 'ENROLLED', bookingId: 'b1' }] });
  });

  it("refuses another contact's offer", () => {
    given(waitlistDecider, offer).when(accept('c2'), ctx).thenThrows('forbidden');
  });

  it('refuses an entry that was not offered or is closed', () => {
    given(waitlistDecider, [joined('e1', 'c1')]).when(accept(), ctx).thenThrows('invalid-transition');
    given(waitlistDecider, [...offer, left('e1', 'c1')]).when(accept(), ctx).thenThrows('invalid-transition');
  });

  it('refuses a lapsed offer, from its expiry on', () => {
    given(waitlistDecider, offer).when(accept(), at(OFFER_ENDS)).thenThrows('offer-expired', [{ field: 'entryId', reason: 'offer expired' }]);
    given(waitlistDecider, offer).when(accept(), at('2026-03-01T10:09:59.999Z')).thenState({ entries: [{ status: 'ENROLLED' }] });
  });

  it('knows no entry that never joined', () => {
    given(waitlistDecider, []).when(accept(), ctx).thenThrows('not-found');
  });
});

describe('waitlist decider: Expire', () => {
  const offer = [joined('e1', 'c1'), offered('e1', 'c1')];
  const expire: WaitlistCommand = { type: 'Expire', entryId: 'e1', actor: 'SYSTEM' };

  it('expires a lapsed offer', () => {
    given(waitlistDecider, offer)
      .when(expire, at(OFFER_ENDS))
      .then([{ type: 'waitlist.offer-expired', data: { ...ref('e1', 'c1', OFFER_ENDS), offerExpiresAt: OFFER_ENDS, ...change('OFFERED', 'SYSTEM') } }]);
    given(waitlistDecider, offer).when(expire, at(OFFER_ENDS)).thenState({ entries: [{ status: 'EXPIRED' }] });
  });

  it('records nothing before the offer lapses or for an entry not offered', () => {
    given(waitlistDecider, offer).when(expire, ctx).thenNothing();
    given(waitlistDecider, [joined('e1', 'c1')]).when(expire, at(OFFER_ENDS)).thenNothing();
  });

  it('knows no entry that never joined', () => {
    given(waitlistDecider, []).when(expire, ctx).thenThrows('not-found');
  });
});

describe('waitlist decider: Leave', () => {
  const leave: WaitlistCommand = { type: 'Leave', entryId: 'e1', actor: 'CUSTOMER' };

  it('lets a waiting or offered contact leave', () => {
    given(waitlistDecider, [joined('e1', 'c1')]).when(leave, ctx).then([left('e1', 'c1')]);
    given(waitlistDecider, [joined('e1', 'c1'), offered('e1', 'c1')])
      .when(leave, ctx)
      .then([{ type: 'waitlist.left', data: { ...ref('e1', 'c1'), offerExpiresAt: OFFER_ENDS, ...change('OFFERED') } }]);
  });

  it('records nothing for an entry already closed', () => {
    given(waitlistDecider, [joined('e1', 'c1'), left('e1', 'c1')]).when(leave, ctx).thenNothing();
    given(waitlistDecider, [joined('e1', 'c1'), offered('e1', 'c1'), { type: 'waitlist.accepted', data: { ...ref('e1', 'c1'), bookingId: 'b1', offerExpiresAt: OFFER_ENDS, ...change('OFFERED') } }])
      .when(leave, ctx)
      .thenNothing();
  });

  it('knows no entry that never joined', () => {
    given(waitlistDecider, []).when(leave, ctx).thenThrows('not-found');
  });
});

describe('waitingCount', () => {
  it('counts the waiting and the offered, not the closed', () => {
    const state = given(waitlistDecider, [joined('e1', 'c1'), joined('e2', 'c2', 1, 2), joined('e3', 'c3', 1, 3), offered('e2', 'c2'), left('e3', 'c3')]).state();
    expect(waitingCount(state)).toBe(2);
  });
});
