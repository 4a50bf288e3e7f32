import {
  DecisionContext,
  Decider,
  DomainError,
  alreadyExists,
  assertNever,
  changedFields,
  checkRevision,
  hasChanges,
  advance,
  requireLive,
} from '@kairos/core';
import { ResourceEvent, ResourceFields, ResourcePatch, ResourceView } from './resource.events';

export type { ResourceEvent, ResourceFields, ResourcePatch, ResourceType, ResourceView } from './resource.events';

export type ResourceCommand =
  | { type: 'CreateResource'; id: string; scheduleId: string; fields: ResourceFields }
  | { type: 'UpdateResource'; patch: ResourcePatch; expectedRevision?: number }
  | { type: 'DeleteResource'; expectedRevision?: number };

export interface ResourceContext extends DecisionContext {
  /** Whether a booking or a BUSY session holds the resource after `now`. */
  hasFutureCommitments?: boolean;
}

export type ResourceState = { status: 'none' } | { status: 'ACTIVE' | 'DELETED'; view: ResourceView };


const fieldsOf = ({ id: _i, revision: _r, createdAt: _c, updatedAt: _u, deletedAt: _d, scheduleId: _s, ...fields }: ResourceView): ResourceFields =>
  fields;

export const resourceDecider: Decider<ResourceCommand, ResourceState, ResourceEvent, ResourceContext> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    switch (event.type) {
      case 'resource.created':
        return { status: 'ACTIVE', view: event.data };
      case 'resource.updated':
        if (state.status === 'none') return state;
        return { ...state, view: advance(state.view, event.data.updatedAt, event.data.changes) };
      case 'resource.deleted':
        if (state.status === 'none') return state;
        return {
          status: 'DELETED',
          view: advance(state.view, event.data.deletedAt, { deletedAt: event.data.deletedAt }),
        };
      default:
        return assertNever(event);
    }
  },

  decide(command, state, { now, hasFutureCommitments }) {
    const at = now.toISOString();
    switch (command.type) {
      case 'CreateResource':
        if (state.status !== 'none') throw alreadyExists('resource', command.id);
        return [
          {
            type: 'resource.created',
            data: { id: command.id, revision: 1, createdAt: at, updatedAt: at, deletedAt: null, scheduleId: command.scheduleId, ...command.fields },
          },
        ];
      case 'UpdateResource': {
        const view = requireLive(state, 'ACTIVE', 'resource', 'update');
        checkRevision(command.expectedRevision, view.revision);
        const diff = changedFields<ResourcePatch>(fieldsOf(view), command.patch);
        return hasChanges(diff) ? [{ type: 'resource.updated', data: { id: view.id, ...diff, updatedAt: at } }] : [];
      }
      case 'DeleteResource': {
        const view = requireLive(state, 'ACTIVE', 'resource', 'delete');
        checkRevision(command.expectedRevision, view.revision);
        if (hasFutureCommitments) {
          throw new DomainError('has-future-bookings', 'a booking or a BUSY session holds this resource in the future');
        }
        return [{ type: 'resource.deleted', data: { id: view.id, deletedAt: at } }];
      }
      default:
        return assertNever(command);
    }
  },
};
