import { FieldError } from '@kairos/core';
import { given } from '@kairos/testing';
import { InstanceOverride, SessionCommand, SessionContext, SessionEvent, sessionDecider } from './session';
import { weekly } from './session.fixture';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const T = NOW.toISOString();
const FIRST = '2026-03-02T09:00:00.000Z';
const SECOND = '2026-03-09T09:00:00.000Z';
const occurrences = new Set([FIRST, SECOND]);
const ctx: SessionContext = { now: NOW, isOccurrence: (start) => occurrences.has(start) };

const series: SessionEvent = {
  type: 'session.created',
  data: { id: 'ses1', revision: 1, createdAt: T, updatedAt: T, ...weekly, status: 'ACTIVE', canceledFrom: null, overrides: {}, versions: [] },
};
const instanceUpdated = (originalStart: string, changes: InstanceOverride, previous: InstanceOverride = {}): SessionEvent => ({
  type: 'session.updated',
  data: { id: 'ses1', instanceId: `i-${originalStart}`, originalStart, changes, previous, updatedAt: T },
});
const instanceCanceled = (originalStart: string): SessionEvent => ({
  type: 'session.canceled',
  data: { id: 'ses1', instanceId: `i-${originalStart}`, originalStart, from: null, continuedBy: null, canceledBookingIds: [], canceledAt: T, previousStatus: 'ACTIVE', actor: 'BUSINESS', reason: null },
});
const wholeCanceled: SessionEvent = {
  type: 'session.canceled',
  data: { id: 'ses1', instanceId: null, originalStart: null, from: null, continuedBy: null, canceledBookingIds: [], canceledAt: T, previousStatus: 'ACTIVE', actor: 'BUSINESS', reason: null },
};
const updateInstance = (originalStart: string, changes: InstanceOverride, expectedRevision?: number): SessionCommand => ({
  type: 'UpdateInstance',
  instanceId: `i-${originalStart}`,
  originalStart,
  changes,
  expectedRevision,
});
const cancelInstance = (originalStart: string): SessionCommand => ({ type: 'CancelInstance', instanceId: `i-${originalStart}`, originalStart, actor: 'BUSINESS' });

