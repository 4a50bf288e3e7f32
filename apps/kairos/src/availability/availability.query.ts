import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AvailabilityData, Slot, availability, calendarWindow, readWindows, windowCalendars } from '@kairos/availability';
import { SEATS, WAITLISTS } from '@kairos/bookings';
import { DomainError } from '@kairos/core';
import { ReadStore, decodeCursor, encodeCursor } from '@kairos/read-store';
import { ALL_TIME, sessionInstances } from '@kairos/scheduling';
import { BOOKING_POLICIES, BookingPolicyFields, DEFAULT_BOOKING_POLICY, SERVICES, ServiceView } from '@kairos/services';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { READ_STORE } from '../infrastructure/tokens';
import { waitUntilProjected } from '../queries/read-models';
import { gatherSchedules, serviceInfoOf } from './availability-inputs';
import { seriesInWindow } from '../sessions/sessions.queries';
import { AvailabilityQueryDto } from './availability.dto';

export class QueryAvailability {
  constructor(readonly ctx: RequestContext, readonly dto: AvailabilityQueryDto, readonly now: Date) {}
}


/** Reads what the engine needs from the read models, then asks the pure engine. */
@QueryHandler(QueryAvailability)
export class QueryAvailabilityHandler implements IQueryHandler<QueryAvailability> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute({ ctx, dto, now }: QueryAvailability) {
    const from = Date.parse(dto.from);
    const to = Date.parse(dto.to);
    if (to <= from) throw new DomainError('validation', 'to must be after from', [{ field: 'to', reason: 'not after from' }]);
    // Without a position to wait for, one checkpoint is enough to say what the answer reflects.
    let position: number | null = null;
    for (const projection of dto.minPosition === undefined ? ['availability'] : ['services', 'resources', 'scheduling', 'availability', 'bookings']) {
      const reached = await waitUntilProjected(this.readStore, projection, dto.minPosition);
      position = position === null || (reached !== null && reached < position) ? reached : position;
    }
    const tenant = ctx.tenant;
    const service = await this.readStore.get<ServiceView>(SERVICES, tenant, dto.serviceId);
    if (!service || service.deletedAt) throw new DomainError('not-found', `service ${dto.serviceId} does not exist`, [{ field: 'serviceId', reason: 'no such service' }]);

    const { schedules, resourceSchedules } = await gatherSchedules(this.readStore, tenant, service);
    const serviceSchedule = schedules.get(service.scheduleId);

    const window = calendarWindow({ from, to });
    const windows = await readWindows(this.readStore, tenant, [...schedules.keys()], window);
    // A course is booked whole, so all of its sessions count; a class only those in the window.
    const range = service.type === 'COURSE' ? ALL_TIME : { from: new Date(window.from), to: new Date(window.to) };
    const serviceSessions =
      service.type === 'APPOINTMENT'
        ? []
        : (await seriesInWindow(this.readStore, tenant, { scheduleId: service.scheduleId }, range.from, range.to)).flatMap((doc) => sessionInstances(doc, range));

    const data: AvailabilityData = {
      service: serviceInfoOf(service),
      policy: await this.policyOf(tenant, service.bookingPolicyId),
      schedules,
      resourceSchedules,
      ownCalendar: windowCalendars(schedules, windows, window),
      serviceSessions,
      ...(await this.seats(tenant, service.type === 'COURSE' ? [service.scheduleId] : serviceSessions.map((i) => i.id))),
    };
    const slots = availability(data, {
      now: now.getTime(),
      from,
      to,
      timeZone: dto.timeZone ?? serviceSchedule?.timeZone ?? 'UTC',
      partySize: dto.partySize ?? 1,
      durationMinutes: dto.durationMinutes,
      resourceIds: dto.resourceIds,
      locationId: dto.locationId,
      includeUnbookable: dto.includeUnbookable ?? false,
      slotsPerDay: dto.slotsPerDay,
      contactId: dto.contactId,
    });
    return new Positioned(page(slots, dto.limit ?? 50, dto.cursor), position);
  }

  /** Seats taken and offered per class session or course, and how many wait for them. */
  private async seats(tenant: string, offerIds: string[]): Promise<Pick<AvailabilityData, 'booked' | 'offers' | 'waitlists'>> {
    const [seats, waitlists] = await Promise.all([
      this.readStore.getMany<{ id: string; total: number; locks?: Record<string, { contactId: string; partySize: number; until: number }> }>(SEATS, tenant, offerIds),
      this.readStore.getMany<{ id: string; waiting: number }>(WAITLISTS, tenant, offerIds),
    ]);
    return {
      booked: new Map(seats.map((d) => [d.id, d.total])),
      offers: new Map(seats.map((d) => [d.id, Object.values(d.locks ?? {})])),
      waitlists: new Map(waitlists.map((d) => [d.id, d.waiting])),
    };
  }

  private async policyOf(tenant: string, policyId: string | null): Promise<BookingPolicyFields> {
    if (policyId) {
      const policy = await this.readStore.get<BookingPolicyFields & { id: string }>(BOOKING_POLICIES, tenant, policyId);
      if (policy) return policy;
    }
    const defaults = await this.readStore.find<BookingPolicyFields & { id: string }>(BOOKING_POLICIES, tenant, { where: { isDefault: true, deletedAt: null }, limit: 1 });
    return defaults.items[0] ?? DEFAULT_BOOKING_POLICY;
  }
}

const keyOf = (slot: Slot) => `${slot.end}|${slot.sessionId ?? ''}`;

const page = (slots: Slot[], limit: number, cursor?: string) => {
  let rest = slots;
  if (cursor) {
    const [start, key] = decodeCursor(cursor) as [string, string];
    rest = slots.filter((s) => s.start > start || (s.start === start && keyOf(s) > key));
  }
  const items = rest.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rest.length > limit && last ? encodeCursor(last.start, keyOf(last)) : null };
};
