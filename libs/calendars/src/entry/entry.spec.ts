import { given } from '@kairos/testing';
import { EntryEvent, entryDecider, retryDelayMs } from './entry';

const now = new Date('2026-03-01T10:00:00.000Z');
const T = now.toISOString();
const context = { now };
const key = { connectionId: 'cal-1', bookingId: 'bk-1' };
const href = 'http://dav.example.com/ana/work/bk-1.ics';
const written = (sequence: number, etag = `"e${sequence}"`): EntryEvent => ({ type: 'calendar-entry.written', data: { ...key, sequence, href, etag, at: T } });
const removed = (sequence: number): EntryEvent => ({ type: 'calendar-entry.removed', data: { ...key, sequence, at: T } });
const failed = (sequence: number, attempt: number, retryAt: string | null): EntryEvent => ({
  type: 'calendar-entry.write-failed',
  data: { ...key, sequence, action: 'PUT', reason: 'unreachable', detail: 'connection refused', attempt, retryAt, at: T },
});
const inSeconds = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();

describe('calendar entry decider', () => {
  it('records an entry written, where it is and its ETag, which the next write names', () => {
    given(entryDecider, []).when({ type: 'RecordWritten', ...key, sequence: 0, href, etag: '"e0"' }, context).then([written(0)]);
    given(entryDecider, [written(0)]).when({ type: 'RecordWritten', ...key, sequence: 1, href, etag: '"e1"' }, context).thenState({ written: { href, etag: '"e1"' }, doneSequence: 1, failures: 0, retry: null });
  });

  it('records a change once: an outcome for a sequence already done, or passed, is dropped', () => {
    given(entryDecider, [written(0)]).when({ type: 'RecordWritten', ...key, sequence: 0, href, etag: '"other"' }, context).thenNothing();
    given(entryDecider, [written(0), removed(1)]).when({ type: 'RecordWritten', ...key, sequence: 0, href, etag: '"late"' }, context).thenNothing();
    given(entryDecider, [written(0), removed(1)]).when({ type: 'RecordWriteFailed', ...key, sequence: 1, action: 'DELETE', reason: 'timeout', detail: 'slow', giveUp: false }, context).thenNothing();
  });

  it('records a removal and forgets the entry', () => {
    given(entryDecider, [written(0)]).when({ type: 'RecordRemoved', ...key, sequence: 1 }, context).then([removed(1)]);
    given(entryDecider, [written(0), removed(1)]).when({ type: 'RecordRemoved', ...key, sequence: 1 }, context).thenNothing();
    given(entryDecider, [written(0), removed(1)]).when({ type: 'RecordRemoved', ...key, sequence: 2 }, context).then([removed(2)]);
  });

  it('tries a failed write again later and later, counting from the last success, or gives up', () => {
    given(entryDecider, []).when({ type: 'RecordWriteFailed', ...key, sequence: 0, action: 'PUT', reason: 'unreachable', detail: 'connection refused', giveUp: false }, context).then([failed(0, 1, inSeconds(2))]);
    given(entryDecider, [failed(0, 1, inSeconds(2))])
      .when({ type: 'RecordWriteFailed', ...key, sequence: 0, action: 'PUT', reason: 'unreachable', detail: 'connection refused', giveUp: false }, context)
      .then([failed(0, 2, inSeconds(4))]);
    given(entryDecider, [failed(0, 1, inSeconds(2)), written(0)]).when({ type: 'RecordWriteFailed', ...key, sequence: 1, action: 'PUT', reason: 'unreachable', detail: 'connection refused', giveUp: false }, context).then([failed(1, 1, inSeconds(2))]);
    given(entryDecider, []).when({ type: 'RecordWriteFailed', ...key, sequence: 0, action: 'PUT', reason: 'unreachable', detail: 'connection refused', giveUp: true }, context).then([failed(0, 1, null)]);
    expect(given(entryDecider, [written(0), failed(1, 1, inSeconds(2))]).state()).toEqual({ written: { href, etag: '"e0"' }, doneSequence: 0, failures: 1, retry: { sequence: 1, at: inSeconds(2) } });
    expect([1, 5, 12, 40].map(retryDelayMs)).toEqual([2000, 32_000, 3_600_000, 3_600_000]);
  });
});
