import { DomainError, revisionConflict } from './errors';

/** Optimistic concurrency from `If-Match` or a body `revision`: absent means "don't care". */
export const checkRevision = (expected: number | undefined, actual: number) => {
  if (expected !== undefined && expected !== actual) throw revisionConflict(expected, actual);
};

export const alreadyExists = (what: string, id: string) =>
  new DomainError('already-exists', `${what} ${id} already exists`, [{ field: 'id', reason: 'taken' }]);

export const invalidTransition = (what: string, from: string, action: string) =>
  // Statuses are upper case on the wire (api.md); in a sentence they read as words.
  new DomainError('invalid-transition', `${what} is ${from.toLowerCase()}; cannot ${action}`);

/** The view of an aggregate that must exist: 404 when it never did. */
export const existing = <View>(state: { status: 'none' } | { status: string; view: View }, noun: string): View => {
  if (state.status === 'none') throw new DomainError('not-found', `${noun} does not exist`);
  return (state as { view: View }).view;
};

/** The view a command acts on: 404 when the aggregate never existed, 422 when it is no longer `live`. */
export const requireLive = <Status extends string, View>(
  state: { status: 'none' } | { status: Status; view: View },
  live: Status,
  noun: string,
  action: string,
): View => {
  const view = existing(state, noun);
  if (state.status !== live) throw invalidTransition(noun, state.status, action);
  return view;
};

/** A view after one more event: revision + 1, stamped with the event's time, with its changes. */
export const advance = <View extends { revision: number; updatedAt: string }>(view: View, at: string, changes: Partial<NoInfer<View>> = {}): View => ({
  ...view,
  ...changes,
  revision: view.revision + 1,
  updatedAt: at,
});
