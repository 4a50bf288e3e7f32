import {
  ActorType,
  DecisionContext,
  Decider,
  DomainError,
  KAIROS_NAMESPACE,
  alreadyExists,
  assertNever,
  changedFields,
  checkRevision,
  hasChanges,
  invalidTransition,
  uuidV5,
  advance,
  streamId,
} from '@kairos/core';
import { validateWorkingHours } from '../time';
import { ScheduleEvent, ScheduleFields, SchedulePatch, ScheduleView } from './schedule.events';

export type { LinkedSchedule, ScheduleEvent, ScheduleFields, ScheduleOwnerType, SchedulePatch, ScheduleTag, ScheduleView, Transparency } from './schedule.events';

export type ScheduleCommand =
  | { type: 'CreateSchedule'; id: string; fields: ScheduleFields }
  | { type: 'UpdateSchedule'; patch: SchedulePatch; expectedRevision?: number }
  | { type: 'CancelSchedule'; actor: ActorType; canceledBookingIds?: string[] };

export type ScheduleState = { status: 'none' } | { status: 'ACTIVE' | 'CANCELED'; view: ScheduleView };

/** Each owner has exactly one schedule, so its id is derived from the owner's and needs no lookup. */
export const scheduleIdOf = (ownerId: string) => uuidV5(KAIROS_NAMESPACE, `schedule:${ownerId}`);
export const businessScheduleIdOf = (tenant: string) => uuidV5(KAIROS_NAMESPACE, `business-schedule:${tenant}`);
export const scheduleStream = (tenant: string, id: string) => streamId('schedule', tenant, id);

export const scheduleDecider: Decider<ScheduleCommand, ScheduleState, ScheduleEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    switch (event.type) {
      case 'schedule.created':
        return { status: 'ACTIVE', view: event.data };
      case 'schedule.updated':
        if (state.status === 'none') return state;
        return { ...state, view: advance(state.view, event.data.updatedAt, event.data.changes) };
      case 'schedule.canceled':
        if (state.status === 'none') return state;
        return { status: 'CANCELED', view: advance(state.view, event.data.canceledAt, { status: 'CANCELED' }) };
      default:
        return assertNever(event);
    }
  },

  decide(command, state, { now }: DecisionContext) {
    const at = now.toISOString();
    switch (command.type) {
      case 'CreateSchedule':
        if (state.status !== 'none') throw alreadyExists('schedule', command.id);
        return [{ type: 'schedule.created', data: { id: command.id, revision: 1, createdAt: at, updatedAt: at, status: 'ACTIVE', ...command.fields } }];
      case 'UpdateSchedule': {
        if (state.status === 'none') throw new DomainError('not-found', 'schedule does not exist');
        if (state.status === 'CANCELED') throw invalidTransition('schedule', 'CANCELED', 'update');
        checkRevision(command.expectedRevision, state.view.revision);
        if (command.patch.linkedSchedules?.some((l) => l.scheduleId === state.view.id)) {
          throw new DomainError('validation', 'a schedule cannot link itself', [{ field: 'linkedSchedules', reason: 'links itself' }]);
        }
        const hoursErrors = command.patch.workingHours ? validateWorkingHours(command.patch.workingHours) : [];
        if (hoursErrors.length > 0) throw new DomainError('validation', 'the working hours are not valid', hoursErrors);
        const diff = changedFields<SchedulePatch>(state.view, command.patch);
        return hasChanges(diff) ? [{ type: 'schedule.updated', data: { id: state.view.id, ...diff, updatedAt: at } }] : [];
      }
      case 'CancelSchedule':
        if (state.status === 'none') throw new DomainError('not-found', 'schedule does not exist');
        if (state.status === 'CANCELED') return [];
        return [{ type: 'schedule.canceled', data: { id: state.view.id, canceledAt: at, previousStatus: 'ACTIVE', actor: command.actor, reason: null, canceledBookingIds: command.canceledBookingIds ?? [] } }];
      default:
        return assertNever(command);
    }
  },
};
