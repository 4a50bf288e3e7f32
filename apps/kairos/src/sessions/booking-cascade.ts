import { Inject, Injectable } from '@nestjs/common';
import {
  BOOKINGS,
  OPEN_STATUSES,
  WAITLIST_ENTRIES,
  WaitlistEntry,
  bookingDecider,
  bookingStream,
  cascadeCancellation,
  offerOf,
  planOrdersOf,
  seatsDecider,
  seatsStream,
  waitlistDecider,
  waitlistStream,
} from '@kairos/bookings';
import { ActorType } from '@kairos/core';
import { planOrderDecider, planOrderStream } from '@kairos/memberships';
import { FieldFilter, ReadStore, findAll } from '@kairos/read-store';
import { StreamEvents, StreamReader, streamOf } from '../infrastructure/command-handling';
import { READ_STORE } from '../infrastructure/tokens';
import { couponReleasesOf } from '../memberships/coupon-use';

/** What a session or schedule cancellation cancels with it: the class session instances and the course it ends. */
export interface CanceledPlaces {
  /** Class session instances that are certainly canceled: their seats close even when nothing is booked yet. */
  sessionIds: string[];
  /** Further instances canceled with a series: only those the read model shows something on. */
  seriesInstanceIds?: string[];
  /** A course's schedule. */
  courseId?: string;
}

export interface Cascade {
  appends: StreamEvents[];
  /** Every booking canceled. */
  canceledBookingIds: string[];
  /** The bookings canceled on each class session instance or course. */
  canceledOn: (offerIds: string[]) => string[];
}

const open = { in: OPEN_STATUSES as string[] };

/**
 * Cancels what stands on canceled class sessions and courses, in the same append as their
 * cancellation. Candidates come from the read model (bookings and waitlist entries of those
 * instances) and from the seats streams themselves; every booking, seats and waitlist stream is
 * then read through the attempt, so the append expects what the decision saw.
 *
 * The guard against a booking made meanwhile is the seats stream of each place: a booking (or a
 * waitlist offer) takes seats by appending to it with the revision it read, and this command
 * always appends to it too (at least `seats.closed`). Whichever commits second loses on that
 * revision and runs again: a booking then finds the session canceled, a cancellation then finds
 * the booking and cancels it. A closed seats stream refuses seats for good, so even a draft that
 * slipped past the read model can never be confirmed onto the canceled session. Instances of a
 * series that the read model shows nothing on are not closed (a long series would mean hundreds
 * of streams): a booking racing the series cancellation on such an instance is refused only by
 * the session's state it reads, so one made in the same instant may stand; cancel it on its own.
 */
@Injectable()
export class BookingCascade {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async cancel(reader: StreamReader, tenant: string, places: CanceledPlaces, context: { now: Date; actor: ActorType; reason: string }): Promise<Cascade> {
    const sessionIds = [...new Set([...places.sessionIds, ...(places.seriesInstanceIds ?? [])])];
    const query = (collection: string, where: Record<string, FieldFilter>) => findAll<{ id: string; sessionId?: string | null }>(this.readStore, collection, tenant, where);
    const [onSessions, waiting, onCourse] = await Promise.all([
      sessionIds.length > 0 ? query(BOOKINGS, { sessionId: { in: sessionIds }, status: open }) : [],
      sessionIds.length > 0 ? query(WAITLIST_ENTRIES, { sessionId: { in: sessionIds }, status: { in: ['WAITING', 'OFFERED'] satisfies WaitlistEntry['status'][] } }) : [],
      places.courseId ? query(BOOKINGS, { scheduleId: places.courseId, serviceType: 'COURSE', status: open }) : [],
    ]);
    const shown = new Set([...onSessions, ...waiting].map((doc) => doc.sessionId!));
    const classIds = [...new Set([...places.sessionIds, ...sessionIds.filter((id) => shown.has(id))])];
    const offerIds = [...classIds, ...(places.courseId ? [places.courseId] : [])];
    const seats = offerIds.map((offerId) => streamOf(seatsStream(tenant, offerId), seatsDecider));
    const waitlists = classIds.map((offerId) => streamOf(waitlistStream(tenant, offerId), waitlistDecider));
    // Asked for together, the streams are read with one statement (SqlEventStore.readStream).
    const [seatStates, waitlistStates] = await Promise.all([Promise.all(seats.map((s) => reader.read(s))), Promise.all(waitlists.map((s) => reader.read(s)))]);
    const holders = seatStates.flatMap((state) => [...state.taken.keys()]);
    const bookingIds = [...new Set([...onSessions, ...onCourse].map((doc) => doc.id).concat(holders))];
    const bookings = bookingIds.map((id) => streamOf(bookingStream(tenant, id), bookingDecider));
    const bookingStates = await Promise.all(bookings.map((s) => reader.read(s)));
    // Read through the attempt, so credits given back are appended with the order's revision.
    const orderIds = planOrdersOf(bookingStates);
    const orderStates = await Promise.all(orderIds.map((id) => reader.read(streamOf(planOrderStream(tenant, id), planOrderDecider))));
    const decided = cascadeCancellation(
      offerIds.map((offerId, i) => ({ offerId, seats: seatStates[i], waitlist: i < classIds.length ? waitlistStates[i] : null })),
      bookingStates,
      context,
      new Map(orderIds.map((id, i) => [id, orderStates[i]])),
    );
    const canceled = new Set(decided.canceledBookingIds);
    const couponReleases = await couponReleasesOf(reader, tenant, bookingStates.flatMap((s) => (s.status !== 'none' && canceled.has(s.view.id) ? [s.view] : [])), context.now);
    const offerOfBooking = new Map(bookingStates.flatMap((s) => (s.status === 'none' ? [] : [[s.view.id, offerOf(s)] as const])));
    return {
      appends: [
        ...decided.bookings.map((b) => ({ streamId: bookingStream(tenant, b.id), events: b.events })),
        ...decided.seats.map((s) => ({ streamId: seatsStream(tenant, s.offerId), events: s.events })),
        ...decided.waitlists.map((w) => ({ streamId: waitlistStream(tenant, w.offerId), events: w.events })),
        ...decided.orders.map((o) => ({ streamId: planOrderStream(tenant, o.orderId), events: o.events })),
        ...couponReleases,
      ],
      canceledBookingIds: decided.canceledBookingIds,
      canceledOn: (ids) => decided.canceledBookingIds.filter((id) => ids.includes(offerOfBooking.get(id) ?? '')),
    };
  }
}
