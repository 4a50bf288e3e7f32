import { Actor, DomainError, KAIROS_NAMESPACE, uuidV5 } from '@kairos/core';
import { ScheduleView, SessionInstance } from '@kairos/scheduling';
import { DiscountTerms, priceSnapshotOf } from '@kairos/memberships';
import { BookingPolicyFields, ServiceView } from '@kairos/services';
import { AttendanceStatus, BookedSlot, BookingEvent, BookingFields, BookingView, PaymentOption, PaymentStatus, allowedActions } from './booking/booking';
import { SlotHoldState, SlotHoldView } from './slot-hold/slot-hold';

const DAY = 86_400_000;

/** A slot as a request asks for it. */
export interface AskedSlot {
  /** The service, as availability answers the slot. */
  serviceId?: string;
  start: string;
  end: string;
  /** Chosen resources; the others a group needs are assigned fairly. */
  resourceIds?: string[];
  locationId?: string | null;
}

/**
 * A booking as a request asks for it: exactly one of slot (APPOINTMENT), sessionId (CLASS),
 * scheduleId (COURSE). Without `serviceId`, a session or schedule tells the service.
 */
export interface BookingRequest {
  id?: string;
  serviceId?: string;
  slot?: AskedSlot;
  sessionId?: string;
  scheduleId?: string;
  contactId?: string;
  contact?: { name?: string; email?: string; phone?: string };
  partySize?: number;
  selectedPaymentOption?: PaymentOption;
  /** MEMBERSHIP or MEMBERSHIP_OFFLINE: the order to redeem from; without it, the covering order that ends first. */
  planOrderId?: string;
  /** A checkout awaiting payment: holds nothing. */
  draft?: boolean;
  /** Book the slot this hold keeps. */
  holdId?: string;
  /** BUSINESS only: skip policy windows (never the invariants). */
  ignorePolicy?: boolean;
  /** A coupon to take off the price, matched whatever its case. */
  couponCode?: string;
}

/** A change to a booking after its creation, as a request asks for it. */
export type BookingChange =
  | { kind: 'confirm' }
  | { kind: 'decline'; reason: string | null }
  | { kind: 'cancel'; reason: string | null; restoreCredit: boolean; ignorePolicy?: boolean }
  | { kind: 'reschedule'; slot?: AskedSlot; sessionId?: string; ignorePolicy?: boolean }
  | { kind: 'participants'; partySize: number }
  | { kind: 'attendance'; status: AttendanceStatus; attendeeCount: number }
  | { kind: 'payment'; paymentStatus: PaymentStatus; amountPaid: string | null };

/** A slot held for a checkout: by slot (APPOINTMENT) or by session (CLASS). */
export interface SlotHoldRequest {
  id?: string;
  /** Without it, the session tells the service. */
  serviceId?: string;
  slot?: AskedSlot;
  sessionId?: string;
  contactId: string;
  partySize?: number;
  minutes?: number;
}

/** What a booking holds: resources for appointments (claims and its session), seats for classes and courses. */
export interface HoldTarget {
  bookingId: string;
  serviceType: BookingView['serviceType'];
  serviceScheduleId: string;
  slot: BookingView['slot'];
  sessionId: string | null;
  scheduleId: string | null;
  appointmentSessionId: string | null;
  partySize: number;
  capacity: number;
  /** Accepting a waitlist offer: the seats locked for this entry and contact are this booking's to take. */
  acceptingEntry?: { entryId: string; contactId: string };
}

/** The EVENT session an appointment booking puts on the calendar; a new one per reschedule. */
export const appointmentSessionIdOf = (bookingId: string, revision: number): string => uuidV5(KAIROS_NAMESPACE, `booking-session:${bookingId}:${revision}`);

export const targetOf = (
  v: Pick<BookingView, 'id' | 'serviceType' | 'slot' | 'sessionId' | 'scheduleId' | 'appointmentSessionId' | 'partySize'>,
  serviceScheduleId: string,
  capacity: number,
): HoldTarget => ({
  bookingId: v.id,
  serviceType: v.serviceType,
  serviceScheduleId,
  slot: v.slot,
  sessionId: v.sessionId,
  scheduleId: v.scheduleId,
  appointmentSessionId: v.appointmentSessionId,
  partySize: v.partySize,
  capacity,
});

