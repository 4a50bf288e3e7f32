import { Static } from '@sinclair/typebox';
import { AggregateMeta, DomainEvent, EventsOf, aggregateId, deletedBody, eventSchema, flag, instant, integer, listOf, nullable, oneOf, patchOf, record, text, timeZoneName, updatedBody } from '@kairos/core';

export const SourceKind = oneOf(['ICS', 'CALDAV', 'GOOGLE'], 'ICS: a feed polled over HTTP; CALDAV: a calendar collection; GOOGLE: a Google calendar (freeBusy)');
export type SourceKind = Static<typeof SourceKind>;

export const ConnectionFields = record({
  resourceId: text('the resource whose time the calendar holds'),
  name: text(),
  source: SourceKind,
  url: text('ICS: the feed URL; CALDAV: the calendar collection URL; GOOGLE: the calendar id'),
  username: nullable(text('CALDAV: the account; the password is kept apart, sealed')),
  ownerEmail: nullable(text('whose invitations these are: an event they declined is not busy time')),
  timeZone: timeZoneName(),
  syncIntervalMinutes: integer('how often the calendar is read', 1),
  writeBack: flag('CALDAV only: confirmed bookings of the resource are written into the calendar as entries, updated and removed with them'),
});
export type ConnectionFields = Static<typeof ConnectionFields>;

export const ConnectionPatch = patchOf(record({ name: text(), url: text(), username: nullable(text()), ownerEmail: nullable(text()), timeZone: timeZoneName(), syncIntervalMinutes: integer(undefined, 1), writeBack: flag() }), 'connection fields');
export type ConnectionPatch = Static<typeof ConnectionPatch>;

export const ConnectionView = record({
  ...AggregateMeta.properties,
  ...ConnectionFields.properties,
  scheduleId: text("the resource's schedule, which the busy time holds"),
  deletedAt: nullable(instant()),
});
export type ConnectionView = Static<typeof ConnectionView>;

/** One occurrence of busy time read from the calendar. */
export const ExternalBlock = record({
  id: text('UUIDv5 of the connection and the occurrence (the calendar object and its original start): stable across syncs'),
  object: text('UUIDv5 of the connection and the calendar object the occurrence belongs to'),
  start: instant(),
  end: instant(),
});
export type ExternalBlock = Static<typeof ExternalBlock>;

export const SyncFailureReason = oneOf(
  ['unreachable', 'timeout', 'too-large', 'not-a-calendar', 'unauthorized', 'not-found', 'refused'],
  'unreachable: no answer; timeout: too slow; too-large: over the size cap; not-a-calendar: the answer is no iCalendar data; unauthorized: credentials refused; not-found: no calendar there; refused: any other error status',
);
export type SyncFailureReason = Static<typeof SyncFailureReason>;

export const connectionEvents = [
  eventSchema('calendar-connection.created', "A resource's external calendar was connected; the body is the connection as GET shows it.", ConnectionView),
  eventSchema('calendar-connection.updated', 'Fields of a calendar connection changed.', updatedBody(ConnectionPatch)),
  eventSchema('calendar-connection.deleted', 'A calendar connection was removed; the busy time it brought was given back just before.', deletedBody('The connection')),
  eventSchema(
    'external-busy.synced',
    "Busy time read from a resource's external calendar: the blocks added and removed since the last sync. Availability and bookings treat a block like a busy session on the resource.",
    record({
      connectionId: aggregateId('the calendar connection'),
      resourceId: text(),
      scheduleId: text("the resource's schedule"),
      added: listOf(ExternalBlock),
      removed: listOf(ExternalBlock),
      complete: flag('false while a large sync is still being recorded in parts; true on its last part'),
      at: instant(),
    }),
  ),
  eventSchema(
    'calendar-connection.sync-failed',
    'Reading the calendar failed; what it brought before stays. Recorded when the failure is new (not on every retry of the same one).',
    record({ id: aggregateId('the calendar connection'), reason: SyncFailureReason, detail: text(), at: instant() }),
  ),
] as const;

/** The connection's secret (a CalDAV password or an OAuth token) and where the last sync left off stay internal; the secret is sealed with the connection's own key. */
export type InternalConnectionEvent =
  | DomainEvent<'calendar-connection.secret-set', { id: string; secret: string | null }>
  | DomainEvent<'calendar-connection.cursor-moved', { id: string; cursor: string | null; windowTo: string }>;

export type ConnectionEvent = EventsOf<typeof connectionEvents> | InternalConnectionEvent;
