import { performance } from 'node:perf_hooks';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import {
  AVAILABILITY_PROJECTION,
  AvailabilityData,
  ServiceInfo,
  SlotQuery,
  WalkPosition,
  calendarWindow,
  walkPage,
  walkStart,
  windowCalendars,
} from '@kairos/availability';
import { SEATS, WAITLISTS } from '@kairos/bookings';
import { DomainError } from '@kairos/core';
import { PLAN_ORDERS, PlanOrderView, orderCovers } from '@kairos/memberships';
import { InvalidCursor, ReadStore, findAll, opaqueCursor, openCursor } from '@kairos/read-store';
import { ALL_TIME, sessionInstances } from '@kairos/scheduling';
import { BOOKING_POLICIES, BookingPolicyFields, DEFAULT_BOOKING_POLICY, SERVICES, ServiceView } from '@kairos/services';
import { KairosConfig } from '../config/config';
import { readWindows } from './windows-reader';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { References, resourceReferences } from '../infrastructure/references';
import { CONFIG, READ_STORE } from '../infrastructure/tokens';
import { waitUntilProjected } from '../queries/read-models';
import { seriesInWindow } from '../sessions/sessions.queries';
import { gatherSchedules, serviceInfoOf } from './availability-inputs';

/** What a caller asks of availability (api.md §2, "Availability"), as the controller validated it. */
export interface AvailabilityRequest {
  serviceId: string;
  from: string;
  to: string;
  timeZone?: string;
  resourceIds?: string[];
  locationId?: string;
  partySize?: number;
  durationMinutes?: number;
  contactId?: string;
  includeUnbookable?: boolean;
  slotsPerDay?: number;
  cursor?: string;
  limit?: number;
}

export class QueryAvailability {
  constructor(readonly ctx: RequestContext, readonly request: AvailabilityRequest, readonly now: Date, readonly minPosition?: number) {}
}

/** A chunk should take a few milliseconds of the event loop: between chunks other requests run. */
const CHUNK_TARGET_MS = 4;
/** Start-grid points one chunk may lay out at most (every grid resource, every duration): what bounds a chunk's memory. */
const CHUNK_GRID_POINTS = 200_000;
/** A year per chunk at most (a day document per schedule and day to read), whatever the grid. */
const CHUNK_MAX_DAYS = 366;
/** A chunk's calendars reach 9 days beyond it (calendarWindow): a first chunk of up to a week keeps that overhead below the work. */
const FIRST_CHUNK_MAX_DAYS = 7;

/** Slot starts a day can hold at most (around the clock, every duration). */
const startsPerDay = (service: ServiceInfo): number => service.sessionDurations.reduce((sum, d) => sum + 1440 / (service.slotSplitIntervalMinutes ?? d), 0);

/** How many local days a chunk may span before its start grid outgrows CHUNK_GRID_POINTS. */
const maxChunkDays = (service: ServiceInfo): number => {
  if (service.type !== 'APPOINTMENT') return CHUNK_MAX_DAYS;
  const gridResources = Math.max(1, service.resourceGroups[0]?.resourceIds.length ?? 1);
  return Math.max(1, Math.min(CHUNK_MAX_DAYS, Math.floor(CHUNK_GRID_POINTS / (startsPerDay(service) * gridResources))));
};

/** The first chunk: the fewest days that could fill the page around the clock, up to a week. */
const firstChunkDays = (service: ServiceInfo, limit: number): number =>
  service.type === 'APPOINTMENT' ? Math.max(1, Math.min(FIRST_CHUNK_MAX_DAYS, Math.ceil((limit + 1) / startsPerDay(service)))) : FIRST_CHUNK_MAX_DAYS;

/**
 * Chunks of every walk in the process take turns, one per turn of the event loop: whatever else is
 * waiting (a health check, a booking, another query's reads) waits for one chunk at most, however
 * many walks run. Only the computing holds a turn, never a read.
 */
