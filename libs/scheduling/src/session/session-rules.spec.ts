import { KAIROS_NAMESPACE, fold, uuidV5 } from '@kairos/core';
import { ScheduleView } from '../schedule/schedule';
import { formatRecurrence, parseRecurrence } from '../time';
import { SessionFields, SessionView, sessionDecider } from './session';
import { MAX_SESSION_DAYS, canonicalRecurrence, checkTiming, continuationOf, directlyChangeable, isOccurrenceOf, sessionFieldsOf } from './session-rules';

const now = new Date('2026-01-01T00:00:00Z');
const error = (code: string, fields?: string[]) => expect.objectContaining({ code, ...(fields ? { errors: fields.map((field) => expect.objectContaining({ field })) } : {}) });

const fields = (over: Partial<SessionFields> = {}): SessionFields => ({
  scheduleId: 'sch',
  type: 'EVENT',
  timeZone: 'Europe/Lisbon',
  localStart: '2026-03-02T09:00',
  localEnd: '2026-03-02T10:00',
  recurrence: null,
  exdates: [],
  title: null,
  capacity: null,
  resourceIds: [],
  affectedSchedules: null,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  locationId: null,
  ...over,
});

const viewOf = (f: SessionFields, id = 'series'): SessionView => {
  const state = fold(sessionDecider, sessionDecider.decide({ type: 'CreateSession', id, fields: f }, sessionDecider.initialState(), { now }), sessionDecider.initialState());
  if (state.status === 'none') throw new Error('not created');
  return state.view;
};

const schedule = (over: Partial<ScheduleView> = {}): ScheduleView => ({
  id: 'sch',
  revision: 1,
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
  ownerType: 'RESOURCE',
  ownerId: 'r1',
  timeZone: 'Europe/London',
  tags: [],
  capacity: 1,
  linkedSchedules: [],
  workingHours: [],
  locationId: 'loc',
  status: 'ACTIVE',
  ...over,
});

