import { ContactEvent } from '@kairos/clients';
import { DocumentLookup, DocumentWrite, ProjectedEvent, ProjectionDefinition, SYSTEM_TENANT, deleteDoc, eventTypesOf, everyType, isOneOf, putDoc } from '@kairos/core';
import { bookingEvents } from './booking/booking.events';
import { slotHoldEvents } from './slot-hold/slot-hold.events';
import { waitlistEvents } from './waitlist/waitlist.events';
import { BookingEvent, BookingState, BookingView, bookingDecider } from './booking/booking';
import { SeatsEvent, seatsDecider } from './seats/seats';
import { SlotHoldEvent, SlotHoldView, slotHoldDecider } from './slot-hold/slot-hold';
import { WaitlistEntry, WaitlistEvent, waitingCount, waitlistDecider } from './waitlist/waitlist';

interface SeatsDoc {
  id: string;
  taken: Record<string, number>;
  locks: Record<string, { contactId: string; partySize: number; until: number }>;
  total: number;
  closed?: boolean;
}

export const BOOKINGS = 'bookings';
/** Seats taken per class session or course, for availability's open spots. */
export const SEATS = 'seats';
export const SLOT_HOLDS = 'slot_holds';
/**
 * Durable timers: one document per active hold, under a system tenant so one query finds every
 * tenant's due holds. Removed when the hold ends, whoever ends it.
 */
export const HOLD_TIMERS = 'hold_timers';
/** A session's waitlist, FIFO, and each entry's session for addressing entries by id. */
export const WAITLISTS = 'waitlists';
export const WAITLIST_ENTRIES = 'waitlist_entries';
/**
 * Per contact, the ids of its bookings: what to scrub of its details when the contact is erased.
 * An erased contact's document stays, marked, so a booking that raced the erasure and comes after it keeps no details either.
 */
export const CONTACT_BOOKINGS = 'contact_bookings';

interface ContactBookingsDoc {
  id: string;
  bookingIds: string[];
  erased?: true;
}

type ContactErased = Extract<ContactEvent, { type: 'contact.deleted' }>;

export interface BookingDoc extends BookingView {
  _resourceIds: string[];
  _start: string;
}

const seatsDocs = (event: ProjectedEvent<SeatsEvent>, documents: DocumentLookup): DocumentWrite[] => {
  const tenant = event.metadata.tenant;
  const { offerId } = event.data;
  const doc = documents.get<SeatsDoc>(SEATS, tenant, offerId) ?? { id: offerId, taken: {}, locks: {}, total: 0 };
  const state = seatsDecider.evolve({ taken: new Map(Object.entries(doc.taken)), locks: new Map(Object.entries(doc.locks ?? {})), closed: doc.closed }, event);
  const taken = Object.fromEntries(state.taken);
  const total = Object.values(taken).reduce((a, b) => a + b, 0);
  return [putDoc(SEATS, tenant, { id: offerId, taken, locks: Object.fromEntries(state.locks), total, ...(state.closed ? { closed: true } : {}) })];
};

const waitlistDocs = (event: ProjectedEvent<WaitlistEvent>, documents: DocumentLookup): DocumentWrite[] => {
  const tenant = event.metadata.tenant;
  const { sessionId, entryId } = event.data;
  const doc = documents.get<{ id: string; entries: WaitlistEntry[] }>(WAITLISTS, tenant, sessionId) ?? { id: sessionId, entries: [] };
  const state = waitlistDecider.evolve({ entries: doc.entries }, event);
  const timer = `${tenant}|offer|${entryId}`;
  return [
    putDoc(WAITLISTS, tenant, { id: sessionId, entries: state.entries, waiting: waitingCount(state) }),
    putDoc(WAITLIST_ENTRIES, tenant, { ...state.entries.find((e) => e.entryId === entryId)!, id: entryId }),
    ...(event.type === 'waitlist.offered'
      ? [putDoc(HOLD_TIMERS, SYSTEM_TENANT, { id: timer, kind: 'offer', tenant, sessionId, entryId, dueAt: event.data.offerExpiresAt })]
      : event.type === 'waitlist.joined'
        ? []
        : [deleteDoc(HOLD_TIMERS, SYSTEM_TENANT, timer)]),
  ];
};

