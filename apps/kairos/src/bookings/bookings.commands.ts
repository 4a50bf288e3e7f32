import { Inject, Injectable } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AvailabilityData, availability, calendarWindow, windowCalendars } from '@kairos/availability';
import {
  BookedSlot,
  BookingCommand,
  BookingContext,
  BookingFields,
  BookingState,
  BookingView,
  allowedActions,
  bookingDecider,
  bookingStream,
  slotHoldDecider,
  slotHoldStream,
  waitlistDecider,
  waitlistStream,
} from '@kairos/bookings';
import { DomainError, KAIROS_NAMESPACE, existing, fold, newId, uuidV5 } from '@kairos/core';
import { ReadStore } from '@kairos/read-store';
import { ALL_TIME, ScheduleView, SessionInstance, scheduleDecider, scheduleStream, sessionInstances } from '@kairos/scheduling';
import {
  BookingPolicyFields,
  DEFAULT_BOOKING_POLICY,
  ServiceView,
  bookingPolicyDecider,
  bookingPolicyStream,
  defaultPolicyDecider,
  defaultPolicyStream,
  serviceDecider,
  serviceStream,
} from '@kairos/services';
import { RequestContext } from '../http/request-context';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { References } from '../infrastructure/references';
import { READ_STORE } from '../infrastructure/tokens';
import { gatherSchedules, serviceInfoOf } from '../availability/availability-inputs';
import { readWindows } from '../availability/windows-reader';
import { resolveSession } from '../sessions/sessions.commands';
import { seriesInWindow } from '../sessions/sessions.queries';
import { CreateBookingDto } from './bookings.dto';
import { HoldTarget, Holds, appointmentSessionIdOf } from './holds';

export class CreateBooking {
  /** `waitlistEntryId`: accepting a waitlist offer, whose locked seats this booking takes. */
  constructor(readonly ctx: RequestContext, readonly dto: CreateBookingDto, readonly waitlistEntryId?: string) {}
}

/** A booking as callers see it: the aggregate plus what its holder may still do. */
export const answerOf = (view: BookingView, now: Date, actor: RequestContext['actor']['type']) => ({ ...view, allowedActions: allowedActions(view, now, actor) });

export const viewOf = (state: BookingState): BookingView => existing(state, 'booking');

