import { Static, Type } from '@sinclair/typebox';
import {
  AggregateMeta,
  EventsOf,
  aggregateId,
  describedAs,
  eventSchema,
  instant,
  integer,
  listOf,
  mapOf,
  nullable,
  oneOf,
  patchOf,
  record,
  statusChangeOf,
  text,
  timeZoneName,
} from '@kairos/core';
import { LinkedSchedule } from '../schedule/schedule.events';

export const SessionType = oneOf(['EVENT', 'WORKING_HOURS', 'AVAILABILITY']);
export type SessionType = Static<typeof SessionType>;
export type AffectedSchedule = LinkedSchedule;

const minutes = () => integer(undefined, 0);
const localDateTime = (description = '') => text(`local wall clock YYYY-MM-DDTHH:mm in the session's time zone${description}`);

/** What one instance of a series can override, and what a series-wide change can change. */
export const SessionDetails = record({
  title: nullable(text()),
  capacity: nullable(integer("null: the schedule's capacity")),
  resourceIds: listOf(text()),
  affectedSchedules: nullable(listOf(LinkedSchedule, 'null: the schedules of its resources, BUSY')),
  bufferBeforeMinutes: minutes(),
  bufferAfterMinutes: minutes(),
  locationId: nullable(text()),
});
export type SessionDetails = Static<typeof SessionDetails>;

export const SessionFields = record({
  ...SessionDetails.properties,
  scheduleId: text(),
  type: SessionType,
  timeZone: timeZoneName(),
  localStart: localDateTime("; the series' first occurrence"),
  localEnd: localDateTime(),
  recurrence: nullable(text('RFC 5545 RRULE value; null: a single session')),
  exdates: listOf(localDateTime(), 'skipped occurrences'),
  // Such a session changes only through its booking (api.md), which holds its resources.
  bookingId: Type.Optional(text('the appointment booking that put the session on the calendar; absent on sessions created directly')),
});
export type SessionFields = Static<typeof SessionFields>;

export const InstanceOverride = patchOf(
  record({ ...SessionDetails.properties, localStart: localDateTime(), localEnd: localDateTime(), status: oneOf(['CANCELED']) }),
  'what one instance overrides',
);
export type InstanceOverride = Static<typeof InstanceOverride>;

/** A series-wide change applies to instances that had not started when it was made. */
export const DetailsVersion = record({ from: instant(), changes: patchOf(SessionDetails, 'session details') });
export type DetailsVersion = Static<typeof DetailsVersion>;

export const SessionView = record({
  ...AggregateMeta.properties,
  ...SessionFields.properties,
  status: oneOf(['ACTIVE', 'CANCELED']),
  canceledFrom: nullable(instant('instances starting at or after this are canceled')),
  overrides: mapOf(InstanceOverride, "per instance, keyed by the instance's original start (ISO instant)"),
  versions: listOf(DetailsVersion, 'series-wide changes, each from an instant on'),
});
export type SessionView = Static<typeof SessionView>;

export const sessionEvents = [
  eventSchema('session.created', 'A session, single or a recurring series, was created; the body is the session as GET shows it.', SessionView),
  eventSchema(
    'session.updated',
    'A session changed: the whole series (instanceId null) or one instance of it.',
    record({
      id: aggregateId('the session (series) id'),
      instanceId: nullable(text('null: a series-wide change')),
      originalStart: nullable(instant("the instance's original start; null: a series-wide change")),
      changes: describedAs(InstanceOverride, 'new values of the changed fields'),
      previous: describedAs(InstanceOverride, 'old values of the same fields'),
      updatedAt: instant(),
    }),
  ),
  eventSchema(
    'session.canceled',
    'A session was canceled: one instance, a series from an instant on, or all of it.',
    record({
      id: aggregateId('the session (series) id'),
      instanceId: nullable(text('null: the series')),
      originalStart: nullable(instant("the instance's original start; null: the series")),
      from: nullable(instant('a series canceled from this instant on; null with an instance, or for the whole session')),
      continuedBy: nullable(text('the series that continues it, when "this and following" was changed')),
      canceledBookingIds: listOf(text(), 'the bookings canceled with it, each also announced by its own booking.canceled'),
      canceledAt: instant(),
      ...statusChangeOf(oneOf(['ACTIVE'], 'the series was active; an instance was too')),
    }),
  ),
] as const;
export type SessionEvent = EventsOf<typeof sessionEvents>;
