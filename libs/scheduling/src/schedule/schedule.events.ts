import { Static, Type } from '@sinclair/typebox';
import { AggregateMeta, EventsOf, aggregateId, eventSchema, instant, integer, listOf, nullable, oneOf, patchOf, record, statusChangeOf, text, timeZoneName, updatedBody } from '@kairos/core';
import { WorkingHoursRule } from '../time';

export const ScheduleOwnerType = oneOf(['SERVICE', 'RESOURCE', 'BUSINESS']);
export type ScheduleOwnerType = Static<typeof ScheduleOwnerType>;
export const ScheduleTag = oneOf(['INDIVIDUAL', 'GROUP', 'COURSE']);
export type ScheduleTag = Static<typeof ScheduleTag>;
export const Transparency = oneOf(['FREE', 'BUSY']);
export type Transparency = Static<typeof Transparency>;

export const LinkedSchedule = record({ scheduleId: text(), transparency: Transparency });
export type LinkedSchedule = Static<typeof LinkedSchedule>;

const localDate = (description: string) => text(`local date YYYY-MM-DD; ${description}`);

/** The time library owns the rule's type, since it computes with it; the check below holds the two together. */
export const WorkingHoursRuleSchema = record({
  daysOfWeek: listOf(oneOf(['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN']), 'the local weekday an interval starts on'),
  startTime: text('wall clock HH:mm'),
  endTime: text('wall clock HH:mm; <= startTime ends the next day'),
  everyWeeks: integer('applies every n-th ISO week', 1),
  validFrom: nullable(localDate('null: no bound')),
  validUntil: nullable(localDate('null: no bound')),
});
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
true satisfies Same<Static<typeof WorkingHoursRuleSchema>, WorkingHoursRule>;

export const ScheduleFields = record({
  ownerType: ScheduleOwnerType,
  ownerId: text(),
  timeZone: timeZoneName(),
  tags: listOf(ScheduleTag),
  capacity: integer(),
  linkedSchedules: listOf(LinkedSchedule),
  workingHours: listOf(WorkingHoursRuleSchema, "recurring weekly hours in timeZone's wall clock"),
  locationId: nullable(text()),
});
export type ScheduleFields = Static<typeof ScheduleFields>;

export const SchedulePatch = patchOf(Type.Omit(ScheduleFields, ['ownerType', 'ownerId']), 'schedule fields');
export type SchedulePatch = Static<typeof SchedulePatch>;

export const ScheduleView = record({ ...AggregateMeta.properties, ...ScheduleFields.properties, status: oneOf(['ACTIVE', 'CANCELED']) });
export type ScheduleView = Static<typeof ScheduleView>;

export const scheduleEvents = [
  eventSchema('schedule.created', 'A schedule was created; the body is the schedule as GET shows it.', ScheduleView),
  eventSchema('schedule.updated', 'Fields of a schedule changed.', updatedBody(SchedulePatch)),
  eventSchema(
    'schedule.canceled',
    'A schedule was canceled.',
    record({
      id: aggregateId(),
      canceledAt: instant(),
      ...statusChangeOf(oneOf(['ACTIVE'])),
      // Optional: schedules canceled before bookings were canceled with them carry none.
      canceledBookingIds: Type.Optional(listOf(text(), 'every booking canceled with the schedule: its sessions\' (also in their session.canceled) and its course\'s')),
    }),
  ),
] as const;
export type ScheduleEvent = EventsOf<typeof scheduleEvents>;