/** A class seat is booked for the session's own times; the session itself holds its instructor and room. */
export const classSlotOf = (session: SessionInstance): BookedSlot => ({
  start: session.start,
  end: session.end,
  timeZone: session.timeZone,
  resourceIds: session.resourceIds,
  locationId: session.locationId,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
});

/** A course is booked whole: from its first active session's start to its last one's end. */
export const courseSpanOf = (sessions: SessionInstance[], schedule: Pick<ScheduleView, 'timeZone' | 'locationId'>): BookedSlot => {
  const instances = sessions.filter((i) => i.status === 'ACTIVE' && i.type === 'EVENT');
  if (instances.length === 0) throw new DomainError('invalid-transition', 'the course has no sessions');
  const start = Math.min(...instances.map((i) => Date.parse(i.start)));
  const end = Math.max(...instances.map((i) => Date.parse(i.end)));
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString(), timeZone: schedule.timeZone, resourceIds: [], locationId: schedule.locationId, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 };
};

/** A booking as callers see it: the aggregate plus what its holder may still do. */
export const bookingAnswerOf = (view: BookingView, now: Date, actor: Actor['type']) => ({ ...view, allowedActions: allowedActions(view, now, actor) });

/** The checks a booking request passes before anything is read. */
export const checkBookingRequest = (request: BookingRequest, actor: Actor['type']): void => {
  const given = [request.slot && 'slot', request.sessionId && 'sessionId', request.scheduleId && 'scheduleId'].filter(Boolean);
  if (given.length !== 1) {
    throw new DomainError('validation', 'give exactly one of slot, sessionId, scheduleId', [{ field: given[1] ?? 'slot', reason: 'exactly one of slot, sessionId, scheduleId' }]);
  }
  if (!request.contactId && !request.contact) throw new DomainError('validation', 'give contactId or contact', [{ field: 'contactId', reason: 'required without contact' }]);
  const withPlan = paysWithPlan(request.selectedPaymentOption ?? 'OFFLINE');
  if (request.planOrderId && !withPlan) {
    throw new DomainError('validation', 'a plan order pays for a MEMBERSHIP booking only', [{ field: 'planOrderId', reason: 'only with selectedPaymentOption MEMBERSHIP or MEMBERSHIP_OFFLINE' }]);
  }
  // Plan orders belong to contacts: one named by its details alone has none.
  if (withPlan && !request.contactId) {
    throw new DomainError('validation', 'a booking paid with a plan names its contact', [{ field: 'contactId', reason: 'required with a MEMBERSHIP payment' }]);
  }
  checkPolicyOverride(request.ignorePolicy, actor);
  if (request.couponCode && withPlan) {
    throw new DomainError('coupon-not-combinable', 'a coupon does not combine with paying by a membership', [{ field: 'couponCode', reason: 'not with a membership' }]);
  }
};

/** MEMBERSHIP and MEMBERSHIP_OFFLINE are paid with a plan order's credits. */
export const paysWithPlan = (option: PaymentOption): boolean => option === 'MEMBERSHIP' || option === 'MEMBERSHIP_OFFLINE';

/** What a change of a booking paid with a plan does to the credits its order holds for it. */
export type CreditChange = { kind: 'redeem'; credits: number } | { kind: 'restore'; credits?: number } | { kind: 'move'; start: string };

/**
 * Credits follow the booking's events: a cancel that restores them (inside the window, by the
 * business, with its session) and a decline (a declined request never spent them) give back all it
 * holds; a party that grows takes the difference and one that shrinks gives it back; a reschedule
 * keeps them, at a start the order still runs at.
 */
