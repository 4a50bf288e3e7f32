import { Inject, Injectable } from '@nestjs/common';
import { AskedStart, AvailabilityData, Window, WindowsSnapshot, calendarWindow, slotAt, slotAtByRange, slotWindow, windowCalendars } from '@kairos/availability';
import { AskedSlot, BookedSlot, assignResources, checkDuration, courseSpanOf, dayLoadOf } from '@kairos/bookings';
import { DomainError } from '@kairos/core';
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
import { gatherSchedules, serviceInfoOf } from '../availability/availability-inputs';
import { StreamReader, streamOf } from '../infrastructure/command-handling';
import { References } from '../infrastructure/references';
import { READ_STORE } from '../infrastructure/tokens';
import { resolveSession } from '../sessions/sessions.commands';
import { seriesInWindow } from '../sessions/sessions.queries';
import { readWindows } from '../availability/windows-reader';

const DAY = 86_400_000;

/**
 * Reads, fresh from the event store (through the attempt's reader, so a command's append guards
 * what it read), what a booking decision depends on: the service, its policy (snapshotted into the
 * booking), and the session or schedule booked.
 */
@Injectable()
export class BookingFacts {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore, private readonly references: References) {}

  async service(reader: StreamReader, tenant: string, id: string): Promise<ServiceView> {
    const state = await reader.read(streamOf(serviceStream(tenant, id), serviceDecider));
    if (state.status !== 'ACTIVE') throw new DomainError('not-found', `service ${id} does not exist`, [{ field: 'serviceId', reason: 'no such service' }]);
    return state.view;
  }

  async policy(reader: StreamReader, tenant: string, policyId: string | null): Promise<BookingPolicyFields> {
    const defaults = policyId ? null : await reader.read(streamOf(defaultPolicyStream(tenant), defaultPolicyDecider));
    const id = policyId ?? defaults?.policyId;
    if (!id) return DEFAULT_BOOKING_POLICY;
    const state = await reader.read(streamOf(bookingPolicyStream(tenant, id), bookingPolicyDecider));
    if (state.status !== 'ACTIVE') return DEFAULT_BOOKING_POLICY;
    const { id: _i, revision: _r, createdAt: _c, updatedAt: _u, deletedAt: _d, ...fields } = state.view;
    return fields;
  }

  async schedule(reader: StreamReader, tenant: string, id: string): Promise<ScheduleView> {
    const state = await reader.read(streamOf(scheduleStream(tenant, id), scheduleDecider));
    if (state.status === 'none') throw new DomainError('not-found', `schedule ${id} does not exist`, [{ field: 'scheduleId', reason: 'no such schedule' }]);
    return state.view;
  }

  /**
   * The engine answers whether the slot is open (working hours, sessions, buffers) from the read
   * models, and which resources are free; the claims appended with the booking then make sure no
   * concurrent booking took them in the meantime.
   */
  async appointmentSlot(
    tenant: string,
    service: ServiceView,
    policy: BookingPolicyFields,
    asked: AskedSlot,
    bookingId: string,
    now: Date,
    ignoring?: string[],
  ): Promise<BookedSlot> {
    await this.references.requireAppointmentResources(tenant, service, asked, 'slot.');
    const start = Date.parse(asked.start);
    const end = Date.parse(asked.end);
    const duration = checkDuration(service, asked);
    const { schedules, resourceSchedules } = await gatherSchedules(this.readStore, tenant, service);
    const scheduleIds = [...schedules.keys()];
    const dataOver = (window: Window, windows: WindowsSnapshot): AvailabilityData => ({
      service: serviceInfoOf(service),
      policy,
      schedules,
      resourceSchedules,
      ownCalendar: windowCalendars(schedules, windows, window),
      serviceSessions: [],
      booked: new Map(),
      offers: new Map(),
      waitlists: new Map(),
    });
    const at: AskedStart = { now: now.getTime(), start, timeZone: 'UTC', partySize: 1, durationMinutes: duration, resourceIds: asked.resourceIds, includeUnbookable: true, ignoring };
    // One start needs a day or so of calendars, not the nine days of a range; a working span begun
    // before them (a shift of a day or longer) is rare and asks for the range.
    const short = slotWindow(service, at);
    let windows = await readWindows(this.readStore, tenant, scheduleIds, short);
    let open = slotAt(dataOver(short, windows), at);
    if (open === 'wider') {
      const window = calendarWindow({ from: start, to: start + 1 });
      windows = await readWindows(this.readStore, tenant, scheduleIds, window);
      open = slotAtByRange(dataOver(window, windows), at);
    }
    if (!open) throw new DomainError('slot-taken', 'the slot is not open', [{ field: 'slot', reason: 'not available' }]);
    // How booked each free resource is that day, from the windows already read (either window holds
    // the whole UTC day of the start): fairness needs no fresher answer than the read model, and no
    // extra reads per candidate.
    const dayLoad = (id: string) => dayLoadOf(windows.blocks.get(resourceSchedules.get(id) ?? '')?.busy ?? [], start);
    return {
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      timeZone: schedules.get(service.scheduleId)?.timeZone ?? 'UTC',
      resourceIds: assignResources(bookingId, service.resourceGroups, open.resources, asked.resourceIds, dayLoad),
      locationId: asked.locationId ?? service.locations.find((l) => l.id)?.id ?? null,
      bufferBeforeMinutes: service.bufferBeforeMinutes,
      bufferAfterMinutes: service.bufferAfterMinutes,
    };
  }

  async courseSpan(tenant: string, service: ServiceView, schedule: ScheduleView): Promise<BookedSlot> {
    const series = await seriesInWindow(this.readStore, tenant, { scheduleId: service.scheduleId }, ALL_TIME.from, ALL_TIME.to);
    return courseSpanOf(series.flatMap((doc) => sessionInstances(doc, ALL_TIME)), schedule);
  }

  /**
   * The service a request names, or, for a class session or a course schedule named alone, the
   * service owning its schedule: a slot from availability carries its service, a session or a
   * schedule tells it.
   */
  async serviceOf(reader: StreamReader, tenant: string, asked: { serviceId?: string; sessionId?: string; scheduleId?: string }): Promise<ServiceView> {
    if (asked.serviceId) return this.service(reader, tenant, asked.serviceId);
    if (!asked.sessionId && !asked.scheduleId) throw new DomainError('validation', 'a slot names its service', [{ field: 'slot.serviceId', reason: 'required with slot' }]);
    const field = asked.sessionId ? 'sessionId' : 'scheduleId';
    const scheduleId = asked.sessionId ? await this.sessionScheduleId(reader, tenant, asked.sessionId) : asked.scheduleId!;
    const schedule = await this.schedule(reader, tenant, scheduleId);
    if (schedule.ownerType !== 'SERVICE') {
      throw new DomainError('not-found', `${field} ${asked.sessionId ?? scheduleId} belongs to no service`, [{ field, reason: asked.sessionId ? 'not a class session' : 'not the schedule of a service' }]);
    }
    return this.service(reader, tenant, schedule.ownerId);
  }

  private async sessionScheduleId(reader: StreamReader, tenant: string, sessionId: string): Promise<string> {
    const resolved = await resolveSession(reader, this.readStore, tenant, sessionId).catch(() => null);
    if (!resolved || resolved.state.status === 'none') throw new DomainError('not-found', `session ${sessionId} does not exist`, [{ field: 'sessionId', reason: 'no such session' }]);
    return resolved.state.view.scheduleId;
  }

  /** A class session by id alone: its service is the owner of the session's schedule. */
  async classContext(reader: StreamReader, tenant: string, sessionId: string): Promise<{ service: ServiceView; session: SessionInstance; capacity: number }> {
    const service = await this.serviceOf(reader, tenant, { sessionId });
    const session = await this.classSession(reader, tenant, service, sessionId);
    return { service, session, capacity: session.capacity ?? (await this.schedule(reader, tenant, service.scheduleId)).capacity };
  }

  /** A class session instance of the service, as it stands in the event store. */
  async classSession(reader: StreamReader, tenant: string, service: ServiceView, sessionId: string): Promise<SessionInstance> {
    const resolved = await resolveSession(reader, this.readStore, tenant, sessionId).catch(() => {
      throw new DomainError('not-found', `session ${sessionId} does not exist`, [{ field: 'sessionId', reason: 'no such session' }]);
    });
    const view = resolved.state.status === 'none' ? null : resolved.state.view;
    const at = resolved.instance ? Date.parse(resolved.instance.originalStart) : view ? Date.parse(sessionInstances(view, ALL_TIME)[0]?.originalStart ?? '0') : 0;
    const instance = view ? sessionInstances(view, { from: new Date(at - 400 * DAY), to: new Date(at + 400 * DAY) }).find((i) => i.id === sessionId) : undefined;
    if (!instance || instance.scheduleId !== service.scheduleId || instance.type !== 'EVENT') {
      throw new DomainError('not-found', `session ${sessionId} is not a session of this class`, [{ field: 'sessionId', reason: 'not a session of the service' }]);
    }
    if (instance.status !== 'ACTIVE') throw new DomainError('invalid-transition', 'the session is canceled');
    return instance;
  }
}
