import { DocumentLookup, DocumentWrite, ProjectedEvent, ProjectionDefinition, SYSTEM_TENANT, deleteDoc, isOneOf, putDoc } from '@kairos/core';
import { ConnectionEvent } from './connection/connection';
import { ENTRY_EVENT_TYPES, EntryAction, EntryEvent } from './entry/entry';

/** Which connections write bookings back, by connection: the resource each belongs to and whether it writes back. */
export const CALENDAR_WRITE_CONNECTIONS = 'calendar_write_connections';
/** The connections that write bookings back, by resource. */
export const CALENDAR_WRITE_TARGETS = 'calendar_write_targets';
/** What a booking's calendar entries need of it, by booking. */
export const CALENDAR_ENTRY_BOOKINGS = 'calendar_entry_bookings';
/** Entry writes to make, one per (connection, booking), due at `dueAt`, under the system tenant: what the writer sweep pages through. */
export const CALENDAR_ENTRY_WRITES = 'calendar_entry_writes';

interface FollowedSlot {
  start: string;
  end: string;
  resourceIds: string[];
}

/**
 * The booking events write-back follows, as much of them as it reads. libs/bookings declares them
 * in full; it depends on this library (through availability, which folds external busy time), so
 * they are not imported but named here, and apps/kairos/src/events/event-catalog.spec.ts fails to
 * compile when libs/bookings' events no longer fit these shapes.
 */
export type FollowedBookingEvent =
  | { type: 'booking.created'; data: { id: string; serviceId: string; serviceType: string; status: string; slot: FollowedSlot } }
  | { type: 'booking.confirmed' | 'booking.declined' | 'booking.canceled'; data: { id: string } }
  | { type: 'booking.rescheduled'; data: { id: string; slot: FollowedSlot } };

export const FOLLOWED_BOOKING_TYPES = ['booking.created', 'booking.confirmed', 'booking.declined', 'booking.canceled', 'booking.rescheduled'] as const satisfies readonly FollowedBookingEvent['type'][];

interface WriteConnectionDoc {
  id: string;
  resourceId: string;
  writeBack: boolean;
  [key: string]: unknown;
}

interface WriteTargetsDoc {
  id: string;
  connectionIds: string[];
  [key: string]: unknown;
}

interface EntryBooking {
  id: string;
  serviceId: string;
  start: string;
  end: string;
  resourceIds: string[];
  /** As the booking's status: CONFIRMED, PENDING, CANCELED... */
  status: string;
  /** The calendar sequence, as the booking's emails carry it: 0 when created, one more at each move or cancellation. */
  sequence: number;
}

export interface EntryBookingDoc extends EntryBooking {
  /** The connections it was last asked to be written to. */
  connectionIds: string[];
  [key: string]: unknown;
}

/** The state a booking's entry in one calendar must be brought to: put as the booking now is, or deleted. */
export interface EntryWriteDoc {
  id: string;
  tenant: string;
  connectionId: string;
  bookingId: string;
  action: EntryAction;
  sequence: number;
  serviceId: string;
  start: string;
  end: string;
  dueAt: string;
  [key: string]: unknown;
}

export const entryWriteId = (tenant: string, connectionId: string, bookingId: string) => `${tenant}|${connectionId}.${bookingId}`;

const CONNECTION_TYPES = ['calendar-connection.created', 'calendar-connection.updated', 'calendar-connection.deleted'] as const satisfies readonly ConnectionEvent['type'][];
const isBookingEvent = isOneOf<FollowedBookingEvent>(FOLLOWED_BOOKING_TYPES);
const isEntryEvent = isOneOf<EntryEvent>(ENTRY_EVENT_TYPES);

const targetsOf = (documents: DocumentLookup, tenant: string, resourceIds: string[]) =>
  [...new Set(resourceIds.flatMap((resourceId) => documents.get<WriteTargetsDoc>(CALENDAR_WRITE_TARGETS, tenant, resourceId)?.connectionIds ?? []))].sort();

/** A connection joins or leaves its resource's write targets. */
const targetWrites = (tenant: string, resourceId: string, connectionId: string, writes: boolean, documents: DocumentLookup): DocumentWrite[] => {
  const before = documents.get<WriteTargetsDoc>(CALENDAR_WRITE_TARGETS, tenant, resourceId)?.connectionIds ?? [];
  const after = writes ? [...new Set([...before, connectionId])].sort() : before.filter((id) => id !== connectionId);
  if (after.length === before.length) return [];
  return [after.length === 0 ? deleteDoc(CALENDAR_WRITE_TARGETS, tenant, resourceId) : putDoc(CALENDAR_WRITE_TARGETS, tenant, { id: resourceId, connectionIds: after })];
};

const connectionDocs = (event: ProjectedEvent<ConnectionEvent>, documents: DocumentLookup): DocumentWrite[] => {
  const tenant = event.metadata.tenant;
  if (event.type === 'calendar-connection.created') {
    const { id, resourceId, writeBack } = event.data;
    return [putDoc(CALENDAR_WRITE_CONNECTIONS, tenant, { id, resourceId, writeBack }), ...targetWrites(tenant, resourceId, id, writeBack, documents)];
  }
  if (event.type !== 'calendar-connection.updated' && event.type !== 'calendar-connection.deleted') return [];
  const current = documents.get<WriteConnectionDoc>(CALENDAR_WRITE_CONNECTIONS, tenant, event.data.id);
  if (!current) return [];
  if (event.type === 'calendar-connection.deleted') return [deleteDoc(CALENDAR_WRITE_CONNECTIONS, tenant, current.id), ...targetWrites(tenant, current.resourceId, current.id, false, documents)];
  const writeBack = event.data.changes.writeBack;
  if (writeBack === undefined) return [];
  return [putDoc(CALENDAR_WRITE_CONNECTIONS, tenant, { ...current, writeBack }), ...targetWrites(tenant, current.resourceId, current.id, writeBack, documents)];
};