export const creditChangeOf = (booking: Pick<BookingView, 'planOrderId'>, events: readonly BookingEvent[]): CreditChange | null => {
  if (!booking.planOrderId) return null;
  for (const event of events) {
    if ((event.type === 'booking.canceled' && event.data.creditsRestored) || event.type === 'booking.declined') return { kind: 'restore' };
    if (event.type === 'booking.participants-updated') {
      const grown = event.data.partySize - event.data.previous.partySize;
      return grown > 0 ? { kind: 'redeem', credits: grown } : { kind: 'restore', credits: -grown };
    }
    if (event.type === 'booking.rescheduled') return { kind: 'move', start: event.data.slot.start };
  }
  return null;
};

export const checkPolicyOverride = (ignorePolicy: boolean | undefined, actor: Actor['type']): void => {
  if (ignorePolicy && actor !== 'BUSINESS') throw new DomainError('forbidden', 'only the business may override the policy');
};

/** The hold a booking names must keep this service's slot (or session); the booking then takes it over. */
export const heldFor = (request: BookingRequest, held: SlotHoldState, serviceId: string): SlotHoldView => {
  const hold = held.status === 'exists' ? held.view : null;
  if (!hold || hold.serviceId !== serviceId || hold.slot.start !== new Date(request.slot?.start ?? hold.slot.start).toISOString() || (request.sessionId ?? hold.sessionId) !== hold.sessionId) {
    throw new DomainError('validation', 'the hold is for another service or slot', [{ field: 'holdId', reason: 'does not match the booking' }]);
  }
  return hold;
};

/** What a booking is for, by the service's type: what the request must have given for it. */
export type BookingSubject =
  | { kind: 'held'; slot: BookedSlot }
  | { kind: 'appointment'; slot: AskedSlot }
  | { kind: 'class'; sessionId: string }
  | { kind: 'course'; scheduleId: string };

export const bookingSubjectOf = (request: BookingRequest, service: Pick<ServiceView, 'type' | 'scheduleId'>, hold: SlotHoldView | null): BookingSubject => {
  // The hold already checked the slot and took its resources; the booking takes them over.
  if (hold && service.type === 'APPOINTMENT') return { kind: 'held', slot: hold.slot };
  if (service.type === 'APPOINTMENT') {
    if (!request.slot) throw new DomainError('validation', 'an appointment is booked by slot', [{ field: 'slot', reason: 'required for an APPOINTMENT' }]);
    return { kind: 'appointment', slot: request.slot };
  }
  if (service.type === 'CLASS') {
    if (!request.sessionId) throw new DomainError('validation', 'a class is booked by session', [{ field: 'sessionId', reason: 'required for a CLASS' }]);
    return { kind: 'class', sessionId: request.sessionId };
  }
  if (request.scheduleId !== service.scheduleId) throw new DomainError('validation', 'a course is booked by its schedule', [{ field: 'scheduleId', reason: 'the service\'s schedule' }]);
  return { kind: 'course', scheduleId: service.scheduleId };
};

export const checkSlotHoldRequest = (request: SlotHoldRequest): void => {
  if (Boolean(request.slot) === Boolean(request.sessionId)) {
    throw new DomainError('validation', 'give exactly one of slot, sessionId', [{ field: 'slot', reason: 'exactly one of slot, sessionId' }]);
  }
};

/** An appointment is held by slot, a class by session; a course is never held. */
export const slotHoldSubjectOf = (request: SlotHoldRequest, service: Pick<ServiceView, 'type'>): { kind: 'appointment'; slot: AskedSlot } | { kind: 'class'; sessionId: string } => {
  if (service.type === 'APPOINTMENT' && request.slot) return { kind: 'appointment', slot: request.slot };
  if (service.type === 'CLASS' && request.sessionId) return { kind: 'class', sessionId: request.sessionId };
  throw new DomainError('validation', 'an appointment is held by slot, a class by session', [{ field: request.slot ? 'slot' : 'sessionId', reason: `not for a ${service.type}` }]);
};