const slotHoldDocs = (event: ProjectedEvent<SlotHoldEvent>, documents: DocumentLookup): DocumentWrite[] => {
  const tenant = event.metadata.tenant;
  const id = event.data.id;
  const current = event.type === 'slot-hold.placed' ? null : documents.get<SlotHoldView>(SLOT_HOLDS, tenant, id);
  const next = slotHoldDecider.evolve(current ? { status: 'exists', view: current } : { status: 'none' }, event);
  if (next.status !== 'exists') return [];
  const timer = `${tenant}|${id}`;
  return [
    putDoc(SLOT_HOLDS, tenant, { ...next.view }),
    next.view.status === 'ACTIVE'
      ? putDoc(HOLD_TIMERS, SYSTEM_TENANT, { id: timer, kind: 'hold', tenant, holdId: id, dueAt: next.view.expiresAt })
      : deleteDoc(HOLD_TIMERS, SYSTEM_TENANT, timer),
  ];
};

const bookingDocs = (event: ProjectedEvent<BookingEvent>, documents: DocumentLookup): DocumentWrite[] => {
  const tenant = event.metadata.tenant;
  const current = event.type === 'booking.created' ? null : documents.get<BookingDoc>(BOOKINGS, tenant, event.data.id);
  const state: BookingState = current ? { status: 'exists', view: current } : { status: 'none' };
  const next = bookingDecider.evolve(state, event);
  if (next.status === 'none') return [];
  const { _resourceIds: _r, _start: _s, ...view } = next.view as BookingDoc;
  // The rest is a fresh copy, ours to extend; a literal adding keys after a spread costs V8 a runtime call per key.
  const doc = Object.assign(view, { _resourceIds: view.slot.resourceIds, _start: view.slot.start });
  if (event.type !== 'booking.created' || view.contactId === null) return [putDoc(BOOKINGS, tenant, doc)];
  const index = documents.get<ContactBookingsDoc>(CONTACT_BOOKINGS, tenant, view.contactId) ?? { id: view.contactId, bookingIds: [] };
  if (index.erased) return [putDoc(BOOKINGS, tenant, { ...doc, contactDetails: null })];
  return [putDoc(BOOKINGS, tenant, doc), putDoc(CONTACT_BOOKINGS, tenant, { id: index.id, bookingIds: [...index.bookingIds, view.id] })];
};

/** An erased contact's bookings stay for the business's records, without the contact's details. */
const scrubbedBookings = (event: ProjectedEvent<ContactErased>, documents: DocumentLookup): DocumentWrite[] => {
  const tenant = event.metadata.tenant;
  const bookingIds = documents.get<ContactBookingsDoc>(CONTACT_BOOKINGS, tenant, event.data.id)?.bookingIds ?? [];
  const scrubbed = bookingIds.flatMap((id) => {
    const doc = documents.get<BookingDoc>(BOOKINGS, tenant, id);
    return doc ? [putDoc(BOOKINGS, tenant, { ...doc, contactDetails: null })] : [];
  });
  return [...scrubbed, putDoc(CONTACT_BOOKINGS, tenant, { id: event.data.id, bookingIds: [], erased: true } satisfies ContactBookingsDoc)];
};

// The published aggregates' types come from their event declarations; seats are internal and declare none.
const SEATS_TYPES = everyType<SeatsEvent>({ 'seats.taken': true, 'seats.released': true, 'seats.locked': true, 'seats.unlocked': true, 'seats.closed': true });
const WAITLIST_TYPES = eventTypesOf(waitlistEvents);
const SLOT_HOLD_TYPES = eventTypesOf(slotHoldEvents);

/** Bookings by id, filterable by contact, service, resource, status and start (an erased contact's without its details); seats, slot holds, waitlists and their timers. */
export const bookingsProjection: ProjectionDefinition<SeatsEvent | WaitlistEvent | SlotHoldEvent | BookingEvent | ContactErased> = {
  name: 'bookings',
  collections: [BOOKINGS, SEATS, SLOT_HOLDS, HOLD_TIMERS, WAITLISTS, WAITLIST_ENTRIES, CONTACT_BOOKINGS],
  canHandle: [...SEATS_TYPES, ...WAITLIST_TYPES, ...SLOT_HOLD_TYPES, ...eventTypesOf(bookingEvents), 'contact.deleted'],
  evolve(event, documents) {
    if (event.type === 'contact.deleted') return scrubbedBookings(event, documents);
    if (isOneOf<SeatsEvent>(SEATS_TYPES)(event)) return seatsDocs(event, documents);
    if (isOneOf<WaitlistEvent>(WAITLIST_TYPES)(event)) return waitlistDocs(event, documents);
    if (isOneOf<SlotHoldEvent>(SLOT_HOLD_TYPES)(event)) return slotHoldDocs(event, documents);
    return bookingDocs(event, documents);
  },
};
