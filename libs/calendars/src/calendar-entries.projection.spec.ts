import { BookedSlot, BookingEvent, BookingFields, bookingDecider } from '@kairos/bookings';
import { DomainEvent, MemoryReadModels, ProjectedEvent, SYSTEM_TENANT } from '@kairos/core';
import { DEFAULT_BOOKING_POLICY } from '@kairos/services';
import { CALENDAR_ENTRY_WRITES, EntryWriteDoc, calendarEntriesProjection } from './calendar-entries.projection';
import { ConnectionEvent, ConnectionView } from './connection/connection';
import { EntryEvent } from './entry/entry';

const NOW = '2026-03-01T10:00:00.000Z';
const minutesFrom = (minutes: number) => new Date(Date.parse(NOW) + minutes * 60_000).toISOString();
const slotAt = (hoursAhead: number, resourceIds = ['staff-1']): BookedSlot => ({
  start: minutesFrom(hoursAhead * 60),
  end: minutesFrom(hoursAhead * 60 + 30),
  timeZone: 'Europe/Lisbon',
  resourceIds,
  locationId: null,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
});
const fields = (slot: BookedSlot, serviceType: BookingFields['serviceType'] = 'APPOINTMENT'): BookingFields => ({
  serviceId: 's1', serviceType, slot, sessionId: null, scheduleId: null, appointmentSessionId: null, contactId: 'c1', contactDetails: null, partySize: 1,
  selectedPaymentOption: 'OFFLINE', price: null, planOrderId: null, couponCode: null, policySnapshot: DEFAULT_BOOKING_POLICY, priceSnapshot: null,
});
const created = (slot: BookedSlot, options: { pending?: boolean; serviceType?: BookingFields['serviceType'] } = {}): BookingEvent => {
  const context = options.pending ? { now: new Date(NOW), actor: 'CUSTOMER' as const, requireManualApproval: true, onlineBookingEnabled: true } : { now: new Date(NOW), actor: 'BUSINESS' as const, ignorePolicy: true };
  return bookingDecider.decide({ type: 'CreateBooking', id: 'b1', fields: fields(slot, options.serviceType), draft: false }, bookingDecider.initialState(), context)[0];
};
const statusChange = { id: 'b1', actor: 'BUSINESS' as const, reason: null };
const confirmed: BookingEvent = { type: 'booking.confirmed', data: { ...statusChange, previousStatus: 'PENDING', holdsSlot: true, at: NOW } };
const declined: BookingEvent = { type: 'booking.declined', data: { ...statusChange, previousStatus: 'PENDING', holdsSlot: false, at: NOW } };
const rescheduled = (slot: BookedSlot): BookingEvent => ({ type: 'booking.rescheduled', data: { id: 'b1', slot, sessionId: null, appointmentSessionId: null, previous: { slot: slotAt(72), sessionId: null }, at: NOW } });
const canceled: BookingEvent = { type: 'booking.canceled', data: { ...statusChange, previousStatus: 'CONFIRMED', at: NOW, holdsSlot: false, withinPolicy: true, creditsRestored: false } };

const connection = (id: string, resourceId: string, writeBack: boolean): ConnectionEvent => {
  const view: ConnectionView = {
    id, revision: 1, createdAt: NOW, updatedAt: NOW, deletedAt: null, scheduleId: `sch-${resourceId}`, resourceId, name: 'Work', source: 'CALDAV',
    url: `https://dav.example.com/${id}/`, username: 'ana', ownerEmail: null, timeZone: 'Europe/Lisbon', syncIntervalMinutes: 15, writeBack,
  };
  return { type: 'calendar-connection.created', data: view };
};
const writeBackSet = (id: string, writeBack: boolean): ConnectionEvent => ({ type: 'calendar-connection.updated', data: { id, changes: { writeBack }, previous: { writeBack: !writeBack }, updatedAt: NOW } });
const entry = (type: 'written' | 'removed', sequence: number): EntryEvent =>
  type === 'written'
    ? { type: 'calendar-entry.written', data: { connectionId: 'cal-1', bookingId: 'b1', sequence, href: 'https://dav.example.com/cal-1/b1.ics', etag: '"1"', at: NOW } }
    : { type: 'calendar-entry.removed', data: { connectionId: 'cal-1', bookingId: 'b1', sequence, at: NOW } };
const failed = (sequence: number, retryAt: string | null): EntryEvent => ({
  type: 'calendar-entry.write-failed',
  data: { connectionId: 'cal-1', bookingId: 'b1', sequence, action: 'PUT', reason: 'unreachable', detail: 'refused', attempt: 1, retryAt, at: NOW },
});

const project = (steps: (DomainEvent | [DomainEvent, string])[]) =>
  new MemoryReadModels().project(
    calendarEntriesProjection,
    steps.map((step) => {
      const [event, at] = Array.isArray(step) ? step : [step, NOW];
      return { ...event, metadata: { tenant: 't1', actor: { type: 'SYSTEM' }, occurredAt: at } } as ProjectedEvent;
    }),
  );
