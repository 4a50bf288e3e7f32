import { given } from '@kairos/testing';
import { SlotHoldCommand, SlotHoldEvent, slotHoldDecider } from './slot-hold';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const T = NOW.toISOString();
const EXPIRES = '2026-03-01T10:05:00.000Z';
const ctx = { now: NOW };
const at = (iso: string) => ({ now: new Date(iso) });

const hold: Extract<SlotHoldCommand, { type: 'PlaceHold' }>['hold'] = {
  id: 'h1',
  serviceId: 's1',
  serviceType: 'APPOINTMENT',
  slot: { start: '2026-03-04T10:00:00.000Z', end: '2026-03-04T10:30:00.000Z', timeZone: 'Europe/Lisbon', resourceIds: ['r1'], locationId: null, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 },
  sessionId: null,
  scheduleId: null,
  appointmentSessionId: null,
  partySize: 1,
  contactId: 'c1',
};
const placed: SlotHoldEvent = { type: 'slot-hold.placed', data: { ...hold, revision: 1, createdAt: T, updatedAt: T, expiresAt: EXPIRES, status: 'ACTIVE', bookingId: null } };
// Each ending says the status it left and who ended the hold: the caller, or the timer for an expiry.
const released: SlotHoldEvent = { type: 'slot-hold.released', data: { id: 'h1', at: T, previousStatus: 'ACTIVE', actor: 'CUSTOMER', reason: null } };
const expired: SlotHoldEvent = { type: 'slot-hold.expired', data: { id: 'h1', at: EXPIRES, previousStatus: 'ACTIVE', actor: 'SYSTEM', reason: null } };
const booked: SlotHoldEvent = { type: 'slot-hold.booked', data: { id: 'h1', bookingId: 'b1', at: T, previousStatus: 'ACTIVE', actor: 'CUSTOMER', reason: null } };

describe('slot hold decider: PlaceHold', () => {
  it('places an ACTIVE hold that expires after the given minutes', () => {
    given(slotHoldDecider, []).when({ type: 'PlaceHold', hold, minutes: 5 }, ctx).then([placed]);
  });

  it('refuses to place the same hold twice', () => {
    given(slotHoldDecider, [placed]).when({ type: 'PlaceHold', hold, minutes: 5 }, ctx).thenThrows('already-exists', [{ field: 'id', reason: 'taken' }]);
  });
});

describe('slot hold decider: ReleaseHold', () => {
  it('releases an ACTIVE hold', () => {
    given(slotHoldDecider, [placed]).when({ type: 'ReleaseHold', actor: 'CUSTOMER' }, ctx).then([released]);
    given(slotHoldDecider, [placed]).when({ type: 'ReleaseHold', actor: 'CUSTOMER' }, ctx).thenState({ view: { status: 'RELEASED', revision: 2, updatedAt: T } });
  });

  it('records nothing for a hold that is no longer ACTIVE', () => {
    for (const ended of [released, expired, booked]) given(slotHoldDecider, [placed, ended]).when({ type: 'ReleaseHold', actor: 'CUSTOMER' }, ctx).thenNothing();
  });

  it('knows no hold that was never placed', () => {
    given(slotHoldDecider, []).when({ type: 'ReleaseHold', actor: 'CUSTOMER' }, ctx).thenThrows('not-found', [{ field: 'holdId', reason: 'no such hold' }]);
  });
});

describe('slot hold decider: ExpireHold', () => {
  it('expires an ACTIVE hold from its expiry on', () => {
    given(slotHoldDecider, [placed]).when({ type: 'ExpireHold', actor: 'SYSTEM' }, at(EXPIRES)).then([expired]);
    given(slotHoldDecider, [placed]).when({ type: 'ExpireHold', actor: 'SYSTEM' }, at(EXPIRES)).thenState({ view: { status: 'EXPIRED', revision: 2, updatedAt: EXPIRES } });
  });

  it('records nothing before the expiry, which a late timer may not anticipate', () => {
    given(slotHoldDecider, [placed]).when({ type: 'ExpireHold', actor: 'SYSTEM' }, at('2026-03-01T10:04:59.999Z')).thenNothing();
  });

  it('records nothing for a hold already booked or released', () => {
    given(slotHoldDecider, [placed, booked]).when({ type: 'ExpireHold', actor: 'SYSTEM' }, at(EXPIRES)).thenNothing();
    given(slotHoldDecider, [placed, released]).when({ type: 'ExpireHold', actor: 'SYSTEM' }, at(EXPIRES)).thenNothing();
  });

  it('knows no hold that was never placed', () => {
    given(slotHoldDecider, []).when({ type: 'ExpireHold', actor: 'SYSTEM' }, ctx).thenThrows('not-found');
  });
});

describe('slot hold decider: BookHold', () => {
  it('turns an ACTIVE hold into its booking', () => {
    given(slotHoldDecider, [placed]).when({ type: 'BookHold', bookingId: 'b1', contactId: 'c1', actor: 'CUSTOMER' }, ctx).then([booked]);
    given(slotHoldDecider, [placed]).when({ type: 'BookHold', bookingId: 'b1', contactId: 'c1', actor: 'CUSTOMER' }, ctx).thenState({ view: { status: 'BOOKED', bookingId: 'b1', revision: 2 } });
  });

  it('refuses a hold past its expiry even before the timer expired it', () => {
    given(slotHoldDecider, [placed]).when({ type: 'BookHold', bookingId: 'b1', contactId: 'c1', actor: 'CUSTOMER' }, at(EXPIRES)).thenThrows('invalid-transition', [{ field: 'holdId', reason: 'not active' }]);
  });

  it('refuses a hold released, expired or already booked', () => {
    for (const ended of [released, expired, booked]) {
      given(slotHoldDecider, [placed, ended]).when({ type: 'BookHold', bookingId: 'b2', contactId: 'c1', actor: 'CUSTOMER' }, ctx).thenThrows('invalid-transition');
    }
  });

  it("refuses another contact's hold", () => {
    given(slotHoldDecider, [placed]).when({ type: 'BookHold', bookingId: 'b1', contactId: 'c2', actor: 'CUSTOMER' }, ctx).thenThrows('forbidden');
  });

  it('knows no hold that was never placed', () => {
    given(slotHoldDecider, []).when({ type: 'BookHold', bookingId: 'b1', contactId: 'c1', actor: 'CUSTOMER' }, ctx).thenThrows('not-found');
  });
});

describe('slot hold decider: evolve', () => {
  it('ignores events of a hold it never saw placed', () => {
    given(slotHoldDecider, [released]).when({ type: 'ReleaseHold', actor: 'CUSTOMER' }, ctx).thenThrows('not-found');
  });
});
