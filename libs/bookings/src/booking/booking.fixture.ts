import { DEFAULT_BOOKING_POLICY } from '@kairos/services';
import { BookedSlot, BookingContext, BookingEvent, BookingFields, BookingView, bookingDecider } from './booking';

/** One booking's facts for the decider's specs: fixed instants, fixed ids, the default policy. */
export const NOW = new Date('2026-03-01T10:00:00.000Z');
export const T = NOW.toISOString();
export const HOUR = 60 * 60 * 1000;
export const hoursFromNow = (hours: number) => new Date(NOW.getTime() + hours * HOUR).toISOString();

export const slotAt = (hoursAhead: number, minutes = 30): BookedSlot => ({
  start: hoursFromNow(hoursAhead),
  end: new Date(NOW.getTime() + hoursAhead * HOUR + minutes * 60_000).toISOString(),
  timeZone: 'Europe/Lisbon',
  resourceIds: ['r1'],
  locationId: 'l1',
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 10,
});

/** Three days ahead: inside the default policy's windows (book 1–7 days ahead, cancel and reschedule up to 1 day before). */
export const SLOT = slotAt(72);

export const fieldsOf = (overrides: Partial<BookingFields> = {}): BookingFields => ({
  serviceId: 's1',
  serviceType: 'APPOINTMENT',
  slot: SLOT,
  sessionId: null,
  scheduleId: 'sch1',
  appointmentSessionId: 'as1',
  contactId: 'c1',
  contactDetails: { name: 'Ana', email: 'ana@example.com', phone: null },
  partySize: 1,
  selectedPaymentOption: 'OFFLINE',
  price: { amount: '25.00', currency: 'EUR' },
  planOrderId: null,
  couponCode: null,
  policySnapshot: DEFAULT_BOOKING_POLICY,
  priceSnapshot: null,
  ...overrides,
});

export const customer: BookingContext = { now: NOW, actor: 'CUSTOMER', onlineBookingEnabled: true };
export const business: BookingContext = { now: NOW, actor: 'BUSINESS' };
export const overriding: BookingContext = { now: NOW, actor: 'BUSINESS', ignorePolicy: true };

/** The booking `b1` as created at NOW: CONFIRMED by default, CREATED with `draft`, PENDING with a CUSTOMER under manual approval. */
export const createdBooking = (fields: Partial<BookingFields> = {}, context: BookingContext = business, draft = false): BookingEvent[] =>
  bookingDecider.decide({ type: 'CreateBooking', id: 'b1', fields: fieldsOf(fields), draft }, bookingDecider.initialState(), context);

export const pendingBooking = (fields: Partial<BookingFields> = {}) => createdBooking(fields, { ...customer, requireManualApproval: true });
export const draftBooking = (fields: Partial<BookingFields> = {}) => createdBooking(fields, business, true);

/** A booking recorded with a given status, as a fact (WAITING_LIST comes from no command of this decider). */
export const recordedWith = (status: BookingView['status'], fields: Partial<BookingFields> = {}): BookingEvent[] => {
  const [event] = createdBooking(fields);
  return [{ type: 'booking.created', data: { ...(event.data as BookingView), status, holdsSlot: status === 'CONFIRMED' } }];
};

export const canceled = (by: BookingContext['actor'] = 'BUSINESS'): BookingEvent => ({
  type: 'booking.canceled',
  data: { id: 'b1', previousStatus: 'CONFIRMED', actor: by, reason: null, at: T, holdsSlot: false, withinPolicy: true, creditsRestored: false },
});
