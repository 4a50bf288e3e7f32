import { Decider, DomainError, DomainEvent, FieldError, ProblemCode, fold } from '@kairos/core';

/**
 * Given events / when a command / then events or an error, for deciders: no database, no clock.
 * It imports nothing but the domain core, so a decider's spec needs no server; `expect` is the
 * test runner's global.
 */
type AnyDecider<C, S, E extends DomainEvent, Ctx> = Pick<Decider<C, S, E, never>, 'initialState' | 'evolve'> & {
  decide(command: C, state: S, context: Ctx): E[];
};

/** Field errors to expect: each names its field, its reason only where the test cares. */
export type ExpectedFieldError = Pick<FieldError, 'field'> & Partial<FieldError>;

export interface Decision<E> {
  /** The events the command produces, for building on them (a thrown error propagates). */
  (): E[];
  /** Exactly these events, in this order; at least one (an empty decision is `thenNothing`). */
  then(expected: E[]): void;
  /** A `DomainError` with this code (and, when given, exactly these field errors), or an error the predicate accepts. */
  thenThrows(expected: ProblemCode | ((error: unknown) => boolean), fieldErrors?: ExpectedFieldError[]): void;
  /** The command is accepted and changes nothing: no event, no error. */
  thenNothing(): void;
  /** The state the given events and the produced ones fold to, for evolve; matched partially, at any depth. */
  thenState(expected: Record<string, unknown>): void;
}

export interface Given<C, S, E, Ctx> {
  when(command: C, context: Ctx): Decision<E>;
  /** The state the given events fold to. */
  state(): S;
}

export const given = <C, S, E extends DomainEvent, Ctx>(decider: AnyDecider<C, S, E, Ctx>, events: E[]): Given<C, S, E, Ctx> => {
  const state = () => fold(decider, events);
  return {
    state,
    when(command, context) {
      const decide = () => decider.decide(command, state(), context);
      const decision = Object.assign(decide, {
        then(expected: E[]) {
          if (expected.length === 0) throw new Error('then([]) says nothing happened: use thenNothing()');
          expect(decide()).toEqual(expected);
        },
        thenThrows(expectedError: ProblemCode | ((error: unknown) => boolean), fieldErrors?: ExpectedFieldError[]) {
          let thrown: unknown;
          let produced: E[] | undefined;
          try {
            produced = decide();
          } catch (error) {
            thrown = error;
          }
          if (produced) throw new Error(`expected ${typeof expectedError === 'string' ? expectedError : 'an error'}, but the command produced ${JSON.stringify(produced)}`);
          if (typeof expectedError === 'function') {
            if (!expectedError(thrown)) throw new Error(`the error does not satisfy the predicate: ${String(thrown)}`);
          } else {
            if (!(thrown instanceof DomainError)) throw thrown;
            // The message rides along so a wrong code shows which rule refused.
            expect({ code: thrown.code, message: thrown.message }).toEqual({ code: expectedError, message: thrown.message });
          }
          if (fieldErrors) {
            if (!(thrown instanceof DomainError)) throw new Error(`expected field errors of a DomainError, but it threw ${String(thrown)}`);
            expect(thrown.errors).toMatchObject(fieldErrors);
          }
        },
        thenNothing() {
          expect(decide()).toEqual([]);
        },
        thenState(expected: Record<string, unknown>) {
          expect(fold(decider, decide(), state())).toMatchObject(expected);
        },
      });
      return decision;
    },
  };
};
