import { BookingStatus, BookingView } from '@kairos/bookings';
import { calendarUid } from '@kairos/calendars';
import { FeedEntry, FeedStatus } from './ics-writer';
import { MAX_FEED_ENTRIES } from './resource-feed';

const STATUS: Record<BookingStatus, FeedStatus> = {
  CONFIRMED: 'CONFIRMED',
  PENDING: 'TENTATIVE',
  CREATED: 'TENTATIVE',
  WAITING_LIST: 'TENTATIVE',
  CANCELED: 'CANCELLED',
  DECLINED: 'CANCELLED',
};

/**
 * One VEVENT per booking, with the UID and SEQUENCE its emails' invitations carry, so a calendar
 * that got both keeps one entry. The latest slots first up to the cap.
 */
export const contactEntries = (bookings: BookingView[], serviceName: (serviceId: string) => string | null, bookingSequence: (bookingId: string) => number): FeedEntry[] =>
  [...bookings]
    .sort((a, b) => (a.slot.start > b.slot.start ? -1 : a.slot.start < b.slot.start ? 1 : 0))
    .slice(0, MAX_FEED_ENTRIES)
    .map((booking) => ({
      uid: calendarUid(booking.id),
      sequence: bookingSequence(booking.id),
      status: STATUS[booking.status],
      summary: serviceName(booking.serviceId) ?? 'Booking',
      start: new Date(booking.slot.start),
      end: new Date(booking.slot.end),
      timeZone: booking.slot.timeZone,
      changedAt: new Date(booking.updatedAt),
    }))
    .reverse();
