import { NewEvent, RecordedEvent } from '@kairos/core';
import { anEvent } from '@kairos/testing';
import { APPEND_REVERTED, hideReverted, judgeWindow, revertMarker } from './compensation';

/** Lays events out as one stream from `firstRevision`, as a read would return them. */
const stored = (firstRevision: number, ...events: NewEvent[]): RecordedEvent[] =>
  events.map((event, i) => ({
    ...event,
    streamId: 'stream',
    streamRevision: firstRevision + i,
    position: 1000 + firstRevision + i,
    recordedAt: '2030-01-01T00:00:00.000Z',
  }));

const ids = (events: { id: string }[]) => events.map((e) => e.id);

describe('revertMarker', () => {
  it('names the events it takes back and gets the same id every time', () => {
    const claim = [anEvent(), anEvent()];
    const marker = revertMarker(claim);
    expect(marker).toMatchObject({ type: APPEND_REVERTED, schemaVersion: 1, data: { eventIds: ids(claim) }, metadata: claim[0].metadata });
    expect(revertMarker(claim).id).toBe(marker.id);
    expect(revertMarker([claim[0]]).id).not.toBe(marker.id);
  });
});

describe('hideReverted', () => {
  it('drops reverted events and their marker, keeps the rest with their stored revisions', () => {
    const [kept, claimed, alsoClaimed, later] = [anEvent(), anEvent(), anEvent(), anEvent()];
    const stream = stored(0, kept, claimed, alsoClaimed, revertMarker([claimed, alsoClaimed]), later);
    expect(hideReverted(stream).map((e) => [e.id, e.streamRevision])).toEqual([
      [kept.id, 0],
      [later.id, 4],
    ]);
  });

  it('drops a claim whose marker landed after other writers’ events', () => {
    const [claimed, other] = [anEvent(), anEvent()];
    expect(ids(hideReverted(stored(0, claimed, other, revertMarker([claimed]))))).toEqual([other.id]);
  });

  it('drops a marker whose claim lies before the part read', () => {
    const claimed = anEvent();
    const after = anEvent();
    expect(ids(hideReverted(stored(1, revertMarker([claimed]), after)))).toEqual([after.id]);
  });

  it('leaves a stream without markers as it is', () => {
    const stream = stored(0, anEvent(), anEvent());
    expect(hideReverted(stream)).toEqual(stream);
  });
});

describe('judgeWindow', () => {
  it('finds a writer current when only hidden events came after what it saw', () => {
    const claimed = anEvent();
    expect(judgeWindow(stored(1, claimed, revertMarker([claimed])), [anEvent().id])).toEqual({ kind: 'current' });
    expect(judgeWindow(stored(1, revertMarker([anEvent()])), [anEvent().id])).toEqual({ kind: 'current' });
  });

  it('finds a conflict when anything visible came after', () => {
    expect(judgeWindow(stored(1, anEvent()), [anEvent().id])).toEqual({ kind: 'conflict' });
    const claimed = anEvent();
    expect(judgeWindow(stored(1, claimed, anEvent(), revertMarker([claimed])), [anEvent().id])).toEqual({ kind: 'conflict' });
  });

  it('recognises the events of an earlier attempt of the same append', () => {
    const append = [anEvent(), anEvent()];
    expect(judgeWindow(stored(3, ...append), ids(append))).toEqual({ kind: 'stored', lastRevision: 4, reverted: false });
    expect(judgeWindow(stored(3, ...append, anEvent()), ids(append))).toEqual({ kind: 'stored', lastRevision: 4, reverted: false });
  });

  it('recognises them after hidden events, where a translated expected revision put them', () => {
    const hidden = anEvent();
    const append = [anEvent()];
    expect(judgeWindow(stored(1, hidden, revertMarker([hidden]), ...append), ids(append))).toEqual({
      kind: 'stored',
      lastRevision: 3,
      reverted: false,
    });
  });

  it('tells when that earlier attempt was compensated', () => {
    const append = [anEvent(), anEvent()];
    expect(judgeWindow(stored(0, ...append, anEvent(), revertMarker(append)), ids(append))).toEqual({
      kind: 'stored',
      lastRevision: 1,
      reverted: true,
    });
  });

  it('finds a conflict when only part of the append is there, or something visible precedes it', () => {
    const append = [anEvent(), anEvent()];
    expect(judgeWindow(stored(0, append[0], anEvent()), ids(append))).toEqual({ kind: 'conflict' });
    expect(judgeWindow(stored(0, anEvent(), ...append), ids(append))).toEqual({ kind: 'conflict' });
  });
});
