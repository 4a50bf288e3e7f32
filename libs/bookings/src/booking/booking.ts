import {
  Actor,
  DecisionContext,
  Decider,
  DomainError,
  alreadyExists,
  assertNever,
  checkRevision,
  invalidTransition,
  streamId,
} from '@kairos/core';
import { violationsOf } from '@kairos/availability';
import { BookingPolicyFields } from '@kairos/services';
import { AttendanceStatus, BookedSlot, BookingEvent, BookingFields, BookingStatus, BookingView, PaymentStatus, StatusChange } from './booking.events';

export type {
  AttendanceStatus,
  BookedSlot,
  BookingEvent,
  BookingFields,
  BookingStatus,
  BookingView,
  ContactDetails,
  PaymentOption,
  PaymentStatus,
} from './booking.events';

export interface BookingContext extends DecisionContext {
  actor: Actor['type'];
  /** The BUSINESS may skip policy windows (never the invariants). */
  ignorePolicy?: boolean;
  onlineBookingEnabled?: boolean;
  requireManualApproval?: boolean;
  allowMultipleRequests?: boolean;
}

export type BookingCommand =
  | { type: 'CreateBooking'; id: string; fields: BookingFields; draft: boolean }
  | { type: 'ConfirmBooking'; expectedRevision?: number }
  | { type: 'DeclineBooking'; reason: string | null; expectedRevision?: number }
  | { type: 'CancelBooking'; reason: string | null; restoreCredit: boolean; expectedRevision?: number }
  /** Its session or course was canceled: the business canceled, so no policy window applies and credits come back. */
  | { type: 'CancelWithSession'; reason: string }
  | { type: 'RescheduleBooking'; slot: BookedSlot; sessionId: string | null; appointmentSessionId: string | null; expectedRevision?: number }
  | { type: 'UpdateParticipants'; partySize: number; expectedRevision?: number }
  | { type: 'MarkAttendance'; status: AttendanceStatus; attendeeCount: number }
  | { type: 'UpdatePayment'; paymentStatus: PaymentStatus; amountPaid: string | null };

export type BookingState = { status: 'none' } | { status: 'exists'; view: BookingView };

const MINUTE = 60_000;

/** A booking still standing: it holds, or may yet hold, its place. */
export const OPEN_STATUSES: BookingStatus[] = ['CREATED', 'PENDING', 'CONFIRMED'];

const violation = (reason: string, detail: string) => new DomainError('policy-violation', detail, [{ field: 'slot', reason }]);

/**
 * Early and late booking limits and online booking, judged for a CUSTOMER unless the BUSINESS
 * overrides: the same rules availability flags on slots, so a bookable slot is a bookable slot.
 */
export const checkBookingWindow = (policy: BookingPolicyFields, start: number, end: number, context: BookingContext) => {
  if (context.actor === 'BUSINESS' && context.ignorePolicy) return;
  const v = violationsOf(policy, { onlineBookingEnabled: context.onlineBookingEnabled !== false }, start, end, context.now.getTime());
  if (context.actor === 'CUSTOMER' && v.onlineBookingDisabled) throw violation('online-disabled', 'online booking is disabled for this service');
  if (v.tooEarly) throw violation('too-early', `bookings open ${policy.earliestBookingMinutes} minutes before the start`);
  if (v.tooLate) throw violation('too-late', 'too late to book this slot');
};

const withinWindow = (minutes: number | null, start: string, now: Date) => minutes === null || Date.parse(start) - now.getTime() >= minutes * MINUTE;

const view = (state: BookingState): BookingView => {
  if (state.status === 'none') throw new DomainError('not-found', 'booking does not exist');
  return state.view;
};

const requireStatus = (v: BookingView, allowed: BookingStatus[], action: string) => {
  if (!allowed.includes(v.status)) throw invalidTransition('booking', v.status, action);
};

/** A PENDING request holds its slot unless the service lets several customers request it at once. */
const pendingHolds = (context: BookingContext) => !context.allowMultipleRequests;

const checkPartySize = (policy: BookingPolicyFields, partySize: number, context: BookingContext) => {
  if (partySize > policy.maxParticipantsPerBooking && !(context.actor === 'BUSINESS' && context.ignorePolicy)) {
    throw new DomainError('policy-violation', `at most ${policy.maxParticipantsPerBooking} participants per booking`, [{ field: 'partySize', reason: 'max-participants' }]);
  }
};

