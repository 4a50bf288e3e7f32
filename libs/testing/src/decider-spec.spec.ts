import { Decider, DomainError, DomainEvent } from '@kairos/core';
import { given } from './decider-spec';

// A counter that refuses to go below zero: just enough rules to see each outcome of a spec.
type CounterEvent = DomainEvent<'counter.added', { by: number }>;
type CounterCommand = { type: 'Add'; by: number };
const counter: Decider<CounterCommand, { total: number; seen: Map<string, number> }, CounterEvent> = {
  initialState: () => ({ total: 0, seen: new Map() }),
  evolve: (state, event) => ({ total: state.total + event.data.by, seen: new Map([...state.seen, [`#${state.seen.size}`, event.data.by]]) }),
  decide(command, state) {
    if (command.type !== 'Add') throw new Error('unknown command');
    if (state.total + command.by < 0) throw new DomainError('validation', 'below zero', [{ field: 'by', reason: 'would go below zero' }]);
    return command.by === 0 ? [] : [{ type: 'counter.added', data: { by: command.by } }];
  },
};
const ctx = { now: new Date('2026-01-01T00:00:00Z') };
const added = (by: number): CounterEvent => ({ type: 'counter.added', data: { by } });

describe('given / when / then', () => {
  it('passes on the expected events and fails on others', () => {
    given(counter, [added(2)]).when({ type: 'Add', by: 1 }, ctx).then([added(1)]);
    expect(() => given(counter, [added(2)]).when({ type: 'Add', by: 1 }, ctx).then([added(2)])).toThrow();
    expect(() => given(counter, []).when({ type: 'Add', by: 0 }, ctx).then([])).toThrow('use thenNothing()');
  });

  it('fails a then when the command throws', () => {
    expect(() => given(counter, []).when({ type: 'Add', by: -1 }, ctx).then([added(-1)])).toThrow('below zero');
  });

  it('passes thenNothing only when no event is produced', () => {
    given(counter, [added(2)]).when({ type: 'Add', by: 0 }, ctx).thenNothing();
    expect(() => given(counter, []).when({ type: 'Add', by: 1 }, ctx).thenNothing()).toThrow();
    expect(() => given(counter, []).when({ type: 'Add', by: -1 }, ctx).thenNothing()).toThrow('below zero');
  });

  describe('thenThrows', () => {
    const refused = () => given(counter, [added(1)]).when({ type: 'Add', by: -2 }, ctx);

    it('passes on the code and the field errors, whole or by field', () => {
      refused().thenThrows('validation');
      refused().thenThrows('validation', [{ field: 'by', reason: 'would go below zero' }]);
      refused().thenThrows('validation', [{ field: 'by' }]);
    });

    it('fails on another code, other field errors or more of them', () => {
      expect(() => refused().thenThrows('not-found')).toThrow();
      expect(() => refused().thenThrows('validation', [{ field: 'total' }])).toThrow();
      expect(() => refused().thenThrows('validation', [{ field: 'by' }, { field: 'by' }])).toThrow();
      expect(() => refused().thenThrows('validation', [])).toThrow();
    });

    it('fails, naming the events, when the command is accepted', () => {
      expect(() => given(counter, []).when({ type: 'Add', by: 1 }, ctx).thenThrows('validation')).toThrow('expected validation, but the command produced [{"type":"counter.added","data":{"by":1}}]');
      expect(() => given(counter, []).when({ type: 'Add', by: 1 }, ctx).thenThrows(() => true)).toThrow('expected an error');
    });

    it('fails on an error that is not a DomainError', () => {
      const unknown = { type: 'Subtract', by: 1 } as unknown as CounterCommand;
      expect(() => given(counter, []).when(unknown, ctx).thenThrows('validation')).toThrow('unknown command');
    });

    it('takes a predicate for any error', () => {
      const unknown = { type: 'Subtract', by: 1 } as unknown as CounterCommand;
      given(counter, []).when(unknown, ctx).thenThrows((e) => e instanceof Error && e.message === 'unknown command');
      expect(() => given(counter, []).when(unknown, ctx).thenThrows(() => false)).toThrow('does not satisfy');
    });
  });

  it('folds the given and produced events for thenState, Maps included', () => {
    given(counter, [added(2)]).when({ type: 'Add', by: 3 }, ctx).thenState({ total: 5, seen: new Map([['#0', 2], ['#1', 3]]) });
    expect(() => given(counter, [added(2)]).when({ type: 'Add', by: 3 }, ctx).thenState({ seen: new Map([['#0', 2], ['#1', 4]]) })).toThrow();
    expect(given(counter, [added(2), added(3)]).state().total).toBe(5);
  });

  it('still hands back the decision as a thunk, for building histories', () => {
    expect(given(counter, []).when({ type: 'Add', by: 4 }, ctx)()).toEqual([added(4)]);
    expect(given(counter, []).when({ type: 'Add', by: -4 }, ctx)).toThrow(expect.objectContaining({ code: 'validation' }));
  });
});
