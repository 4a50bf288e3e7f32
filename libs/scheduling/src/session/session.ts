import {
  ActorType,
  DecisionContext,
  Decider,
  DomainError,
  FieldError,
  alreadyExists,
  assertNever,
  changedFields,
  checkRevision,
  hasChanges,
  invalidTransition,
  requireLive,
  streamId,
} from '@kairos/core';
import { InstanceOverride, SessionDetails, SessionEvent, SessionFields, SessionView } from './session.events';

export type { AffectedSchedule, DetailsVersion, InstanceOverride, SessionDetails, SessionEvent, SessionFields, SessionType, SessionView } from './session.events';

/** Facts about time the decider needs but must not compute itself with a clock or a zone database. */
export interface SessionContext extends DecisionContext {
  /** Validation of local times and the rule, done by the time library. */
  checkTiming?: (fields: Pick<SessionFields, 'localStart' | 'localEnd' | 'timeZone' | 'recurrence' | 'exdates'>) => FieldError[];
  /** Whether `originalStart` is an occurrence of the series (instance commands). */
  isOccurrence?: (originalStart: string) => boolean;
}

export type SessionCommand =
  | { type: 'CreateSession'; id: string; fields: SessionFields }
  | { type: 'UpdateSeries'; changes: Partial<SessionDetails>; expectedRevision?: number }
  | { type: 'UpdateInstance'; instanceId: string; originalStart: string; changes: InstanceOverride; expectedRevision?: number }
  | { type: 'CancelInstance'; instanceId: string; originalStart: string; actor: ActorType; canceledBookingIds?: string[] }
  | { type: 'CancelSeries'; from: string | null; continuedBy?: string; actor: ActorType; canceledBookingIds?: string[] };

export type SessionState = { status: 'none' } | { status: 'ACTIVE' | 'CANCELED'; view: SessionView };


const ensure = (errors: FieldError[]) => {
  if (errors.length > 0) throw new DomainError('validation', 'the session is not valid', errors);
};

const detailErrors = (d: Partial<SessionDetails>, prefix = ''): FieldError[] => {
  const errors: FieldError[] = [];
  if (d.capacity != null && (d.capacity < 1 || d.capacity > 1000)) errors.push({ field: `${prefix}capacity`, reason: 'must be 1–1000' });
  for (const key of ['bufferBeforeMinutes', 'bufferAfterMinutes'] as const) {
    const v = d[key];
    if (v !== undefined && (v < 0 || v > 720)) errors.push({ field: `${prefix}${key}`, reason: 'must be 0–720' });
  }
  return errors;
};