describe('session timing', () => {
  const timing = (over: Partial<SessionFields>) => checkTiming({ ...fields(), ...over });

  it('accepts local times that exist in the zone, in order, with a valid rule', () => {
    expect(timing({})).toEqual([]);
    expect(timing({ recurrence: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3' })).toEqual([]);
  });

  it('reports unreadable times by field', () => {
    expect(timing({ localStart: 'soon', localEnd: 'later' }).map((e) => e.field)).toEqual(['localStart', 'localEnd']);
  });

  it('wants the end after the start', () => {
    expect(timing({ localEnd: '2026-03-02T09:00' })).toEqual([{ field: 'localEnd', reason: 'must be after localStart' }]);
  });

  it(`keeps a session within ${MAX_SESSION_DAYS} days`, () => {
    expect(timing({ timeZone: 'UTC', localEnd: '2026-04-02T09:00' })).toEqual([]);
    expect(timing({ timeZone: 'UTC', localEnd: '2026-04-02T09:01' })).toEqual([{ field: 'localEnd', reason: `a session lasts at most ${MAX_SESSION_DAYS} days` }]);
  });

  it('reports a rule that does not parse', () => {
    expect(timing({ recurrence: 'FREQ=HOURLY' }).map((e) => e.field)).toEqual(['recurrence']);
  });
});

describe('a recurrence as stored', () => {
  it('is canonical when it parses, and as given otherwise', () => {
    const given = 'COUNT=3;BYDAY=MO;FREQ=WEEKLY';
    expect(canonicalRecurrence(given)).toBe(formatRecurrence(parseRecurrence(given)));
    expect(canonicalRecurrence('nonsense')).toBe('nonsense');
  });
});

describe('occurrences of a series', () => {
  const weekly = viewOf(fields({ recurrence: 'FREQ=WEEKLY;BYDAY=MO;COUNT=4', exdates: ['2026-03-16T09:00'] }));
  const isOccurrence = isOccurrenceOf(weekly);

  it('are the rule\'s starts, less the exdates', () => {
    expect(isOccurrence('2026-03-02T09:00:00.000Z')).toBe(true);
    expect(isOccurrence('2026-03-09T09:00:00.000Z')).toBe(true);
    expect(isOccurrence('2026-03-16T09:00:00.000Z')).toBe(false);
    expect(isOccurrence('2026-03-09T10:00:00.000Z')).toBe(false);
    expect(isOccurrence('2026-03-30T08:00:00.000Z')).toBe(false);
    expect(isOccurrence('not a date')).toBe(false);
  });

  it('of a single session is its one start', () => {
    const single = isOccurrenceOf(viewOf(fields()));
    expect(single('2026-03-02T09:00:00.000Z')).toBe(true);
    expect(single('2026-03-09T09:00:00.000Z')).toBe(false);
  });
});

describe('a new session\'s fields', () => {
  it('needs an open schedule', () => {
    expect(() => sessionFieldsOf({ type: 'EVENT', localStart: 'x', localEnd: 'y', details: {} }, 'sch', null)).toThrow(error('not-found'));
    expect(() => sessionFieldsOf({ type: 'EVENT', localStart: 'x', localEnd: 'y', details: {} }, 'sch', schedule({ status: 'CANCELED' }))).toThrow(error('invalid-transition'));
  });

  it('takes the schedule\'s zone and location unless given, and the given details', () => {
    expect(sessionFieldsOf({ type: 'EVENT', localStart: '2026-03-02T09:00', localEnd: '2026-03-02T10:00', details: { title: 'Leave', resourceIds: ['r1'] } }, 'sch', schedule())).toEqual(
      fields({ timeZone: 'Europe/London', locationId: 'loc', title: 'Leave', resourceIds: ['r1'] }),
    );
    expect(sessionFieldsOf({ type: 'EVENT', localStart: 'a', localEnd: 'b', timeZone: 'UTC', details: { locationId: null } }, 'sch', schedule())).toMatchObject({ timeZone: 'UTC', locationId: null });
  });

  it('reads instants as the zone\'s wall clock, and stores the rule canonically', () => {
    const made = sessionFieldsOf(
      { type: 'AVAILABILITY', start: '2026-07-01T08:00:00Z', end: '2026-07-01T09:30:00Z', recurrence: 'COUNT=2;FREQ=DAILY', exdates: ['2026-07-02T09:00'], details: {} },
      'sch',
      schedule(),
    );
    expect(made).toMatchObject({ type: 'AVAILABILITY', localStart: '2026-07-01T09:00:00', localEnd: '2026-07-01T10:30:00', recurrence: canonicalRecurrence('COUNT=2;FREQ=DAILY'), exdates: ['2026-07-02T09:00'] });
  });

  it('needs a start and an end, naming each that is missing', () => {
    expect(() => sessionFieldsOf({ type: 'EVENT', details: {} }, 'sch', schedule())).toThrow(error('validation', ['localStart', 'localEnd']));
    expect(() => sessionFieldsOf({ type: 'EVENT', start: '2026-07-01T08:00:00Z', details: {} }, 'sch', schedule())).toThrow(error('validation', ['localEnd']));
  });
});

describe('changing a session directly', () => {
  it('is refused for an appointment\'s session, which changes through its booking', () => {
    const own = viewOf(fields());
    expect(directlyChangeable(own)).toBe(own);
    expect(() => directlyChangeable(viewOf(fields({ bookingId: 'b1' })))).toThrow(error('invalid-transition', ['id']));
  });
});

describe('"this and following"', () => {
  const weekly = viewOf(fields({ recurrence: 'FREQ=WEEKLY;BYDAY=MO;COUNT=4', exdates: ['2026-03-02T09:00', '2026-03-23T09:00'], title: 'Yoga' }));
  const second = '2026-03-09T09:00:00.000Z';

  it('continues from the instance with the rest of the count, later exdates and the changes', () => {
    const { id, fields: next } = continuationOf(weekly, second, { title: 'Pilates', localEnd: '2026-03-09T10:30', status: 'CANCELED' });
    expect(id).toBe(uuidV5(KAIROS_NAMESPACE, `series:from:${second}`));
    expect(next).toEqual(
      fields({
        localStart: '2026-03-09T09:00:00',
        localEnd: '2026-03-09T10:30',
        recurrence: formatRecurrence({ ...parseRecurrence('FREQ=WEEKLY;BYDAY=MO'), count: 3 }),
        exdates: ['2026-03-23T09:00'],
        title: 'Pilates',
      }),
    );
  });

  it('keeps an open-ended series open-ended', () => {
    const open = viewOf(fields({ recurrence: 'FREQ=WEEKLY;BYDAY=MO' }));
    expect(continuationOf(open, second, {}).fields.recurrence).toBe('FREQ=WEEKLY;BYDAY=MO');
  });

  it('needs an instance of the series', () => {
    expect(() => continuationOf(weekly, '2026-03-10T09:00:00.000Z', {})).toThrow(error('not-found'));
  });
});
