import fc from 'fast-check';
import { KAIROS_NAMESPACE, fold, uuidV5 } from '@kairos/core';
import { SessionInstance } from '@kairos/scheduling';
import { DEFAULT_BOOKING_POLICY } from '@kairos/services';
import { BookedSlot, allowedActions, bookingDecider } from './booking/booking';
import {
  BookingRequest,
  appointmentSessionIdOf,
  assignResources,
  bookingAnswerOf,
  bookingFieldsOf,
  bookingSubjectOf,
  checkBookingRequest,
  checkDuration,
  checkPolicyOverride,
  checkSlotHoldRequest,
  classSlotOf,
  courseSpanOf,
  creditChangeOf,
  dayLoadOf,
  heldFor,
  slotHoldSubjectOf,
  targetOf,
  tieBreak,
} from './booking-rules';
import { SlotHoldState, SlotHoldView } from './slot-hold/slot-hold';

const now = new Date('2026-03-01T00:00:00Z');
const slot: BookedSlot = { start: '2026-03-30T09:00:00.000Z', end: '2026-03-30T09:30:00.000Z', timeZone: 'UTC', resourceIds: ['r1'], locationId: null, bufferBeforeMinutes: 5, bufferAfterMinutes: 10 };
const asked = { start: '2026-03-30T09:00:00Z', end: '2026-03-30T09:30:00Z' };
const request: BookingRequest = { serviceId: 's1', slot: asked, contactId: 'c1' };
const error = (code: string, field?: string) => expect.objectContaining({ code, ...(field ? { errors: [expect.objectContaining({ field })] } : {}) });

const instance = (over: Partial<SessionInstance>): SessionInstance => ({
  id: 'i1',
  recurringSessionId: null,
  originalStart: '2026-04-01T10:00:00.000Z',
  scheduleId: 'sch',
  type: 'EVENT',
  start: '2026-04-01T10:00:00.000Z',
  end: '2026-04-01T11:00:00.000Z',
  localStart: '2026-04-01T10:00',
  localEnd: '2026-04-01T11:00',
  timeZone: 'Europe/Lisbon',
  recurrence: null,
  status: 'ACTIVE',
  title: null,
  capacity: 8,
  resourceIds: ['room'],
  affectedSchedules: null,
  bufferBeforeMinutes: 15,
  bufferAfterMinutes: 15,
  locationId: 'loc',
  ...over,
});

const holdView = (over: Partial<SlotHoldView> = {}): SlotHoldView => ({
  id: 'h1',
  revision: 1,
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
  serviceId: 's1',
  serviceType: 'APPOINTMENT',
  slot,
  sessionId: null,
  scheduleId: null,
  appointmentSessionId: null,
  partySize: 1,
  contactId: 'c1',
  expiresAt: '2026-03-01T00:10:00.000Z',
  status: 'ACTIVE',
  bookingId: null,
  ...over,
});
const held = (view: SlotHoldView): SlotHoldState => ({ status: 'exists', view });

describe('booking request checks', () => {
  it('wants exactly one of slot, sessionId, scheduleId, naming the second when two are given', () => {
    expect(() => checkBookingRequest({ serviceId: 's1', contactId: 'c1' }, 'BUSINESS')).toThrow(error('validation', 'slot'));
    expect(() => checkBookingRequest({ ...request, sessionId: 'x' }, 'BUSINESS')).toThrow(error('validation', 'sessionId'));
    expect(() => checkBookingRequest({ serviceId: 's1', contactId: 'c1', sessionId: 'x', scheduleId: 'y' }, 'BUSINESS')).toThrow(error('validation', 'scheduleId'));
    expect(() => checkBookingRequest(request, 'BUSINESS')).not.toThrow();
  });

  it('wants a contact id or contact details', () => {
    expect(() => checkBookingRequest({ serviceId: 's1', slot: asked }, 'BUSINESS')).toThrow(error('validation', 'contactId'));
    expect(() => checkBookingRequest({ serviceId: 's1', slot: asked, contact: { email: 'a@b.c' } }, 'BUSINESS')).not.toThrow();
  });

  it('pays with a plan order only for a MEMBERSHIP booking of a named contact', () => {
    expect(() => checkBookingRequest({ ...request, planOrderId: 'o1' }, 'BUSINESS')).toThrow(error('validation', 'planOrderId'));
    expect(() => checkBookingRequest({ ...request, planOrderId: 'o1', selectedPaymentOption: 'ONLINE' }, 'BUSINESS')).toThrow(error('validation', 'planOrderId'));
    expect(() => checkBookingRequest({ serviceId: 's1', slot: asked, contact: { email: 'a@b.c' }, selectedPaymentOption: 'MEMBERSHIP' }, 'CUSTOMER')).toThrow(error('validation', 'contactId'));
    expect(() => checkBookingRequest({ ...request, selectedPaymentOption: 'MEMBERSHIP' }, 'CUSTOMER')).not.toThrow();
    expect(() => checkBookingRequest({ ...request, selectedPaymentOption: 'MEMBERSHIP_OFFLINE', planOrderId: 'o1' }, 'CUSTOMER')).not.toThrow();
  });

  it('lets only the business override the policy', () => {
    expect(() => checkBookingRequest({ ...request, ignorePolicy: true }, 'CUSTOMER')).toThrow(error('forbidden'));
    expect(() => checkPolicyOverride(true, 'SYSTEM')).toThrow(error('forbidden'));
    expect(() => checkPolicyOverride(true, 'BUSINESS')).not.toThrow();
    expect(() => checkPolicyOverride(false, 'CUSTOMER')).not.toThrow();
  });
});

