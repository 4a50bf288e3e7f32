import { ContactEvent } from '@kairos/clients';
import { MemoryReadModels, SYSTEM_TENANT, enveloped } from '@kairos/core';
import { DEFAULT_BOOKING_POLICY } from '@kairos/services';
import { BookedSlot, BookingEvent, BookingView } from './booking/booking';
import { BOOKINGS, BookingDoc, CONTACT_BOOKINGS, HOLD_TIMERS, SEATS, SLOT_HOLDS, WAITLISTS, WAITLIST_ENTRIES, bookingsProjection } from './bookings.projection';
import { SeatsEvent } from './seats/seats';
import { SlotHoldEvent, SlotHoldView } from './slot-hold/slot-hold';
import { WaitlistEvent } from './waitlist/waitlist';

const at = '2026-03-02T08:00:00.000Z';
const inTenant = enveloped({ tenant: 't1', actor: { type: 'BUSINESS' }, occurredAt: at });
const project = (...events: (SeatsEvent | WaitlistEvent | SlotHoldEvent | BookingEvent | ContactEvent)[]) =>
  new MemoryReadModels().project(bookingsProjection, events.map(inTenant));

const slot: BookedSlot = {
  start: '2026-03-09T10:00:00.000Z', end: '2026-03-09T11:00:00.000Z', timeZone: 'Europe/London', resourceIds: ['r1', 'r2'], locationId: null, bufferBeforeMinutes: 0, bufferAfterMinutes: 0,
};
const booking: BookingView = {
  id: 'b1', revision: 1, createdAt: at, updatedAt: at, serviceId: 's1', serviceType: 'APPOINTMENT', slot, sessionId: null, scheduleId: null, appointmentSessionId: null,
  contactId: 'c1', contactDetails: null, partySize: 1, selectedPaymentOption: 'OFFLINE', price: null, planOrderId: null, couponCode: null,
  policySnapshot: DEFAULT_BOOKING_POLICY, priceSnapshot: null, status: 'PENDING', actor: 'CUSTOMER', paymentStatus: 'NOT_PAID', amountPaid: null,
  attendance: { status: 'NOT_SET', attendeeCount: 0 }, cancellation: null, holdsSlot: true,
};
const hold: SlotHoldView = {
  id: 'h1', revision: 1, createdAt: at, updatedAt: at, serviceId: 's1', serviceType: 'APPOINTMENT', slot, sessionId: null, scheduleId: null, appointmentSessionId: null,
  partySize: 1, contactId: 'c1', expiresAt: '2026-03-02T08:10:00.000Z', status: 'ACTIVE', bookingId: null,
};
const entry = { sessionId: 'ses1', entryId: 'e1', contactId: 'c1', at };