export const bookingDecider: Decider<BookingCommand, BookingState, BookingEvent, BookingContext> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    if (event.type === 'booking.created') return { status: 'exists', view: event.data };
    if (state.status === 'none') return state;
    const v = { ...state.view, revision: state.view.revision + 1 };
    switch (event.type) {
      case 'booking.confirmed':
        return { status: 'exists', view: { ...v, status: 'CONFIRMED', holdsSlot: true, updatedAt: event.data.at } };
      case 'booking.declined':
        return { status: 'exists', view: { ...v, status: 'DECLINED', holdsSlot: false, updatedAt: event.data.at } };
      case 'booking.canceled':
        return {
          status: 'exists',
          view: {
            ...v,
            status: 'CANCELED',
            holdsSlot: false,
            cancellation: { reason: event.data.reason, actor: event.data.actor, withinPolicy: event.data.withinPolicy },
            updatedAt: event.data.at,
          },
        };
      case 'booking.rescheduled':
        return {
          status: 'exists',
          view: { ...v, slot: event.data.slot, sessionId: event.data.sessionId, appointmentSessionId: event.data.appointmentSessionId, updatedAt: event.data.at },
        };
      case 'booking.participants-updated':
        return { status: 'exists', view: { ...v, partySize: event.data.partySize, updatedAt: event.data.at } };
      case 'booking.attendance-marked':
        return { status: 'exists', view: { ...v, attendance: { status: event.data.status, attendeeCount: event.data.attendeeCount }, updatedAt: event.data.at } };
      case 'booking.payment-updated':
        return { status: 'exists', view: { ...v, paymentStatus: event.data.paymentStatus, amountPaid: event.data.amountPaid, updatedAt: event.data.at } };
      default:
        return assertNever(event);
    }
  },

  decide(command, state, context) {
    const at = context.now.toISOString();
    const change = (v: BookingView, reason: string | null, holdsSlot: boolean): StatusChange => ({ id: v.id, previousStatus: v.status, actor: context.actor, reason, at, holdsSlot });
    switch (command.type) {
      case 'CreateBooking': {
        if (state.status !== 'none') throw alreadyExists('booking', command.id);
        const f = command.fields;
        checkBookingWindow(f.policySnapshot, Date.parse(f.slot.start), Date.parse(f.slot.end), context);
        checkPartySize(f.policySnapshot, f.partySize, context);
        const status: BookingStatus = command.draft ? 'CREATED' : context.actor === 'CUSTOMER' && context.requireManualApproval ? 'PENDING' : 'CONFIRMED';
        const holdsSlot = status === 'CONFIRMED' || (status === 'PENDING' && pendingHolds(context));
        return [
          {
            type: 'booking.created',
            data: {
              id: command.id,
              revision: 1,
              createdAt: at,
              updatedAt: at,
              ...f,
              status,
              actor: context.actor,
              paymentStatus: f.selectedPaymentOption === 'MEMBERSHIP' ? 'EXEMPT' : 'NOT_PAID',
              amountPaid: null,
              attendance: { status: 'NOT_SET', attendeeCount: 0 },
              cancellation: null,
              holdsSlot,
            },
          },
        ];
      }
      case 'ConfirmBooking': {
        const v = view(state);
        checkRevision(command.expectedRevision, v.revision);
        if (context.actor === 'CUSTOMER' && v.status === 'PENDING') throw new DomainError('forbidden', 'only the business approves a request');
        requireStatus(v, ['CREATED', 'PENDING'], 'confirm');
        return [{ type: 'booking.confirmed', data: change(v, null, true) }];
      }
      case 'DeclineBooking': {
        const v = view(state);
        checkRevision(command.expectedRevision, v.revision);
        if (context.actor === 'CUSTOMER') throw new DomainError('forbidden', 'only the business declines a request');
        requireStatus(v, ['CREATED', 'PENDING'], 'decline');
        return [{ type: 'booking.declined', data: change(v, command.reason, false) }];
      }
      case 'CancelBooking': {
        const v = view(state);
        checkRevision(command.expectedRevision, v.revision);
        requireStatus(v, ['CREATED', 'PENDING', 'CONFIRMED', 'WAITING_LIST'], 'cancel');
        const withinPolicy = withinWindow(v.policySnapshot.latestCancelMinutes, v.slot.start, context.now);
        if (!withinPolicy && !(context.actor === 'BUSINESS' && context.ignorePolicy)) {
          throw new DomainError('policy-violation', `cancellations close ${v.policySnapshot.latestCancelMinutes} minutes before the start`, [
            { field: 'slot', reason: 'cancel-window' },
          ]);
        }
        const creditsRestored = v.selectedPaymentOption.startsWith('MEMBERSHIP') && (withinPolicy || command.restoreCredit);
        return [{ type: 'booking.canceled', data: { ...change(v, command.reason, false), withinPolicy, creditsRestored } }];
      }
      case 'CancelWithSession': {
        const v = view(state);
        if (!OPEN_STATUSES.includes(v.status)) return [];
        const creditsRestored = v.selectedPaymentOption.startsWith('MEMBERSHIP');
        return [{ type: 'booking.canceled', data: { ...change(v, command.reason, false), withinPolicy: true, creditsRestored } }];
      }
      case 'RescheduleBooking': {
        const v = view(state);
        checkRevision(command.expectedRevision, v.revision);
        if (v.serviceType === 'COURSE') throw invalidTransition('course booking', 'booked whole', 'reschedule');
        requireStatus(v, ['CREATED', 'PENDING', 'CONFIRMED'], 'reschedule');
        if (!withinWindow(v.policySnapshot.latestRescheduleMinutes, v.slot.start, context.now) && !(context.actor === 'BUSINESS' && context.ignorePolicy)) {
          throw new DomainError('policy-violation', `rescheduling closes ${v.policySnapshot.latestRescheduleMinutes} minutes before the start`, [
            { field: 'slot', reason: 'reschedule-window' },
          ]);
        }
        checkBookingWindow(v.policySnapshot, Date.parse(command.slot.start), Date.parse(command.slot.end), context);
        return [
          {
            type: 'booking.rescheduled',
            data: {
              id: v.id,
              slot: command.slot,
              sessionId: command.sessionId,
              appointmentSessionId: command.appointmentSessionId,
              previous: { slot: v.slot, sessionId: v.sessionId },
              at,
            },
          },
        ];
      }
      case 'UpdateParticipants': {
        const v = view(state);
        checkRevision(command.expectedRevision, v.revision);
        if (v.serviceType === 'APPOINTMENT') throw invalidTransition('appointment booking', 'an appointment', 'change its participants');
        requireStatus(v, ['CREATED', 'PENDING', 'CONFIRMED'], 'change participants');
        if (command.partySize === v.partySize) return [];
        // A party may not grow past what creation would have refused.
        if (command.partySize > v.partySize) checkPartySize(v.policySnapshot, command.partySize, context);
        return [{ type: 'booking.participants-updated', data: { id: v.id, partySize: command.partySize, previous: { partySize: v.partySize }, at } }];
      }
      case 'MarkAttendance': {
        const v = view(state);
        requireStatus(v, ['CONFIRMED'], 'mark attendance');
        if (Date.parse(v.slot.start) > context.now.getTime()) throw invalidTransition('booking', 'not started', 'mark attendance');
        if (command.attendeeCount > v.partySize) {
          throw new DomainError('validation', 'more attendees than the party', [{ field: 'attendeeCount', reason: `at most ${v.partySize}` }]);
        }
        return [{ type: 'booking.attendance-marked', data: { id: v.id, status: command.status, attendeeCount: command.attendeeCount, at } }];
      }
      case 'UpdatePayment': {
        const v = view(state);
        if (v.paymentStatus === command.paymentStatus && v.amountPaid === command.amountPaid) return [];
        return [{ type: 'booking.payment-updated', data: { id: v.id, paymentStatus: command.paymentStatus, amountPaid: command.amountPaid, previous: { paymentStatus: v.paymentStatus }, at } }];
      }
      default:
        return assertNever(command);
    }
  },
};

export const bookingStream = (tenant: string, id: string) => streamId('booking', tenant, id);

/** What the booking's holder may still do, for callers' buttons (cancel, reschedule). */
export const allowedActions = (v: BookingView, now: Date, actor: Actor['type']) => {
  const open = OPEN_STATUSES.includes(v.status);
  const business = actor === 'BUSINESS';
  return {
    cancel: (open || v.status === 'WAITING_LIST') && (business || withinWindow(v.policySnapshot.latestCancelMinutes, v.slot.start, now)),
    reschedule: open && v.serviceType !== 'COURSE' && (business || withinWindow(v.policySnapshot.latestRescheduleMinutes, v.slot.start, now)),
  };
};