describe('what a booking is for', () => {
  const appointment = { type: 'APPOINTMENT' as const, scheduleId: 'sch' };
  it('takes over a held appointment slot', () => {
    expect(bookingSubjectOf(request, appointment, holdView())).toEqual({ kind: 'held', slot });
  });
  it('books an appointment by slot', () => {
    expect(bookingSubjectOf(request, appointment, null)).toEqual({ kind: 'appointment', slot: asked });
    expect(() => bookingSubjectOf({ serviceId: 's1', sessionId: 'x' }, appointment, null)).toThrow(error('validation', 'slot'));
  });
  it('books a class by session, even with a hold', () => {
    expect(bookingSubjectOf({ serviceId: 's1', sessionId: 'i1' }, { type: 'CLASS', scheduleId: 'sch' }, holdView({ serviceType: 'CLASS' }))).toEqual({ kind: 'class', sessionId: 'i1' });
    expect(() => bookingSubjectOf(request, { type: 'CLASS', scheduleId: 'sch' }, null)).toThrow(error('validation', 'sessionId'));
  });
  it('books a course by its own schedule only', () => {
    expect(bookingSubjectOf({ serviceId: 's1', scheduleId: 'sch' }, { type: 'COURSE', scheduleId: 'sch' }, null)).toEqual({ kind: 'course', scheduleId: 'sch' });
    expect(() => bookingSubjectOf({ serviceId: 's1', scheduleId: 'other' }, { type: 'COURSE', scheduleId: 'sch' }, null)).toThrow(error('validation', 'scheduleId'));
  });
});

describe('a hold named by a booking', () => {
  it('must exist and keep the same service, start and session', () => {
    expect(heldFor({ ...request, holdId: 'h1' }, held(holdView()), 's1')).toEqual(holdView());
    expect(heldFor({ serviceId: 's1', holdId: 'h1' }, held(holdView()), 's1')).toEqual(holdView());
    expect(() => heldFor(request, { status: 'none' }, 's1')).toThrow(error('validation', 'holdId'));
    expect(() => heldFor(request, held(holdView()), 's2')).toThrow(error('validation', 'holdId'));
    expect(() => heldFor({ ...request, slot: { ...asked, start: '2026-03-30T10:00:00Z' } }, held(holdView()), 's1')).toThrow(error('validation', 'holdId'));
    expect(() => heldFor({ serviceId: 's1', sessionId: 'other' }, held(holdView({ sessionId: 'i1' })), 's1')).toThrow(error('validation', 'holdId'));
  });
});

describe('slot hold requests', () => {
  it('want exactly one of slot, sessionId', () => {
    expect(() => checkSlotHoldRequest({ serviceId: 's1', contactId: 'c1' })).toThrow(error('validation', 'slot'));
    expect(() => checkSlotHoldRequest({ serviceId: 's1', contactId: 'c1', slot: asked, sessionId: 'i1' })).toThrow(error('validation', 'slot'));
    expect(() => checkSlotHoldRequest({ serviceId: 's1', contactId: 'c1', sessionId: 'i1' })).not.toThrow();
  });
  it('hold an appointment by slot and a class by session, never a course', () => {
    expect(slotHoldSubjectOf({ serviceId: 's1', contactId: 'c1', slot: asked }, { type: 'APPOINTMENT' })).toEqual({ kind: 'appointment', slot: asked });
    expect(slotHoldSubjectOf({ serviceId: 's1', contactId: 'c1', sessionId: 'i1' }, { type: 'CLASS' })).toEqual({ kind: 'class', sessionId: 'i1' });
    expect(() => slotHoldSubjectOf({ serviceId: 's1', contactId: 'c1', sessionId: 'i1' }, { type: 'APPOINTMENT' })).toThrow(error('validation', 'sessionId'));
    expect(() => slotHoldSubjectOf({ serviceId: 's1', contactId: 'c1', slot: asked }, { type: 'COURSE' })).toThrow(error('validation', 'slot'));
  });
});