class ChunkTurns {
  private busy = false;
  private readonly waiting: (() => void)[] = [];

  async take(): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      // A turn of its own even when no other walk waits: requests that arrived meanwhile go first.
      await new Promise<void>((resolve) => setImmediate(resolve));
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    // The next chunk runs in a later turn of the loop, after the I/O that arrived meanwhile.
    if (next) setImmediate(next);
    else this.busy = false;
  }
}

const turns = new ChunkTurns();

/**
 * Reads what the engine needs from the read models and walks the span in chunks (libs/availability
 * walk.ts): each chunk reads its own windows and sessions, the walk stops at the page's last slot,
 * and a walk that used up its time budget answers what it found with a cursor that goes on from
 * there. Between chunks other requests get the event loop.
 */
@QueryHandler(QueryAvailability)
export class QueryAvailabilityHandler implements IQueryHandler<QueryAvailability> {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CONFIG) private readonly config: KairosConfig,
    private readonly references: References,
  ) {}

  async execute({ ctx, request, now, minPosition }: QueryAvailability) {
    const started = performance.now();
    const from = Date.parse(request.from);
    const to = Date.parse(request.to);
    if (to <= from) throw new DomainError('validation', 'to must be after from', [{ field: 'to', reason: 'not after from' }]);
    // Without a position to wait for, one checkpoint is enough to say what the answer reflects.
    let position: number | null = null;
    for (const projection of minPosition === undefined ? [AVAILABILITY_PROJECTION] : ['services', 'resources', 'scheduling', AVAILABILITY_PROJECTION, 'bookings']) {
      const reached = await waitUntilProjected(this.readStore, projection, minPosition);
      position = position === null || (reached !== null && reached < position) ? reached : position;
    }
    const tenant = ctx.tenant;
    const service = await this.readStore.get<ServiceView>(SERVICES, tenant, request.serviceId);
    if (!service || service.deletedAt) throw new DomainError('not-found', `service ${request.serviceId} does not exist`, [{ field: 'serviceId', reason: 'no such service' }]);
    // An appointment is served by the service's resources; class and course sessions are filtered by their own.
    if (service.type === 'APPOINTMENT') await this.references.requireAppointmentResources(tenant, service, request);
    else await this.references.requireAll(resourceReferences(tenant, request));

    const { schedules, resourceSchedules } = await gatherSchedules(this.readStore, tenant, service);
    const setting = { service: serviceInfoOf(service), policy: await this.policyOf(tenant, service.bookingPolicyId), schedules };
    const query: SlotQuery = {
      now: now.getTime(),
      from,
      to,
      timeZone: request.timeZone ?? schedules.get(service.scheduleId)?.timeZone ?? 'UTC',
      partySize: request.partySize ?? 1,
      durationMinutes: request.durationMinutes,
      resourceIds: request.resourceIds,
      locationId: request.locationId,
      includeUnbookable: request.includeUnbookable ?? false,
      slotsPerDay: request.slotsPerDay,
      contactId: request.contactId,
    };

    // Chunks grow while they stay quick and shrink when they do not, within what bounds their memory.
    const limitDays = maxChunkDays(setting.service);
    const limit = request.limit ?? 50;
    let days = Math.min(firstChunkDays(setting.service, limit), limitDays);
    let chunkStarted = performance.now();
    // The turn this walk holds while the engine computes a chunk.
    let holding = false;
    const takeTurn = async () => {
      await turns.take();
      holding = true;
      chunkStarted = performance.now();
    };
    const letGo = () => {
      if (holding) turns.release();
      holding = false;
    };
    const load = async (chunk: { from: number; to: number }): Promise<AvailabilityData> => {
      // A course is booked whole: all of its sessions count, and no calendar does.
      if (service.type === 'COURSE') {
        const sessions = (await seriesInWindow(this.readStore, tenant, { scheduleId: service.scheduleId }, ALL_TIME.from, ALL_TIME.to)).flatMap((doc) => sessionInstances(doc, ALL_TIME));
        const seats = await this.seats(tenant, [service.scheduleId]);
        await takeTurn();
        return { ...setting, resourceSchedules, ownCalendar: () => undefined, serviceSessions: sessions, ...seats };
      }
      const window = calendarWindow(chunk);
      const range = { from: new Date(window.from), to: new Date(window.to) };
      const [windows, serviceSessions] = await Promise.all([
        readWindows(this.readStore, tenant, [...schedules.keys()], window),
        service.type === 'APPOINTMENT'
          ? []
          : seriesInWindow(this.readStore, tenant, { scheduleId: service.scheduleId }, range.from, range.to).then((docs) => docs.flatMap((doc) => sessionInstances(doc, range))),
      ]);
      const seats = await this.seats(tenant, serviceSessions.map((i) => i.id));
      // The walk computes the chunk as soon as this returns, holding the turn until goOn or the page's end.
      await takeTurn();
      return { ...setting, resourceSchedules, ownCalendar: windowCalendars(schedules, windows, window), serviceSessions, ...seats };
    };

    const start = request.cursor ? decodeWalkCursor(request.cursor, query) : walkStart(query);
    const walk = walkPage(setting, query, start, limit, {
      load,
      chunkDays: () => days,
      goOn: () => {
        letGo();
        const now = performance.now();
        days = now - chunkStarted < CHUNK_TARGET_MS ? Math.min(limitDays, days * 2) : Math.max(1, Math.floor(days / 2));
        return now - started < this.config.availabilityBudgetMs;
      },
    }).finally(letGo);
    // One read of the contact's orders for the whole page, beside the walk; each slot is then a pure check.
    const [page, orders] = await Promise.all([walk, request.contactId ? findAll<PlanOrderView>(this.readStore, PLAN_ORDERS, tenant, { contactId: request.contactId, status: 'ACTIVE' }) : null]);
    const covered = (start: string, covering: PlanOrderView[]) =>
      covering.some((order) => orderCovers(order, { serviceId: service.id, servicePlanIds: service.payment.planIds, start, credits: query.partySize, now }));
    const items = orders ? page.items.map((slot) => ({ ...slot, coveredByPlan: covered(slot.start, orders) })) : page.items;
    return new Positioned({ items, nextCursor: page.next ? encodeWalkCursor(page.next) : null }, position);
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

/** A cursor is where the walk stands. */
export const encodeWalkCursor = (position: WalkPosition): string =>
  opaqueCursor([position.at, position.after && [position.after.start, position.after.end, position.after.sessionId], position.anchors]);

const isMillis = (value: unknown): value is number => Number.isSafeInteger(value);

/** A cursor this service issued for this query, or InvalidCursor (400): a forged one must not steer the walk anywhere odd. */
export const decodeWalkCursor = (cursor: string, query: Pick<SlotQuery, 'from' | 'to'>): WalkPosition => {
  const decoded = openCursor(cursor);
  if (!Array.isArray(decoded) || decoded.length !== 3) throw new InvalidCursor();
  const [at, after, anchors] = decoded as unknown[];
  if (!isMillis(at) || at < query.from || at > query.to) throw new InvalidCursor();
  const validAfter =
    after === null ||
    (Array.isArray(after) && after.length === 3 && isMillis(after[0]) && isMillis(after[1]) && (after[2] === null || (typeof after[2] === 'string' && after[2].length <= 100)));
  if (!validAfter) throw new InvalidCursor();
  if (typeof anchors !== 'object' || anchors === null || Array.isArray(anchors)) throw new InvalidCursor();
  const entries = Object.entries(anchors);
  if (!entries.every(([id, anchor]) => id.length <= 100 && isMillis(anchor) && anchor <= at)) throw new InvalidCursor();
  return {
    at,
    after: after === null ? null : { start: (after as number[])[0], end: (after as number[])[1], sessionId: (after as (string | null)[])[2] },
    anchors: Object.fromEntries(entries) as Record<string, number>,
  };
};