/** `contactId`: the one the request names, or the contact its details found or created. */
export const bookingFieldsOf = (
  contactId: string,
  id: string,
  request: BookingRequest,
  service: Pick<ServiceView, 'id' | 'type' | 'payment'>,
  policy: BookingPolicyFields,
  booked: { slot: BookedSlot; sessionId: string | null; scheduleId: string | null; planOrderId?: string | null },
  /** The coupon it uses, already found by its code; its use is appended with the booking. */
  coupon: DiscountTerms | null = null,
): BookingFields => ({
  serviceId: service.id,
  serviceType: service.type,
  slot: booked.slot,
  sessionId: booked.sessionId,
  scheduleId: booked.scheduleId,
  appointmentSessionId: service.type === 'APPOINTMENT' ? appointmentSessionIdOf(id, 1) : null,
  contactId,
  contactDetails: request.contact ? { name: request.contact.name ?? null, email: request.contact.email ?? null, phone: request.contact.phone ?? null } : null,
  partySize: request.partySize ?? 1,
  selectedPaymentOption: request.selectedPaymentOption ?? 'OFFLINE',
  price: service.payment.price,
  planOrderId: booked.planOrderId ?? null,
  couponCode: coupon?.code ?? null,
  policySnapshot: policy,
  priceSnapshot: priceSnapshotOf({
    rateType: service.payment.rateType,
    price: service.payment.price,
    deposit: service.payment.deposit,
    partySize: request.partySize ?? 1,
    coupon,
    plan: paysWithPlan(request.selectedPaymentOption ?? 'OFFLINE') ? { planOrderId: booked.planOrderId ?? null } : null,
  }),
});

/** A booked appointment lasts one of the service's durations. */
export const checkDuration = (service: Pick<ServiceView, 'sessionDurations'>, slot: Pick<AskedSlot, 'start' | 'end'>): number => {
  const duration = (Date.parse(slot.end) - Date.parse(slot.start)) / 60_000;
  if (!service.sessionDurations.includes(duration)) {
    throw new DomainError('validation', `the service lasts ${service.sessionDurations.join(' or ')} minutes`, [{ field: 'slot.end', reason: 'not a duration of the service' }]);
  }
  return duration;
};

/** How many busy blocks of a resource touch the UTC day of `at`. */
export const dayLoadOf = (busy: readonly { start: number; end: number }[], at: number): number => {
  const dayStart = Math.floor(at / DAY) * DAY;
  return busy.filter((b) => b.start < dayStart + DAY && b.end > dayStart).length;
};

/**
 * "Any staff": a group gets the resources asked for in it first, then the free resource with the
 * fewest sessions that day; among equals, a stable hash of the booking picks, so ties rotate
 * instead of piling on the first.
 */
export const assignResources = (
  bookingId: string,
  groups: readonly { requiredCount: number }[],
  free: readonly { groupIndex: number; resourceIds: string[] }[],
  asked: readonly string[] | undefined,
  dayLoad: (resourceId: string) => number,
): string[] => {
  const load = new Map<string, number>();
  for (const id of new Set(free.flatMap((r) => r.resourceIds))) load.set(id, dayLoad(id));
  return free.flatMap(({ groupIndex, resourceIds }) => {
    const chosen = resourceIds.filter((id) => asked?.includes(id));
    const wanted = groups[groupIndex].requiredCount - chosen.length;
    if (wanted <= 0) return chosen.slice(0, groups[groupIndex].requiredCount);
    // A hash per free resource is most of the cost with a large staff: only the resources that make
    // the cut need theirs, those as loaded as the last one taken or less (which settles their order).
    const rest = resourceIds.filter((id) => !chosen.includes(id)).sort((a, b) => load.get(a)! - load.get(b)!);
    const cut = rest.length > wanted ? load.get(rest[wanted - 1])! : Infinity;
    const ties = new Map<string, number>();
    const tie = (id: string) => ties.get(id) ?? ties.set(id, tieBreak(bookingId, id)).get(id)!;
    const taken = rest.filter((id) => load.get(id)! <= cut).sort((a, b) => load.get(a)! - load.get(b)! || tie(a) - tie(b));
    return [...chosen, ...taken.slice(0, wanted)];
  });
};

export const tieBreak = (bookingId: string, resourceId: string): number => parseInt(uuidV5(KAIROS_NAMESPACE, `${bookingId}:${resourceId}`).slice(0, 8), 16);