/**
 * The booking's document and the entry writes it now asks for: put in every write-back calendar of
 * its resources while it is CONFIRMED; deleted from those it was put in and is no longer (canceled,
 * declined, or moved to another resource).
 */
const bookingWrites = (event: ProjectedEvent, before: EntryBookingDoc | null, booking: EntryBooking, documents: DocumentLookup): DocumentWrite[] => {
  const tenant = event.metadata.tenant;
  const dueAt = event.metadata.occurredAt;
  const wanted = booking.status === 'CONFIRMED' ? targetsOf(documents, tenant, booking.resourceIds) : [];
  const write = (connectionId: string, action: EntryAction): DocumentWrite => {
    const doc: EntryWriteDoc = { id: entryWriteId(tenant, connectionId, booking.id), tenant, connectionId, bookingId: booking.id, action, sequence: booking.sequence, serviceId: booking.serviceId, start: booking.start, end: booking.end, dueAt };
    return putDoc(CALENDAR_ENTRY_WRITES, SYSTEM_TENANT, doc);
  };
  const stale = (before?.connectionIds ?? []).filter((id) => !wanted.includes(id));
  // A booking that moved bumps its sequence; one confirmed again (or whose event repeats) puts nothing new.
  const changed = !before || before.status !== booking.status || before.sequence !== booking.sequence;
  return [
    ...(changed ? wanted.map((id) => write(id, 'PUT')) : []),
    ...stale.map((id) => write(id, 'DELETE')),
    putDoc(CALENDAR_ENTRY_BOOKINGS, tenant, { ...booking, connectionIds: wanted }),
  ];
};

const bookingDocs = (event: ProjectedEvent<FollowedBookingEvent>, documents: DocumentLookup): DocumentWrite[] => {
  const tenant = event.metadata.tenant;
  if (event.type === 'booking.created') {
    const { id, serviceId, serviceType, slot, status } = event.data;
    // One entry per appointment; a class's sessions are the instructor's, shared by its many bookings.
    if (serviceType !== 'APPOINTMENT' || slot.resourceIds.length === 0) return [];
    return bookingWrites(event, null, { id, serviceId, start: slot.start, end: slot.end, resourceIds: slot.resourceIds, status, sequence: 0 }, documents);
  }
  const before = documents.get<EntryBookingDoc>(CALENDAR_ENTRY_BOOKINGS, tenant, event.data.id);
  if (!before) return [];
  const { id, serviceId, start, end, resourceIds, status, sequence } = before;
  const booking: EntryBooking = { id, serviceId, start, end, resourceIds, status, sequence };
  switch (event.type) {
    case 'booking.confirmed':
      return bookingWrites(event, before, { ...booking, status: 'CONFIRMED' }, documents);
    case 'booking.declined':
      return bookingWrites(event, before, { ...booking, status: 'DECLINED' }, documents);
    case 'booking.canceled':
      return bookingWrites(event, before, { ...booking, status: 'CANCELED', sequence: booking.sequence + 1 }, documents);
    case 'booking.rescheduled': {
      const { slot } = event.data;
      return bookingWrites(event, before, { ...booking, start: slot.start, end: slot.end, resourceIds: slot.resourceIds, sequence: booking.sequence + 1 }, documents);
    }
  }
};

/** An outcome ends the write it did (a later change of the booking asks for another), or sets when it is tried again. */
const entryDocs = (event: ProjectedEvent<EntryEvent>, documents: DocumentLookup): DocumentWrite[] => {
  const { connectionId, bookingId, sequence } = event.data;
  const id = entryWriteId(event.metadata.tenant, connectionId, bookingId);
  const due = documents.get<EntryWriteDoc>(CALENDAR_ENTRY_WRITES, SYSTEM_TENANT, id);
  if (!due || due.sequence > sequence) return [];
  if (event.type === 'calendar-entry.write-failed' && event.data.retryAt !== null) return [putDoc(CALENDAR_ENTRY_WRITES, SYSTEM_TENANT, { ...due, dueAt: event.data.retryAt })];
  return [deleteDoc(CALENDAR_ENTRY_WRITES, SYSTEM_TENANT, id)];
};

/**
 * Write-back: the calendars each resource's confirmed appointments are written to, what those
 * entries show, and the writes due, from the bookings' events and the writer's own outcomes.
 */
export const calendarEntriesProjection: ProjectionDefinition<FollowedBookingEvent | ConnectionEvent | EntryEvent> = {
  name: 'calendar-entries',
  collections: [CALENDAR_WRITE_CONNECTIONS, CALENDAR_WRITE_TARGETS, CALENDAR_ENTRY_BOOKINGS, CALENDAR_ENTRY_WRITES],
  canHandle: [...FOLLOWED_BOOKING_TYPES, ...CONNECTION_TYPES, ...ENTRY_EVENT_TYPES],
  evolve(event, documents) {
    if (isBookingEvent(event)) return bookingDocs(event, documents);
    if (isEntryEvent(event)) return entryDocs(event, documents);
    return connectionDocs(event as ProjectedEvent<ConnectionEvent>, documents);
  },
};
