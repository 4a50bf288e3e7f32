import { DomainError, revisionConflict } from './errors';

/** What every aggregate view carries (api.md §1). `revision` is 1 at creation, +1 per event. */
export interface AggregateMeta {
  id: string;
  revision: number;
  createdAt: string;
  updatedAt: string;
}

/** Optimistic concurrency from `If-Match` or a body `revision`: absent means "don't care". */
export const checkRevision = (expected: number | undefined, actual: number) => {
  if (expected !== undefined && expected !== actual) throw revisionConflict(expected, actual);
};

export const alreadyExists = (what: string, id: string) =>
  new DomainError('already-exists', `${what} ${id} already exists`, [{ field: 'id', reason: 'taken' }]);

export const invalidTransition = (what: string, from: string, action: string) =>
  new DomainError('invalid-transition', `${what} is ${from}; cannot ${action}`);