describe('booked slots', () => {
  it('a class seat takes the session\'s times, resources and location, without buffers', () => {
    expect(classSlotOf(instance({}))).toEqual({
      start: '2026-04-01T10:00:00.000Z',
      end: '2026-04-01T11:00:00.000Z',
      timeZone: 'Europe/Lisbon',
      resourceIds: ['room'],
      locationId: 'loc',
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
    });
  });

  it('a course spans its active EVENT sessions, in the schedule\'s zone and location', () => {
    const sessions = [
      instance({ start: '2026-04-08T10:00:00.000Z', end: '2026-04-08T11:00:00.000Z' }),
      instance({}),
      instance({ start: '2026-03-25T10:00:00.000Z', end: '2026-03-25T11:00:00.000Z', status: 'CANCELED' }),
      instance({ start: '2026-05-01T10:00:00.000Z', end: '2026-05-01T11:00:00.000Z', type: 'WORKING_HOURS' }),
    ];
    expect(courseSpanOf(sessions, { timeZone: 'UTC', locationId: null })).toEqual({
      start: '2026-04-01T10:00:00.000Z',
      end: '2026-04-08T11:00:00.000Z',
      timeZone: 'UTC',
      resourceIds: [],
      locationId: null,
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
    });
    expect(() => courseSpanOf([instance({ status: 'CANCELED' })], { timeZone: 'UTC', locationId: null })).toThrow(error('invalid-transition'));
  });

  it('an appointment lasts one of the service\'s durations', () => {
    expect(checkDuration({ sessionDurations: [30, 60] }, asked)).toBe(30);
    expect(() => checkDuration({ sessionDurations: [45, 60] }, asked)).toThrow(error('validation', 'slot.end'));
  });
});