export const targetOf = (v: Pick<BookingView, 'id' | 'serviceType' | 'slot' | 'sessionId' | 'scheduleId' | 'appointmentSessionId' | 'partySize'>, serviceScheduleId: string, capacity: number): HoldTarget => ({
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

/**
 * Reads, fresh from the event store, what a booking decision depends on: the service, its policy
 * (snapshotted into the booking), and the session or schedule booked.
 */
@Injectable()
export class BookingFacts {
  constructor(
    private readonly es: EventSourcing,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly references: References,
  ) {}

  async service(tenant: string, id: string): Promise<ServiceView> {
    const { state } = await this.es.load(serviceStream(tenant, id), serviceDecider);
    if (state.status !== 'active') throw new DomainError('not-found', `service ${id} does not exist`, [{ field: 'serviceId', reason: 'no such service' }]);
    return state.view;
  }

  async policy(tenant: string, policyId: string | null): Promise<BookingPolicyFields> {
    const defaults = policyId ? null : await this.es.load(defaultPolicyStream(tenant), defaultPolicyDecider);
    const id = policyId ?? defaults?.state.policyId;
    if (!id) return DEFAULT_BOOKING_POLICY;
    const { state } = await this.es.load(bookingPolicyStream(tenant, id), bookingPolicyDecider);
    if (state.status !== 'active') return DEFAULT_BOOKING_POLICY;
    const { id: _i, revision: _r, createdAt: _c, updatedAt: _u, deletedAt: _d, ...fields } = state.view;
    return fields;
  }

  async schedule(tenant: string, id: string): Promise<ScheduleView> {
    const { state } = await this.es.load(scheduleStream(tenant, id), scheduleDecider);
    if (state.status === 'none') throw new DomainError('not-found', `schedule ${id} does not exist`, [{ field: 'scheduleId', reason: 'no such schedule' }]);
    return state.view;
  }

  /**
   * The engine answers whether the slot is open (working hours, sessions, buffers) from the read
   * models, and which resources are free; the claims appended with the booking then make sure no
   * concurrent booking took them in the meantime.
   */
  async appointmentSlot(
    ctx: RequestContext,
    service: ServiceView,
    policy: BookingPolicyFields,
    asked: NonNullable<CreateBookingDto['slot']>,
    bookingId: string,
    now: Date,
    ignoring?: string[],
  ): Promise<BookedSlot> {
    await this.references.requireAppointmentResources(ctx.tenant, service, asked, 'slot.');
    const start = Date.parse(asked.start);
    const end = Date.parse(asked.end);
    const duration = (end - start) / MINUTE;
    if (!service.sessionDurations.includes(duration)) {
      throw new DomainError('validation', `the service lasts ${service.sessionDurations.join(' or ')} minutes`, [{ field: 'slot.end', reason: 'not a duration of the service' }]);
    }
    const { schedules, resourceSchedules } = await gatherSchedules(this.readStore, ctx.tenant, service);
    const window = calendarWindow({ from: start, to: start + 1 });
    const windows = await readWindows(this.readStore, ctx.tenant, [...schedules.keys()], window);
    const data: AvailabilityData = {
      service: serviceInfoOf(service),
      policy,
      schedules,
      resourceSchedules,
      ownCalendar: windowCalendars(schedules, windows, window),
      serviceSessions: [],
      booked: new Map(),
      offers: new Map(),
      waitlists: new Map(),
    };
    const [open] = availability(data, {
      now: now.getTime(),
      from: start,
      to: start + 1,
      timeZone: 'UTC',
      partySize: 1,
      durationMinutes: duration,
      resourceIds: asked.resourceIds,
      includeUnbookable: true,
      ignoring,
    }).filter((s) => Date.parse(s.start) === start);
    if (!open) throw new DomainError('slot-taken', 'the slot is not open', [{ field: 'slot', reason: 'not available' }]);
    // How booked each free resource is that day, from the windows already read: fairness needs no
    // fresher answer than the read model, and no extra reads per candidate.
    const dayStart = Math.floor(start / 86_400_000) * 86_400_000;
    const load = new Map<string, number>();
    for (const id of new Set(open.resources.flatMap((r) => r.resourceIds))) {
      const busy = windows.months.get(resourceSchedules.get(id) ?? '')?.busy ?? [];
      load.set(id, busy.filter((b) => b.start < dayStart + 86_400_000 && b.end > dayStart).length);
    }
    const resourceIds = open.resources.flatMap(({ groupIndex, resourceIds: free }) => {
      const group = service.resourceGroups[groupIndex];
      const chosen = free.filter((id) => asked.resourceIds?.includes(id));
      const ties = new Map(free.map((id) => [id, tieBreak(bookingId, id)]));
      const rest = free.filter((id) => !chosen.includes(id)).sort((a, b) => load.get(a)! - load.get(b)! || ties.get(a)! - ties.get(b)!);
      return [...chosen, ...rest].slice(0, group.requiredCount);
    });
    return {
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      timeZone: schedules.get(service.scheduleId)?.timeZone ?? 'UTC',
      resourceIds,
      locationId: asked.locationId ?? service.locations.find((l) => l.id)?.id ?? null,
      bufferBeforeMinutes: service.bufferBeforeMinutes,
      bufferAfterMinutes: service.bufferAfterMinutes,
    };
  }

  async courseSpan(ctx: RequestContext, service: ServiceView, schedule: ScheduleView): Promise<BookedSlot> {
    const instances = (await seriesInWindow(this.readStore, ctx.tenant, { scheduleId: service.scheduleId }, ALL_TIME.from, ALL_TIME.to))
      .flatMap((doc) => sessionInstances(doc, ALL_TIME))
      .filter((i) => i.status === 'ACTIVE' && i.type === 'EVENT');
    if (instances.length === 0) throw new DomainError('invalid-transition', 'the course has no sessions');
    const start = Math.min(...instances.map((i) => Date.parse(i.start)));
    const end = Math.max(...instances.map((i) => Date.parse(i.end)));
    return { start: new Date(start).toISOString(), end: new Date(end).toISOString(), timeZone: schedule.timeZone, resourceIds: [], locationId: schedule.locationId, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 };
  }

  /** A class session by id alone: its service is the owner of the session's schedule. */
  async classContext(tenant: string, sessionId: string): Promise<{ service: ServiceView; session: SessionInstance; capacity: number }> {
    const resolved = await resolveSession(this.es, this.readStore, tenant, sessionId);
    if (resolved.series.state.status === 'none') throw new DomainError('not-found', `session ${sessionId} does not exist`);
    const schedule = await this.schedule(tenant, resolved.series.state.view.scheduleId);
    if (schedule.ownerType !== 'SERVICE') throw new DomainError('not-found', `session ${sessionId} is not a class session`, [{ field: 'sessionId', reason: 'not a class session' }]);
    const service = await this.service(tenant, schedule.ownerId);
    const session = await this.classSession(tenant, service, sessionId);
    return { service, session, capacity: session.capacity ?? schedule.capacity };
  }

  /** A class session instance of the service, as it stands in the event store. */
  async classSession(tenant: string, service: ServiceView, sessionId: string): Promise<SessionInstance> {
    const resolved = await resolveSession(this.es, this.readStore, tenant, sessionId).catch(() => {
      throw new DomainError('not-found', `session ${sessionId} does not exist`, [{ field: 'sessionId', reason: 'no such session' }]);
    });
    const view = resolved.series.state.status === 'none' ? null : resolved.series.state.view;
    const at = resolved.instance ? Date.parse(resolved.instance.originalStart) : view ? Date.parse(sessionInstances(view, ALL_TIME)[0]?.originalStart ?? '0') : 0;
    const instance = view
      ? sessionInstances(view, { from: new Date(at - 400 * 86_400_000), to: new Date(at + 400 * 86_400_000) }).find((i) => i.id === sessionId)
      : undefined;
    if (!instance || instance.scheduleId !== service.scheduleId || instance.type !== 'EVENT') {
      throw new DomainError('not-found', `session ${sessionId} is not a session of this class`, [{ field: 'sessionId', reason: 'not a session of the service' }]);
    }
    if (instance.status !== 'ACTIVE') throw new DomainError('invalid-transition', 'the session is canceled');
    return instance;
  }
}

const MINUTE = 60_000;

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

@CommandHandler(CreateBooking)
export class CreateBookingHandler implements ICommandHandler<CreateBooking> {
  constructor(
    private readonly es: EventSourcing,
    private readonly holds: Holds,
    private readonly facts: BookingFacts,
    private readonly references: References,
  ) {}

  async execute({ ctx, dto, waitlistEntryId }: CreateBooking) {
    const id = dto.id ?? newId();
    const given = [dto.slot && 'slot', dto.sessionId && 'sessionId', dto.scheduleId && 'scheduleId'].filter(Boolean);
    if (given.length !== 1) {
      throw new DomainError('validation', 'give exactly one of slot, sessionId, scheduleId', [{ field: given[1] ?? 'slot', reason: 'exactly one of slot, sessionId, scheduleId' }]);
    }
    if (!dto.contactId && !dto.contact) throw new DomainError('validation', 'give contactId or contact', [{ field: 'contactId', reason: 'required without contact' }]);
    if (dto.ignorePolicy && ctx.actor.type !== 'BUSINESS') throw new DomainError('forbidden', 'only the business may override the policy');
    if (dto.holdId) await this.references.requireAll([{ field: 'holdId', streamId: slotHoldStream(ctx.tenant, dto.holdId), noun: 'slot hold' }]);

    return this.es.retrying(async () => {
      const now = this.es.now();
      // Loads asked for together share one read of the event store (SqlEventStore.readStream).
      const [service, booking, held] = await Promise.all([
        this.facts.service(ctx.tenant, dto.serviceId),
        this.es.load(bookingStream(ctx.tenant, id), bookingDecider),
        dto.holdId ? this.es.load(slotHoldStream(ctx.tenant, dto.holdId), slotHoldDecider) : null,
      ]);
      const [policy, schedule] = await Promise.all([this.facts.policy(ctx.tenant, service.bookingPolicyId), this.facts.schedule(ctx.tenant, service.scheduleId)]);
      if (dto.scheduleId && dto.scheduleId !== service.scheduleId) {
        await this.references.requireAll([{ field: 'scheduleId', streamId: scheduleStream(ctx.tenant, dto.scheduleId), noun: 'schedule' }]);
      }
      const partySize = dto.partySize ?? 1;
      let slot: BookedSlot;
      let capacity = 1;
      let sessionId: string | null = null;
      let scheduleId: string | null = null;
      const hold = held?.state.status === 'exists' ? held.state.view : null;
      if (held && (!hold || hold.serviceId !== service.id || hold.slot.start !== new Date(dto.slot?.start ?? hold.slot.start).toISOString() || (dto.sessionId ?? hold.sessionId) !== hold.sessionId)) {
        throw new DomainError('validation', 'the hold is for another service or slot', [{ field: 'holdId', reason: 'does not match the booking' }]);
      }
      if (hold && service.type === 'APPOINTMENT') {
        // The hold already checked the slot and took its resources; the booking takes them over.
        slot = hold.slot;
      } else if (service.type === 'APPOINTMENT') {
        if (!dto.slot) throw new DomainError('validation', 'an appointment is booked by slot', [{ field: 'slot', reason: 'required for an APPOINTMENT' }]);
        slot = await this.facts.appointmentSlot(ctx, service, policy, dto.slot, id, now);
      } else if (service.type === 'CLASS') {
        if (!dto.sessionId) throw new DomainError('validation', 'a class is booked by session', [{ field: 'sessionId', reason: 'required for a CLASS' }]);
        const session = await this.facts.classSession(ctx.tenant, service, dto.sessionId);
        sessionId = session.id;
        capacity = session.capacity ?? schedule.capacity;
        slot = classSlotOf(session);
      } else {
        if (dto.scheduleId !== service.scheduleId) throw new DomainError('validation', 'a course is booked by its schedule', [{ field: 'scheduleId', reason: 'the service\'s schedule' }]);
        scheduleId = service.scheduleId;
        capacity = schedule.capacity;
        slot = await this.facts.courseSpan(ctx, service, schedule);
      }
      const fields: BookingFields = {
        serviceId: service.id,
        serviceType: service.type,
        slot,
        sessionId,
        scheduleId,
        appointmentSessionId: service.type === 'APPOINTMENT' ? appointmentSessionIdOf(id, 1) : null,
        contactId: dto.contactId ?? uuidV5(KAIROS_NAMESPACE, `contact:${ctx.tenant}:${(dto.contact?.email ?? dto.contact?.phone ?? dto.contact?.name ?? id).toLowerCase()}`),
        contactDetails: dto.contact ? { name: dto.contact.name ?? null, email: dto.contact.email ?? null, phone: dto.contact.phone ?? null } : null,
        partySize,
        selectedPaymentOption: dto.selectedPaymentOption ?? 'OFFLINE',
        price: service.payment.price,
        planOrderId: null,
        couponCode: null,
        policySnapshot: policy,
      };
      const context: BookingContext = {
        now,
        actor: ctx.actor.type,
        ignorePolicy: dto.ignorePolicy,
        onlineBookingEnabled: service.onlineBooking.enabled,
        requireManualApproval: service.onlineBooking.requireManualApproval,
        allowMultipleRequests: service.onlineBooking.allowMultipleRequests,
      };
      const command: BookingCommand = { type: 'CreateBooking', id, fields, draft: dto.draft ?? false };
      const events = bookingDecider.decide(command, booking.state, context);
      const created = viewOf(fold(bookingDecider, events, booking.state));
      const holdEnds = hold && held
        ? [{ streamId: slotHoldStream(ctx.tenant, hold.id), expected: held.expected, events: slotHoldDecider.decide({ type: 'BookHold', bookingId: id, contactId: fields.contactId ?? '' }, held.state, { now }) }]
        : [];
      const accepting = waitlistEntryId && fields.contactId ? { entryId: waitlistEntryId, contactId: fields.contactId } : undefined;
      const take = created.holdsSlot ? { ...targetOf(created, service.scheduleId, capacity), acceptingEntry: accepting } : null;
      const offerEnds = [];
      if (accepting && sessionId) {
        const waitlist = await this.es.load(waitlistStream(ctx.tenant, sessionId), waitlistDecider);
        offerEnds.push({ streamId: waitlistStream(ctx.tenant, sessionId), expected: waitlist.expected, events: waitlistDecider.decide({ type: 'Accept', ...accepting, bookingId: id }, waitlist.state, { now }) });
      }
      // After the offer is judged, so a lapsed offer answers offer-expired rather than a locked seat.
      const guards = await this.holds.change(ctx, hold ? targetOf(hold, service.scheduleId, capacity) : null, take, now);
      return this.es.commit(ctx, [{ streamId: bookingStream(ctx.tenant, id), expected: booking.expected, events }, ...holdEnds, ...offerEnds, ...guards], now, answerOf(created, now, ctx.actor.type), `/v1/bookings/${id}`);
    });
  }
}

/**
 * "Any staff": the free resource with the fewest sessions that day goes first; among equals, a
 * stable hash of the booking picks, so ties rotate instead of piling on the first.
 */
const tieBreak = (bookingId: string, resourceId: string) => parseInt(uuidV5(KAIROS_NAMESPACE, `${bookingId}:${resourceId}`).slice(0, 8), 16);
