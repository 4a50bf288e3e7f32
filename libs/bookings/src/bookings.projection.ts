import { RecordedEvent } from '@kairos/core';
import { Projection } from '@kairos/projections';
import { ReadModelWriter } from '@kairos/read-store';
import { BookingEvent, BookingState, BookingView, bookingDecider } from './booking/booking';
import { SlotHoldEvent, SlotHoldView, slotHoldDecider } from './slot-hold/slot-hold';

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

export interface BookingDoc extends BookingView {
  _resourceIds: string[];
  _start: string;
}

/** Bookings by id, filterable by contact, service, resource, status and start. */
export const bookingsProjection: Projection = {
  name: 'bookings',
  collections: [BOOKINGS, SEATS, SLOT_HOLDS, HOLD_TIMERS],
  async apply(event: RecordedEvent, writer: ReadModelWriter) {
    if (event.type.startsWith('seats.')) {
      const { offerId, holderId, partySize } = event.data as { offerId: string; holderId: string; partySize?: number };
      const doc = (await writer.get<{ id: string; taken: Record<string, number> }>(SEATS, event.metadata.tenant, offerId)) ?? { id: offerId, taken: {} };
      const taken = { ...doc.taken };
      if (event.type === 'seats.taken') taken[holderId] = partySize!;
      else delete taken[holderId];
      await writer.put(SEATS, event.metadata.tenant, { id: offerId, taken, total: Object.values(taken).reduce((a, b) => a + b, 0) });
      return;
    }
    if (event.type.startsWith('slot-hold.')) {
      const tenant = event.metadata.tenant;
      const id = (event.data as { id: string }).id;
      const current = event.type === 'slot-hold.placed' ? null : await writer.get<SlotHoldView>(SLOT_HOLDS, tenant, id);
      const next = slotHoldDecider.evolve(current ? { status: 'exists', view: current } : { status: 'none' }, { type: event.type, data: event.data } as SlotHoldEvent);
      if (next.status !== 'exists') return;
      await writer.put(SLOT_HOLDS, tenant, { ...next.view });
      const timer = `${tenant}|${id}`;
      if (next.view.status === 'ACTIVE') await writer.put(HOLD_TIMERS, SYSTEM_TENANT, { id: timer, tenant, holdId: id, dueAt: next.view.expiresAt });
      else await writer.delete(HOLD_TIMERS, SYSTEM_TENANT, timer);
      return;
    }
    if (!event.type.startsWith('booking.')) return;
    const tenant = event.metadata.tenant;
    const id = (event.data as { id: string }).id;
    const current = event.type === 'booking.created' ? null : await writer.get<BookingDoc>(BOOKINGS, tenant, id);
    const state: BookingState = current ? { status: 'exists', view: current } : { status: 'none' };
    const next = bookingDecider.evolve(state, { type: event.type, data: event.data } as BookingEvent);
    if (next.status === 'none') return;
    const { _resourceIds: _r, _start: _s, ...view } = next.view as BookingDoc;
    await writer.put(BOOKINGS, tenant, { ...view, _resourceIds: view.slot.resourceIds, _start: view.slot.start });
  },
};
