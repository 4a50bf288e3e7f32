import { RecordedEvent } from '@kairos/core';
import { Projection } from '@kairos/projections';
import { ReadModelWriter } from '@kairos/read-store';
import { BookingEvent, BookingState, BookingView, bookingDecider } from './booking/booking';
import { SeatsEvent, seatsDecider } from './seats/seats';
import { SlotHoldEvent, SlotHoldView, slotHoldDecider } from './slot-hold/slot-hold';
import { WaitlistEntry, WaitlistEvent, waitingCount, waitlistDecider } from './waitlist/waitlist';

interface SeatsDoc {
  id: string;
  taken: Record<string, number>;
  locks: Record<string, { contactId: string; partySize: number; until: number }>;
  total: number;
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
export const SYSTEM_TENANT = '_system';
/** A session's waitlist, FIFO, and each entry's session for addressing entries by id. */
export const WAITLISTS = 'waitlists';
export const WAITLIST_ENTRIES = 'waitlist_entries';

export interface BookingDoc extends BookingView {
  _resourceIds: string[];
  _start: string;
}

/** Bookings by id, filterable by contact, service, resource, status and start. */
export const bookingsProjection: Projection = {
  name: 'bookings',
  collections: [BOOKINGS, SEATS, SLOT_HOLDS, HOLD_TIMERS, WAITLISTS, WAITLIST_ENTRIES],
  async apply(event: RecordedEvent, writer: ReadModelWriter) {
    const tenant = event.metadata.tenant;
    if (event.type.startsWith('seats.')) {
      const { offerId } = event.data as { offerId: string };
      const doc = (await writer.get<SeatsDoc>(SEATS, tenant, offerId)) ?? { id: offerId, taken: {}, locks: {}, total: 0 };
      const state = seatsDecider.evolve(
        { taken: new Map(Object.entries(doc.taken)), locks: new Map(Object.entries(doc.locks ?? {})) },
        { type: event.type, data: event.data } as SeatsEvent,
      );
      const taken = Object.fromEntries(state.taken);
      await writer.put(SEATS, tenant, { id: offerId, taken, locks: Object.fromEntries(state.locks), total: Object.values(taken).reduce((a, b) => a + b, 0) });
      return;
    }
    if (event.type.startsWith('waitlist.')) {
      const { sessionId, entryId } = event.data as { sessionId: string; entryId: string };
      const doc = (await writer.get<{ id: string; entries: WaitlistEntry[] }>(WAITLISTS, tenant, sessionId)) ?? { id: sessionId, entries: [] };
      const state = waitlistDecider.evolve({ entries: doc.entries }, { type: event.type, data: event.data } as WaitlistEvent);
      await writer.put(WAITLISTS, tenant, { id: sessionId, entries: state.entries, waiting: waitingCount(state) });
      await writer.put(WAITLIST_ENTRIES, tenant, { ...state.entries.find((e) => e.entryId === entryId)!, id: entryId });
      const timer = `${tenant}|offer|${entryId}`;
      if (event.type === 'waitlist.offered') {
        await writer.put(HOLD_TIMERS, SYSTEM_TENANT, { id: timer, kind: 'offer', tenant, sessionId, entryId, dueAt: (event.data as { offerExpiresAt: string }).offerExpiresAt });
      } else if (event.type !== 'waitlist.joined') {
        await writer.delete(HOLD_TIMERS, SYSTEM_TENANT, timer);
      }
      return;
    }
    if (event.type.startsWith('slot-hold.')) {
      const id = (event.data as { id: string }).id;
      const current = event.type === 'slot-hold.placed' ? null : await writer.get<SlotHoldView>(SLOT_HOLDS, tenant, id);
      const next = slotHoldDecider.evolve(current ? { status: 'exists', view: current } : { status: 'none' }, { type: event.type, data: event.data } as SlotHoldEvent);
      if (next.status !== 'exists') return;
      await writer.put(SLOT_HOLDS, tenant, { ...next.view });
      const timer = `${tenant}|${id}`;
      if (next.view.status === 'ACTIVE') await writer.put(HOLD_TIMERS, SYSTEM_TENANT, { id: timer, kind: 'hold', tenant, holdId: id, dueAt: next.view.expiresAt });
      else await writer.delete(HOLD_TIMERS, SYSTEM_TENANT, timer);
      return;
    }
    if (!event.type.startsWith('booking.')) return;
    const id = (event.data as { id: string }).id;
    const current = event.type === 'booking.created' ? null : await writer.get<BookingDoc>(BOOKINGS, tenant, id);
    const state: BookingState = current ? { status: 'exists', view: current } : { status: 'none' };
    const next = bookingDecider.evolve(state, { type: event.type, data: event.data } as BookingEvent);
    if (next.status === 'none') return;
    const { _resourceIds: _r, _start: _s, ...view } = next.view as BookingDoc;
    await writer.put(BOOKINGS, tenant, { ...view, _resourceIds: view.slot.resourceIds, _start: view.slot.start });
  },
};
