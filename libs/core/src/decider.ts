import { DomainEvent } from './domain-event';

/** What a decision may depend on besides the state: passed in, never read from a clock or a database. */
export interface DecisionContext {
  now: Date;
}

/**
 * One aggregate as three pure functions. `decide` is the only place its rules live;
 * `evolve` only folds facts, so replaying old events never fails on a rule that changed since.
 */
export interface Decider<Command, State, Event extends DomainEvent, Context extends DecisionContext = DecisionContext> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State, context: Context): Event[];
}

export const fold = <State, Event extends DomainEvent>(
  decider: Pick<Decider<unknown, State, Event, never>, 'initialState' | 'evolve'>,
  events: Iterable<Event>,
  from: State = decider.initialState(),
): State => {
  let state = from;
  for (const event of events) state = decider.evolve(state, event);
  return state;
};

export const assertNever = (value: never): never => {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
};