describe('session decider: UpdateInstance', () => {
  it('overrides one instance, keyed by its original start', () => {
    given(sessionDecider, [series]).when(updateInstance(FIRST, { title: 'Yin yoga' }, 1), ctx).then([instanceUpdated(FIRST, { title: 'Yin yoga' })]);
    given(sessionDecider, [series])
      .when(updateInstance(FIRST, { title: 'Yin yoga' }), ctx)
      .thenState({ view: { title: 'Yoga', revision: 2, overrides: { [FIRST]: { title: 'Yin yoga' } }, versions: [] } });
  });

  it('merges a second override of the same instance and compares with the first', () => {
    const history = [series, instanceUpdated(FIRST, { title: 'Yin yoga' })];
    given(sessionDecider, history).when(updateInstance(FIRST, { title: 'Yin yoga' }), ctx).thenNothing();
    given(sessionDecider, history).when(updateInstance(FIRST, { title: 'Flow', capacity: 5 }), ctx).then([instanceUpdated(FIRST, { title: 'Flow', capacity: 5 }, { title: 'Yin yoga' })]);
    given(sessionDecider, history).when(updateInstance(FIRST, { capacity: 5 }), ctx).thenState({ view: { overrides: { [FIRST]: { title: 'Yin yoga', capacity: 5 } } } });
  });

  it('moves an instance, asking the time library about the new local times only', () => {
    const checked: unknown[] = [];
    const checkTiming: SessionContext['checkTiming'] = (f) => {
      checked.push(f);
      return [];
    };
    given(sessionDecider, [series]).when(updateInstance(FIRST, { localStart: '2026-03-02T11:00' }), { ...ctx, checkTiming }).thenState({ view: { overrides: { [FIRST]: { localStart: '2026-03-02T11:00' } } } });
    expect(checked).toEqual([{ localStart: '2026-03-02T11:00', localEnd: '2026-03-02T10:00', timeZone: 'Europe/Lisbon', recurrence: null, exdates: [] }]);
    given(sessionDecider, [series]).when(updateInstance(FIRST, { title: 'x' }), { ...ctx, checkTiming }).thenState({ view: { overrides: { [FIRST]: { title: 'x' } } } });
    expect(checked).toHaveLength(1);
  });

  it('judges the moved times against the earlier override of the instance', () => {
    const checked: unknown[] = [];
    const checkTiming: SessionContext['checkTiming'] = (f) => {
      checked.push(f);
      return [];
    };
    given(sessionDecider, [series, instanceUpdated(FIRST, { localStart: '2026-03-02T11:00', localEnd: '2026-03-02T12:00' })])
      .when(updateInstance(FIRST, { localEnd: '2026-03-02T12:30' }), { ...ctx, checkTiming })
      .thenState({ view: { overrides: { [FIRST]: { localStart: '2026-03-02T11:00', localEnd: '2026-03-02T12:30' } } } });
    expect(checked).toEqual([expect.objectContaining({ localStart: '2026-03-02T11:00', localEnd: '2026-03-02T12:30' })]);
  });

  it('refuses times the time library refuses, with invalid details alongside', () => {
    const timing: FieldError = { field: 'localEnd', reason: 'must be after localStart' };
    given(sessionDecider, [series])
      .when(updateInstance(FIRST, { localEnd: '2026-03-02T08:00', capacity: 0 }), { ...ctx, checkTiming: () => [timing] })
      .thenThrows('validation', [{ field: 'capacity' }, timing]);
  });

  it('refuses invalid details', () => {
    given(sessionDecider, [series]).when(updateInstance(FIRST, { bufferBeforeMinutes: -5 }), ctx).thenThrows('validation', [{ field: 'bufferBeforeMinutes', reason: 'must be 0–720' }]);
  });

  it('refuses a start that is no occurrence of the series, or when none can be told', () => {
    given(sessionDecider, [series]).when(updateInstance('2026-03-03T09:00:00.000Z', { title: 'x' }), ctx).thenThrows('not-found');
    given(sessionDecider, [series]).when(updateInstance(FIRST, { title: 'x' }), { now: NOW }).thenThrows('not-found');
  });

  it('refuses a canceled instance', () => {
    given(sessionDecider, [series, instanceCanceled(FIRST)]).when(updateInstance(FIRST, { title: 'x' }), ctx).thenThrows('invalid-transition');
    given(sessionDecider, [series, instanceCanceled(FIRST)]).when(updateInstance(SECOND, { title: 'x' }), ctx).thenState({ view: { overrides: { [SECOND]: { title: 'x' } } } });
  });

  it('checks the revision', () => {
    given(sessionDecider, [series]).when(updateInstance(FIRST, { title: 'x' }, 3), ctx).thenThrows('revision-conflict');
  });

  it('refuses a canceled session, and knows none that was never created', () => {
    given(sessionDecider, [series, wholeCanceled]).when(updateInstance(FIRST, { title: 'x' }), ctx).thenThrows('invalid-transition');
    given(sessionDecider, []).when(updateInstance(FIRST, { title: 'x' }), ctx).thenThrows('not-found');
  });
});

describe('session decider: CancelInstance', () => {
  it('cancels one instance, keeping its overrides and the rest of the series', () => {
    given(sessionDecider, [series]).when(cancelInstance(FIRST), ctx).then([instanceCanceled(FIRST)]);
    given(sessionDecider, [series, instanceUpdated(FIRST, { title: 'Yin yoga' })])
      .when(cancelInstance(FIRST), ctx)
      .thenState({ status: 'ACTIVE', view: { status: 'ACTIVE', revision: 3, overrides: { [FIRST]: { title: 'Yin yoga', status: 'CANCELED' } } } });
  });

  it('names the bookings canceled with the instance', () => {
    const canceled = instanceCanceled(FIRST);
    given(sessionDecider, [series])
      .when({ ...cancelInstance(FIRST), canceledBookingIds: ['b1'] } as SessionCommand, ctx)
      .then([{ ...canceled, data: { ...canceled.data, canceledBookingIds: ['b1'] } } as SessionEvent]);
  });

  it('records nothing for an instance already canceled', () => {
    given(sessionDecider, [series, instanceCanceled(FIRST)]).when(cancelInstance(FIRST), ctx).thenNothing();
  });

  it('refuses a start that is no occurrence of the series', () => {
    given(sessionDecider, [series]).when(cancelInstance('2026-03-04T09:00:00.000Z'), ctx).thenThrows('not-found');
    given(sessionDecider, [series]).when(cancelInstance(FIRST), { now: NOW }).thenThrows('not-found');
  });

  it('refuses a canceled session, and knows none that was never created', () => {
    given(sessionDecider, [series, wholeCanceled]).when(cancelInstance(FIRST), ctx).thenThrows('invalid-transition');
    given(sessionDecider, []).when(cancelInstance(FIRST), ctx).thenThrows('not-found');
  });
});
