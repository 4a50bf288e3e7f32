import {
  DecisionContext,
  Decider,
  DomainError,
  alreadyExists,
  assertNever,
  changedFields,
  checkRevision,
  hasChanges,
  invalidTransition,
  advance,
} from '@kairos/core';
import { LocationEvent, LocationFields, LocationPatch, LocationView } from './location.events';

export type { Address, LocationEvent, LocationFields, LocationPatch, LocationView } from './location.events';

export type LocationCommand =
  | { type: 'CreateLocation'; id: string; fields: LocationFields }
  | { type: 'UpdateLocation'; patch: LocationPatch; expectedRevision?: number }
  | { type: 'ArchiveLocation'; expectedRevision?: number };

export type LocationState = { status: 'none' } | { status: 'ACTIVE' | 'ARCHIVED'; view: LocationView };

const fieldsOf = ({ id: _i, revision: _r, createdAt: _c, updatedAt: _u, archived: _a, ...fields }: LocationView): LocationFields => fields;

export const locationDecider: Decider<LocationCommand, LocationState, LocationEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    switch (event.type) {
      case 'location.created':
        return { status: 'ACTIVE', view: event.data };
      case 'location.updated':
        if (state.status === 'none') return state;
        return { ...state, view: advance(state.view, event.data.updatedAt, event.data.changes) };
      case 'location.archived':
        if (state.status === 'none') return state;
        return {
          status: 'ARCHIVED',
          view: advance(state.view, event.data.archivedAt, { archived: true, isDefault: false }),
        };
      default:
        return assertNever(event);
    }
  },

  decide(command, state, { now }: DecisionContext) {
    const at = now.toISOString();
    switch (command.type) {
      case 'CreateLocation':
        if (state.status !== 'none') throw alreadyExists('location', command.id);
        return [{ type: 'location.created', data: { id: command.id, revision: 1, createdAt: at, updatedAt: at, archived: false, ...command.fields } }];
      case 'UpdateLocation': {
        if (state.status === 'none') throw new DomainError('not-found', 'location does not exist');
        if (state.status === 'ARCHIVED') throw invalidTransition('location', state.status, 'update');
        checkRevision(command.expectedRevision, state.view.revision);
        const diff = changedFields<LocationPatch>(fieldsOf(state.view), command.patch);
        return hasChanges(diff) ? [{ type: 'location.updated', data: { id: state.view.id, ...diff, updatedAt: at } }] : [];
      }
      case 'ArchiveLocation':
        if (state.status === 'none') throw new DomainError('not-found', 'location does not exist');
        checkRevision(command.expectedRevision, state.view.revision);
        if (state.status === 'ARCHIVED') return [];
        return [{ type: 'location.archived', data: { id: state.view.id, archivedAt: at } }];
      default:
        return assertNever(command);
    }
  },
};