describe('"any staff" fairness', () => {
  const groups = [{ requiredCount: 1 }, { requiredCount: 2 }];

  it('counts the busy blocks touching the UTC day', () => {
    const at = Date.parse('2026-03-30T09:00:00Z');
    const day = Date.parse('2026-03-30T00:00:00Z');
    const busy = [
      { start: day - 3_600_000, end: day + 60_000 },
      { start: day + 3_600_000, end: day + 7_200_000 },
      { start: day - 7_200_000, end: day },
      { start: day + 86_400_000, end: day + 90_000_000 },
    ];
    expect(dayLoadOf(busy, at)).toBe(2);
  });

  it('gives a group the resources asked for in it first', () => {
    expect(assignResources('b1', groups, [{ groupIndex: 0, resourceIds: ['a', 'b'] }], ['b'], () => 0)).toEqual(['b']);
  });

  it('otherwise the least loaded that day, as many as the group needs', () => {
    const load: Record<string, number> = { a: 3, b: 1, c: 2 };
    expect(assignResources('b1', groups, [{ groupIndex: 1, resourceIds: ['a', 'b', 'c'] }], undefined, (id) => load[id])).toEqual(['b', 'c']);
    expect(
      assignResources(
        'b1',
        groups,
        [
          { groupIndex: 0, resourceIds: ['a', 'b'] },
          { groupIndex: 1, resourceIds: ['c', 'd', 'e'] },
        ],
        ['e'],
        (id) => ({ a: 1, b: 0, c: 0, d: 1, e: 5 })[id]!,
      ),
    ).toEqual(['b', 'e', 'c']);
  });

  it('breaks ties by a stable hash of booking and resource, so they rotate between bookings', () => {
    expect(tieBreak('b1', 'a')).toBe(parseInt(uuidV5(KAIROS_NAMESPACE, 'b1:a').slice(0, 8), 16));
    const picks = new Set(['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8'].map((b) => assignResources(b, groups, [{ groupIndex: 0, resourceIds: ['a', 'b'] }], undefined, () => 0)[0]));
    expect(picks).toEqual(new Set(['a', 'b']));
    const once = assignResources('b1', groups, [{ groupIndex: 0, resourceIds: ['a', 'b'] }], undefined, () => 0);
    expect(assignResources('b1', groups, [{ groupIndex: 0, resourceIds: ['b', 'a'] }], undefined, () => 0)).toEqual(once);
  });

  it('is the rule itself: asked first, then by load and hash, however loads, asks and group sizes fall', () => {
    // The rule spelled out plainly: every free resource ordered by load, then by hash.
    const byRule = (bookingId: string, gs: { requiredCount: number }[], free: { groupIndex: number; resourceIds: string[] }[], asked: string[] | undefined, load: (id: string) => number) =>
      free.flatMap(({ groupIndex, resourceIds }) => {
        const chosen = resourceIds.filter((id) => asked?.includes(id));
        const rest = resourceIds.filter((id) => !chosen.includes(id)).sort((a, b) => load(a) - load(b) || tieBreak(bookingId, a) - tieBreak(bookingId, b));
        return [...chosen, ...rest].slice(0, gs[groupIndex].requiredCount);
      });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...'abcdefghijkl'), { minLength: 1 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 12, maxLength: 12 }),
        fc.integer({ min: 0, max: 5 }),
        fc.option(fc.subarray([...'abcdefghijkl'])),
        fc.integer({ min: 1, max: 50 }),
        (ids, loads, requiredCount, picked, booking) => {
          const load = (id: string) => loads[id.charCodeAt(0) - 97];
          const free = [{ groupIndex: 0, resourceIds: ids }];
          const gs = [{ requiredCount }];
          expect(assignResources(`b${booking}`, gs, free, picked ?? undefined, load)).toEqual(byRule(`b${booking}`, gs, free, picked ?? undefined, load));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('a new booking\'s fields and answer', () => {
  const service = { id: 's1', type: 'APPOINTMENT' as const, payment: { rateType: 'FIXED' as const, price: { amount: '10.00', currency: 'EUR' }, deposit: null, planIds: [] } };

  it('snapshots the policy and price, with the defaults the request left out', () => {
    const fields = bookingFieldsOf('c9', 'b1', { serviceId: 's1', slot: asked, contact: { name: 'Ana' } }, service, DEFAULT_BOOKING_POLICY, { slot, sessionId: null, scheduleId: null });
    expect(fields).toEqual({
      serviceId: 's1',
      serviceType: 'APPOINTMENT',
      slot,
      sessionId: null,
      scheduleId: null,
      appointmentSessionId: appointmentSessionIdOf('b1', 1),
      contactId: 'c9',
      contactDetails: { name: 'Ana', email: null, phone: null },
      partySize: 1,
      selectedPaymentOption: 'OFFLINE',
      price: { amount: '10.00', currency: 'EUR' },
      planOrderId: null,
      couponCode: null,
      policySnapshot: DEFAULT_BOOKING_POLICY,
      priceSnapshot: {
        currency: 'EUR',
        rateType: 'FIXED',
        unitAmountMinor: 1000,
        partySize: 1,
        subtotalMinor: 1000,
        depositMinor: null,
        couponCode: null,
        discountMinor: 0,
        planOrderId: null,
        coveredByPlanMinor: 0,
        totalMinor: 1000,
      },
    });
    const seat = bookingFieldsOf('c1', 'b1', { ...request, partySize: 3, selectedPaymentOption: 'ONLINE' }, { ...service, type: 'CLASS' }, DEFAULT_BOOKING_POLICY, { slot, sessionId: 'i1', scheduleId: null });
    expect(seat).toMatchObject({ appointmentSessionId: null, contactId: 'c1', contactDetails: null, partySize: 3, selectedPaymentOption: 'ONLINE', sessionId: 'i1' });
  });

  it('snapshots the price with the coupon taken off, or covered whole by a plan', () => {
    const spring = { code: 'Spring10', discountType: 'PERCENT' as const, percentOff: 10, amountOffMinor: null };
    const booked = { slot, sessionId: null, scheduleId: null };
    expect(bookingFieldsOf('c1', 'b1', { ...request, partySize: 3, couponCode: 'SPRING10' }, service, DEFAULT_BOOKING_POLICY, booked, spring)).toMatchObject({
      couponCode: 'Spring10',
      priceSnapshot: { subtotalMinor: 3000, couponCode: 'Spring10', discountMinor: 300, totalMinor: 2700 },
    });
    expect(bookingFieldsOf('c1', 'b1', { ...request, selectedPaymentOption: 'MEMBERSHIP' }, service, DEFAULT_BOOKING_POLICY, { ...booked, planOrderId: 'po1' })).toMatchObject({
      planOrderId: 'po1',
      priceSnapshot: { subtotalMinor: 1000, planOrderId: 'po1', coveredByPlanMinor: 1000, totalMinor: 0 },
    });
    expect(bookingFieldsOf('c1', 'b1', request, { ...service, payment: { rateType: 'NO_FEE', price: null, deposit: null, planIds: [] } }, DEFAULT_BOOKING_POLICY, booked).priceSnapshot).toBeNull();
  });

  it('refuses a coupon with a membership', () => {
    for (const selectedPaymentOption of ['MEMBERSHIP', 'MEMBERSHIP_OFFLINE'] as const) {
      expect(() => checkBookingRequest({ ...request, couponCode: 'SPRING10', selectedPaymentOption }, 'CUSTOMER')).toThrow(
        expect.objectContaining({ code: 'coupon-not-combinable', errors: [{ field: 'couponCode', reason: 'not with a membership' }] }),
      );
    }
    expect(() => checkBookingRequest({ ...request, couponCode: 'SPRING10', selectedPaymentOption: 'ONLINE' }, 'CUSTOMER')).not.toThrow();
  });

  it('names a new appointment session per revision', () => {
    expect(appointmentSessionIdOf('b1', 1)).toBe(appointmentSessionIdOf('b1', 1));
    expect(appointmentSessionIdOf('b1', 2)).not.toBe(appointmentSessionIdOf('b1', 1));
  });

  it('answers with the view and what its holder may do; holds what the view books', () => {
    const fields = bookingFieldsOf('c1', 'b1', request, service, DEFAULT_BOOKING_POLICY, { slot, sessionId: null, scheduleId: null });
    const events = bookingDecider.decide({ type: 'CreateBooking', id: 'b1', fields, draft: false }, bookingDecider.initialState(), { now, actor: 'BUSINESS', ignorePolicy: true });
    const state = fold(bookingDecider, events, bookingDecider.initialState());
    if (state.status === 'none') throw new Error('not created');
    expect(bookingAnswerOf(state.view, now, 'CUSTOMER')).toEqual({ ...state.view, allowedActions: allowedActions(state.view, now, 'CUSTOMER') });
    expect(targetOf(state.view, 'sch', 1)).toEqual({
      bookingId: 'b1',
      serviceType: 'APPOINTMENT',
      serviceScheduleId: 'sch',
      slot,
      sessionId: null,
      scheduleId: null,
      appointmentSessionId: appointmentSessionIdOf('b1', 1),
      partySize: 1,
      capacity: 1,
    });
  });
});

describe('credits a booking change gives back or takes', () => {
  const at = now.toISOString();
  const status = { id: 'b1', previousStatus: 'CONFIRMED' as const, actor: 'BUSINESS' as const, reason: null, at, holdsSlot: false };
  const withPlan = { planOrderId: 'o1' };

  it('gives back everything on a cancel that restores credits, and on a decline', () => {
    expect(creditChangeOf(withPlan, [{ type: 'booking.canceled', data: { ...status, withinPolicy: true, creditsRestored: true } }])).toEqual({ kind: 'restore' });
    expect(creditChangeOf(withPlan, [{ type: 'booking.declined', data: { ...status, previousStatus: 'PENDING' } }])).toEqual({ kind: 'restore' });
  });

  it('keeps them on a cancel that does not restore, a confirmation or a payment, and on a reschedule, at its new start', () => {
    expect(creditChangeOf(withPlan, [{ type: 'booking.canceled', data: { ...status, withinPolicy: false, creditsRestored: false } }])).toBeNull();
    expect(creditChangeOf(withPlan, [{ type: 'booking.rescheduled', data: { id: 'b1', slot, sessionId: null, appointmentSessionId: null, previous: { slot, sessionId: null }, at } }])).toEqual({
      kind: 'move',
      start: slot.start,
    });
    expect(creditChangeOf(withPlan, [{ type: 'booking.confirmed', data: { ...status, previousStatus: 'PENDING', holdsSlot: true } }])).toBeNull();
    expect(creditChangeOf(withPlan, [])).toBeNull();
  });

  it('takes the difference when the party grows, and gives it back when it shrinks', () => {
    const resized = (from: number, to: number) => [{ type: 'booking.participants-updated' as const, data: { id: 'b1', partySize: to, previous: { partySize: from }, at } }];
    expect(creditChangeOf(withPlan, resized(2, 5))).toEqual({ kind: 'redeem', credits: 3 });
    expect(creditChangeOf(withPlan, resized(5, 1))).toEqual({ kind: 'restore', credits: 4 });
  });

  it('changes nothing for a booking no plan order paid', () => {
    expect(creditChangeOf({ planOrderId: null }, [{ type: 'booking.declined', data: { ...status, previousStatus: 'PENDING' } }])).toBeNull();
  });
});
