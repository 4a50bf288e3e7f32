import { FieldError } from '@kairos/core';
import { given } from '@kairos/testing';
import { SessionCommand, SessionContext, SessionDetails, SessionEvent, SessionFields, sessionDecider } from './session';
import { weekly } from './session.fixture';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const T = NOW.toISOString();
const LATER = '2026-03-02T10:00:00.000Z';
const ctx: SessionContext = { now: NOW };
const later: SessionContext = { now: new Date(LATER) };

const single: SessionFields = { ...weekly, recurrence: null };

const createdWith = (fields: SessionFields): SessionEvent => ({
  type: 'session.created',
  data: { id: 'ses1', revision: 1, createdAt: T, updatedAt: T, ...fields, status: 'ACTIVE', canceledFrom: null, overrides: {}, versions: [] },
});
const series = createdWith(weekly);
const canceledWhole: SessionEvent = {
  type: 'session.canceled',
  data: { id: 'ses1', instanceId: null, originalStart: null, from: null, continuedBy: null, canceledBookingIds: [], canceledAt: T, previousStatus: 'ACTIVE', actor: 'BUSINESS', reason: null },
};
const create = (fields: SessionFields): SessionCommand => ({ type: 'CreateSession', id: 'ses1', fields });

describe('session decider: CreateSession', () => {
  it('records the whole session, ACTIVE, with no overrides or versions', () => {
    given(sessionDecider, []).when(create(weekly), ctx).then([series]);
    given(sessionDecider, []).when(create({ ...single, capacity: null, bookingId: 'b1' }), ctx).thenState({ status: 'ACTIVE', view: { capacity: null, bookingId: 'b1', revision: 1 } });
  });

  it('refuses to create the same session twice', () => {
    given(sessionDecider, [series]).when(create(weekly), ctx).thenThrows('already-exists', [{ field: 'id', reason: 'taken' }]);
  });

  it('names every invalid detail at once', () => {
    given(sessionDecider, [])
      .when(create({ ...weekly, capacity: 0, bufferBeforeMinutes: -1, bufferAfterMinutes: 721 }), ctx)
      .thenThrows('validation', [
        { field: 'capacity', reason: 'must be 1–1000' },
        { field: 'bufferBeforeMinutes', reason: 'must be 0–720' },
        { field: 'bufferAfterMinutes', reason: 'must be 0–720' },
      ]);
    given(sessionDecider, []).when(create({ ...weekly, capacity: 1001 }), ctx).thenThrows('validation', [{ field: 'capacity' }]);
  });

  it('accepts the limits themselves', () => {
    given(sessionDecider, []).when(create({ ...weekly, capacity: 1000, bufferBeforeMinutes: 720, bufferAfterMinutes: 0 }), ctx).thenState({ view: { capacity: 1000 } });
    given(sessionDecider, []).when(create({ ...weekly, capacity: 1 }), ctx).thenState({ view: { capacity: 1 } });
  });

  it('refuses exdates on a single session', () => {
    given(sessionDecider, []).when(create({ ...single, exdates: ['2026-03-09T09:00'] }), ctx).thenThrows('validation', [{ field: 'exdates', reason: 'only a recurring session has exdates' }]);
    given(sessionDecider, []).when(create({ ...weekly, exdates: ['2026-03-09T09:00'] }), ctx).thenState({ view: { exdates: ['2026-03-09T09:00'] } });
  });

  it('adds the time library\'s verdict on the local times and the rule, and hands it the timing fields', () => {
    const seen: unknown[] = [];
    const timing: FieldError = { field: 'localEnd', reason: 'must be after localStart' };
    const checkTiming: SessionContext['checkTiming'] = (f) => {
      seen.push(f);
      return [timing];
    };
    given(sessionDecider, [])
      .when(create({ ...single, capacity: 0, exdates: ['x'] }), { ...ctx, checkTiming })
      .thenThrows('validation', [{ field: 'capacity' }, timing, { field: 'exdates' }]);
    expect(seen).toEqual([expect.objectContaining({ localStart: '2026-03-02T09:00', localEnd: '2026-03-02T10:00', timeZone: 'Europe/Lisbon', recurrence: null })]);
  });

  it('creates when the time library finds nothing wrong', () => {
    given(sessionDecider, []).when(create(weekly), { ...ctx, checkTiming: () => [] }).then([series]);
  });
});