const writes = (models: MemoryReadModels) =>
  models.all<EntryWriteDoc>(CALENDAR_ENTRY_WRITES, SYSTEM_TENANT).map(({ connectionId, action, sequence, start, dueAt }) => ({ connectionId, action, sequence, start, dueAt }));

describe('calendar entries projection', () => {
  const ana = connection('cal-1', 'staff-1', true);

  it('asks for a confirmed appointment to be put in every write-back calendar of its resources, at once', () => {
    const models = project([ana, connection('cal-2', 'staff-1', false), connection('cal-3', 'staff-2', true), created(slotAt(72))]);
    expect(writes(models)).toEqual([{ connectionId: 'cal-1', action: 'PUT', sequence: 0, start: slotAt(72).start, dueAt: NOW }]);
    expect(models.all(CALENDAR_ENTRY_WRITES, SYSTEM_TENANT)[0]).toMatchObject({ id: 't1|cal-1.b1', tenant: 't1', bookingId: 'b1', serviceId: 's1', end: slotAt(72).end });
  });

  it('writes nothing for a request until it is confirmed, nor for a class booking, nor without a write-back calendar', () => {
    expect(writes(project([ana, created(slotAt(72), { pending: true })]))).toEqual([]);
    expect(writes(project([ana, created(slotAt(72), { pending: true }), confirmed]))).toEqual([{ connectionId: 'cal-1', action: 'PUT', sequence: 0, start: slotAt(72).start, dueAt: NOW }]);
    expect(writes(project([ana, created(slotAt(72), { pending: true }), declined]))).toEqual([]);
    expect(writes(project([ana, created(slotAt(72), { serviceType: 'CLASS' })]))).toEqual([]);
    expect(writes(project([ana, writeBackSet('cal-1', false), created(slotAt(72))]))).toEqual([]);
    expect(writes(project([connection('cal-1', 'staff-1', false), writeBackSet('cal-1', true), created(slotAt(72))]))).toHaveLength(1);
    expect(writes(project([ana, { type: 'calendar-connection.deleted', data: { id: 'cal-1', deletedAt: NOW } }, created(slotAt(72))]))).toEqual([]);
  });

  it('is done once the entry is written at the sequence asked for, or later', () => {
    expect(writes(project([ana, created(slotAt(72)), entry('written', 0)]))).toEqual([]);
    // An outcome of an older change leaves the newer one due.
    expect(writes(project([ana, created(slotAt(72)), [rescheduled(slotAt(96)), minutesFrom(5)], entry('written', 0)]))).toEqual([
      { connectionId: 'cal-1', action: 'PUT', sequence: 1, start: slotAt(96).start, dueAt: minutesFrom(5) },
    ]);
  });

  it('puts a moved booking again with the next sequence, and deletes a canceled one with the one after', () => {
    const moved = project([ana, created(slotAt(72)), entry('written', 0), [rescheduled(slotAt(96)), minutesFrom(5)]]);
    expect(writes(moved)).toEqual([{ connectionId: 'cal-1', action: 'PUT', sequence: 1, start: slotAt(96).start, dueAt: minutesFrom(5) }]);
    const gone = project([ana, created(slotAt(72)), entry('written', 0), [rescheduled(slotAt(96)), minutesFrom(5)], entry('written', 1), [canceled, minutesFrom(9)]]);
    expect(writes(gone)).toEqual([{ connectionId: 'cal-1', action: 'DELETE', sequence: 2, start: slotAt(96).start, dueAt: minutesFrom(9) }]);
    expect(writes(project([ana, created(slotAt(72)), entry('written', 0), canceled, entry('removed', 1)]))).toEqual([]);
  });

  it('deletes the entry from the calendar of a resource the booking moved away from', () => {
    const models = project([ana, connection('cal-3', 'staff-2', true), created(slotAt(72)), entry('written', 0), rescheduled(slotAt(72, ['staff-2']))]);
    expect(writes(models).map(({ connectionId, action, sequence }) => ({ connectionId, action, sequence })).sort((a, b) => a.connectionId.localeCompare(b.connectionId))).toEqual([
      { connectionId: 'cal-1', action: 'DELETE', sequence: 1 },
      { connectionId: 'cal-3', action: 'PUT', sequence: 1 },
    ]);
  });

  it('makes a failed write due again at its retry time, and drops it when given up', () => {
    expect(writes(project([ana, created(slotAt(72)), failed(0, minutesFrom(1))]))).toEqual([{ connectionId: 'cal-1', action: 'PUT', sequence: 0, start: slotAt(72).start, dueAt: minutesFrom(1) }]);
    expect(writes(project([ana, created(slotAt(72)), failed(0, null)]))).toEqual([]);
  });
});