describe('bookings projection', () => {
  it('keeps a booking with its resources and start to filter on, through its later events', () => {
    const confirmed: BookingEvent = { type: 'booking.confirmed', data: { id: 'b1', previousStatus: 'PENDING', actor: 'BUSINESS', reason: null, at: '2026-03-03T00:00:00.000Z', holdsSlot: true } };
    const doc = project({ type: 'booking.created', data: booking }, confirmed).get<BookingDoc>(BOOKINGS, 't1', 'b1');
    expect(doc).toEqual({ ...booking, status: 'CONFIRMED', revision: 2, updatedAt: '2026-03-03T00:00:00.000Z', _resourceIds: ['r1', 'r2'], _start: slot.start });
  });

  it("forgets an erased contact's details on its bookings, and only its own", () => {
    const ana = { name: 'Ana', email: 'ana@example.com', phone: null };
    const models = project(
      { type: 'booking.created', data: { ...booking, contactDetails: ana } },
      { type: 'booking.created', data: { ...booking, id: 'b2', contactDetails: ana } },
      { type: 'booking.created', data: { ...booking, id: 'b3', contactId: 'c2', contactDetails: ana } },
      { type: 'contact.deleted', data: { id: 'c1', deletedAt: at } },
    );
    expect(models.all<BookingDoc>(BOOKINGS, 't1').map((b) => [b.id, b.contactId, b.contactDetails])).toEqual([
      ['b1', 'c1', null],
      ['b2', 'c1', null],
      ['b3', 'c2', ana],
    ]);
    expect(models.all(CONTACT_BOOKINGS, 't1')).toEqual([
      { id: 'c1', bookingIds: [], erased: true },
      { id: 'c2', bookingIds: ['b3'] },
    ]);
    expect(project({ type: 'contact.deleted', data: { id: 'c9', deletedAt: at } }).all(BOOKINGS, 't1')).toEqual([]);
  });

  it('keeps no details on a booking of a contact erased before the booking reached it (a booking racing the erasure)', () => {
    const ana = { name: 'Ana', email: 'ana@example.com', phone: null };
    const models = project({ type: 'contact.deleted', data: { id: 'c1', deletedAt: at } }, { type: 'booking.created', data: { ...booking, contactDetails: ana } });
    expect(models.get<BookingDoc>(BOOKINGS, 't1', 'b1')).toMatchObject({ id: 'b1', contactId: 'c1', contactDetails: null });
  });

  it('ignores the later events of a booking it never saw created', () => {
    const confirmed: BookingEvent = { type: 'booking.confirmed', data: { id: 'b9', previousStatus: 'PENDING', actor: 'BUSINESS', reason: null, at, holdsSlot: true } };
    expect(project(confirmed).all(BOOKINGS, 't1')).toEqual([]);
  });

  it('counts the seats taken per offer', () => {
    const models = project(
      { type: 'seats.taken', data: { offerId: 'o1', holderId: 'b1', partySize: 2, capacity: 10 } },
      { type: 'seats.taken', data: { offerId: 'o1', holderId: 'b2', partySize: 3, capacity: 10 } },
      { type: 'seats.released', data: { offerId: 'o1', holderId: 'b1' } },
    );
    expect(models.get(SEATS, 't1', 'o1')).toEqual({ id: 'o1', taken: { b2: 3 }, locks: {}, total: 3 });
  });

  it('keeps an active slot hold’s timer, and drops it once the hold is booked', () => {
    const placed = project({ type: 'slot-hold.placed', data: hold });
    expect(placed.get(HOLD_TIMERS, SYSTEM_TENANT, 't1|h1')).toEqual({ id: 't1|h1', kind: 'hold', tenant: 't1', holdId: 'h1', dueAt: hold.expiresAt });
    const booked = project({ type: 'slot-hold.placed', data: hold }, { type: 'slot-hold.booked', data: { id: 'h1', bookingId: 'b1', at, previousStatus: 'ACTIVE', actor: 'CUSTOMER', reason: null } });
    expect(booked.get(SLOT_HOLDS, 't1', 'h1')).toMatchObject({ status: 'BOOKED', bookingId: 'b1' });
    expect(booked.all(HOLD_TIMERS, SYSTEM_TENANT)).toEqual([]);
  });

  it('keeps a session’s waitlist and each entry, with a timer while an offer is open', () => {
    const joined: WaitlistEvent = {
      type: 'waitlist.joined',
      data: { entryId: 'e1', sessionId: 'ses1', contactId: 'c1', partySize: 1, position: 1, status: 'WAITING', offerExpiresAt: null, bookingId: null, joinedAt: at },
    };
    const offered: WaitlistEvent = { type: 'waitlist.offered', data: { ...entry, offerExpiresAt: '2026-03-02T09:00:00.000Z', partySize: 1 } };
    const accepted: WaitlistEvent = { type: 'waitlist.accepted', data: { ...entry, bookingId: 'b1', offerExpiresAt: '2026-03-02T09:00:00.000Z', previousStatus: 'OFFERED', actor: 'CUSTOMER', reason: null } };

    expect(project(joined).all(HOLD_TIMERS, SYSTEM_TENANT)).toEqual([]);
    const open = project(joined, offered);
    expect(open.get(HOLD_TIMERS, SYSTEM_TENANT, 't1|offer|e1')).toEqual({
      id: 't1|offer|e1', kind: 'offer', tenant: 't1', sessionId: 'ses1', entryId: 'e1', dueAt: '2026-03-02T09:00:00.000Z',
    });
    const done = project(joined, offered, accepted);
    expect(done.all(HOLD_TIMERS, SYSTEM_TENANT)).toEqual([]);
    expect(done.get(WAITLISTS, 't1', 'ses1')).toMatchObject({ id: 'ses1', waiting: 0, entries: [expect.objectContaining({ entryId: 'e1', status: 'ENROLLED' })] });
    expect(done.get(WAITLIST_ENTRIES, 't1', 'e1')).toMatchObject({ id: 'e1', status: 'ENROLLED', bookingId: 'b1' });
  });

  it('leaves resource claims to the command side', () => {
    expect(bookingsProjection.canHandle.some((type) => type.startsWith('resource-claim.'))).toBe(false);
  });
});