describe('session decider: UpdateSeries', () => {
  const update = (changes: Partial<SessionDetails>, expectedRevision?: number): SessionCommand => ({ type: 'UpdateSeries', changes, expectedRevision });

  it('records what changed with the previous values, as a version from now on', () => {
    given(sessionDecider, [series])
      .when(update({ title: 'Hot yoga', capacity: 10 }, 1), later)
      .then([{ type: 'session.updated', data: { id: 'ses1', instanceId: null, originalStart: null, changes: { title: 'Hot yoga' }, previous: { title: 'Yoga' }, updatedAt: LATER } }]);
    given(sessionDecider, [series])
      .when(update({ title: 'Hot yoga' }), later)
      .thenState({ view: { title: 'Yoga', revision: 2, updatedAt: LATER, versions: [{ from: LATER, changes: { title: 'Hot yoga' } }] } });
  });

  it('compares with the details as the versions left them', () => {
    const changed = given(sessionDecider, [series]).when(update({ capacity: 12 }), later)();
    given(sessionDecider, [series, ...changed]).when(update({ capacity: 12 }), later).thenNothing();
    given(sessionDecider, [series, ...changed])
      .when(update({ capacity: 10 }), later)
      .then([{ type: 'session.updated', data: { id: 'ses1', instanceId: null, originalStart: null, changes: { capacity: 10 }, previous: { capacity: 12 }, updatedAt: LATER } }]);
  });

  it('records nothing when nothing changes', () => {
    given(sessionDecider, [series]).when(update({ title: 'Yoga', resourceIds: ['r1'] }), later).thenNothing();
  });

  it('refuses invalid details', () => {
    given(sessionDecider, [series]).when(update({ capacity: 0, bufferAfterMinutes: 800 }), later).thenThrows('validation', [{ field: 'capacity' }, { field: 'bufferAfterMinutes' }]);
  });

  it('checks the revision', () => {
    given(sessionDecider, [series]).when(update({ title: 'x' }, 2), later).thenThrows('revision-conflict');
  });

  it('refuses a canceled session, and knows none that was never created', () => {
    given(sessionDecider, [series, canceledWhole]).when(update({ title: 'x' }), later).thenThrows('invalid-transition');
    given(sessionDecider, []).when(update({ title: 'x' }), later).thenThrows('not-found');
  });
});

describe('session decider: CancelSeries', () => {
  it('cancels a single session whole, whatever "from" it is given', () => {
    given(sessionDecider, [createdWith(single)])
      .when({ type: 'CancelSeries', from: '2026-03-09T09:00:00.000Z', actor: 'BUSINESS' }, ctx)
      .then([{ type: 'session.canceled', data: { id: 'ses1', instanceId: null, originalStart: null, from: null, continuedBy: null, canceledBookingIds: [], canceledAt: T, previousStatus: 'ACTIVE', actor: 'BUSINESS', reason: null } }]);
    given(sessionDecider, [createdWith(single)]).when({ type: 'CancelSeries', from: null, actor: 'BUSINESS' }, ctx).thenState({ status: 'CANCELED', view: { status: 'CANCELED', revision: 2 } });
  });

  it('cancels a series from an instant on, staying ACTIVE before it', () => {
    const from = '2026-03-16T09:00:00.000Z';
    given(sessionDecider, [series])
      .when({ type: 'CancelSeries', from, continuedBy: 'ses2', actor: 'BUSINESS' }, later)
      .then([{ type: 'session.canceled', data: { id: 'ses1', instanceId: null, originalStart: null, from, continuedBy: 'ses2', canceledBookingIds: [], canceledAt: LATER, previousStatus: 'ACTIVE', actor: 'BUSINESS', reason: null } }]);
    given(sessionDecider, [series]).when({ type: 'CancelSeries', from, actor: 'BUSINESS' }, later).thenState({ status: 'ACTIVE', view: { status: 'ACTIVE', canceledFrom: from, updatedAt: LATER, revision: 2 } });
  });

  it('names the bookings canceled with it', () => {
    const from = '2026-03-16T09:00:00.000Z';
    given(sessionDecider, [series])
      .when({ type: 'CancelSeries', from, actor: 'BUSINESS', canceledBookingIds: ['b1', 'b2'] }, later)
      .then([{ type: 'session.canceled', data: { id: 'ses1', instanceId: null, originalStart: null, from, continuedBy: null, canceledBookingIds: ['b1', 'b2'], canceledAt: LATER, previousStatus: 'ACTIVE', actor: 'BUSINESS', reason: null } }]);
  });

  it('cancels a whole series without "from"', () => {
    given(sessionDecider, [series]).when({ type: 'CancelSeries', from: null, actor: 'BUSINESS' }, ctx).thenState({ status: 'CANCELED', view: { canceledFrom: null } });
  });

  it('refuses to cancel twice, and knows no session that was never created', () => {
    given(sessionDecider, [series, canceledWhole]).when({ type: 'CancelSeries', from: null, actor: 'BUSINESS' }, ctx).thenThrows('invalid-transition');
    given(sessionDecider, []).when({ type: 'CancelSeries', from: null, actor: 'BUSINESS' }, ctx).thenThrows('not-found');
  });
});

describe('session decider: evolve', () => {
  it('ignores events of a session it never saw created', () => {
    given(sessionDecider, [canceledWhole]).when({ type: 'CancelSeries', from: null, actor: 'BUSINESS' }, ctx).thenThrows('not-found');
  });
});