export const sessionDecider: Decider<SessionCommand, SessionState, SessionEvent, SessionContext> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    if (event.type === 'session.created') return { status: 'ACTIVE', view: event.data };
    if (state.status === 'none') return state;
    const view = { ...state.view, revision: state.view.revision + 1 };
    switch (event.type) {
      case 'session.updated': {
        const { originalStart, changes, updatedAt } = event.data;
        if (originalStart === null) {
          return { ...state, view: { ...view, updatedAt, versions: [...view.versions, { from: updatedAt, changes }] } };
        }
        const overrides = { ...view.overrides, [originalStart]: { ...view.overrides[originalStart], ...changes } };
        return { ...state, view: { ...view, updatedAt, overrides } };
      }
      case 'session.canceled': {
        const { originalStart, from, canceledAt } = event.data;
        if (originalStart !== null) {
          const overrides = { ...view.overrides, [originalStart]: { ...view.overrides[originalStart], status: 'CANCELED' as const } };
          return { ...state, view: { ...view, updatedAt: canceledAt, overrides } };
        }
        if (from !== null) return { ...state, view: { ...view, updatedAt: canceledAt, canceledFrom: from } };
        return { status: 'CANCELED', view: { ...view, updatedAt: canceledAt, status: 'CANCELED' } };
      }
      default:
        return assertNever(event);
    }
  },

  decide(command, state, context) {
    const at = context.now.toISOString();
    switch (command.type) {
      case 'CreateSession': {
        if (state.status !== 'none') throw alreadyExists('session', command.id);
        const f = command.fields;
        const errors = [...detailErrors(f), ...(context.checkTiming?.(f) ?? [])];
        if (f.recurrence === null && f.exdates.length > 0) errors.push({ field: 'exdates', reason: 'only a recurring session has exdates' });
        ensure(errors);
        return [
          {
            type: 'session.created',
            data: { id: command.id, revision: 1, createdAt: at, updatedAt: at, ...f, status: 'ACTIVE', canceledFrom: null, overrides: {}, versions: [] },
          },
        ];
      }
      case 'UpdateSeries': {
        const view = requireLive(state, 'ACTIVE', 'session', 'update');
        checkRevision(command.expectedRevision, view.revision);
        ensure(detailErrors(command.changes));
        const current = { ...detailsOf(view), ...view.versions.reduce((acc, v) => ({ ...acc, ...v.changes }), {}) };
        const diff = changedFields<Partial<SessionDetails>>(current, command.changes);
        if (!hasChanges(diff)) return [];
        return [{ type: 'session.updated', data: { id: view.id, instanceId: null, originalStart: null, ...diff, updatedAt: at } }];
      }
      case 'UpdateInstance': {
        const view = requireLive(state, 'ACTIVE', 'session', 'update');
        checkRevision(command.expectedRevision, view.revision);
        const existing = view.overrides[command.originalStart];
        if (existing?.status === 'CANCELED') throw invalidTransition('session instance', 'CANCELED', 'update');
        if (!context.isOccurrence?.(command.originalStart)) throw new DomainError('not-found', 'no such instance of the series');
        const { localStart, localEnd } = { localStart: view.localStart, localEnd: view.localEnd, ...existing, ...command.changes };
        ensure([
          ...detailErrors(command.changes),
          ...(command.changes.localStart || command.changes.localEnd
            ? (context.checkTiming?.({ localStart, localEnd, timeZone: view.timeZone, recurrence: null, exdates: [] }) ?? [])
            : []),
        ]);
        const diff = changedFields<InstanceOverride>(existing ?? {}, command.changes);
        if (!hasChanges(diff)) return [];
        return [
          {
            type: 'session.updated',
            data: { id: view.id, instanceId: command.instanceId, originalStart: command.originalStart, ...diff, updatedAt: at },
          },
        ];
      }
      case 'CancelInstance': {
        const view = requireLive(state, 'ACTIVE', 'session', 'cancel');
        if (view.overrides[command.originalStart]?.status === 'CANCELED') return [];
        if (!context.isOccurrence?.(command.originalStart)) throw new DomainError('not-found', 'no such instance of the series');
        return [
          {
            type: 'session.canceled',
            data: {
              id: view.id,
              instanceId: command.instanceId,
              originalStart: command.originalStart,
              from: null,
              continuedBy: null,
              canceledBookingIds: command.canceledBookingIds ?? [],
              canceledAt: at,
              previousStatus: 'ACTIVE',
              actor: command.actor,
              reason: null,
            },
          },
        ];
      }
      case 'CancelSeries': {
        const view = requireLive(state, 'ACTIVE', 'session', 'cancel');
        const from = view.recurrence === null ? null : command.from;
        return [
          {
            type: 'session.canceled',
            data: {
              id: view.id,
              instanceId: null,
              originalStart: null,
              from,
              continuedBy: command.continuedBy ?? null,
              canceledBookingIds: command.canceledBookingIds ?? [],
              canceledAt: at,
              previousStatus: 'ACTIVE',
              actor: command.actor,
              reason: null,
            },
          },
        ];
      }
      default:
        return assertNever(command);
    }
  },
};

export const detailsOf = (f: SessionDetails): SessionDetails => ({
  title: f.title,
  capacity: f.capacity,
  resourceIds: f.resourceIds,
  affectedSchedules: f.affectedSchedules,
  bufferBeforeMinutes: f.bufferBeforeMinutes,
  bufferAfterMinutes: f.bufferAfterMinutes,
  locationId: f.locationId,
});

export const sessionStream = (tenant: string, id: string) => streamId('session', tenant, id);
