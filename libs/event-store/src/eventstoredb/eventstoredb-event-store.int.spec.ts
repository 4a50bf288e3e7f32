import { AppendExpectedRevision, EventStoreDBClient, NO_STREAM } from '@eventstore/db-client';
import { NewEvent } from '@kairos/core';
import { anEvent, describeWith, testServers, uniqueName } from '@kairos/testing';
import { eventStoreContract } from '../contract';
import { AppendRequest, WrongExpectedRevision } from '../event-store';
import { APPEND_REVERTED, revertMarker } from './compensation';
import { EventStoreDbEventStore, toEventData } from './eventstoredb-event-store';

describeWith('EventStoreDB', testServers.eventStoreDbUrl(), 'event store on EventStoreDB', () => {
  eventStoreContract(async () => {
    const store = new EventStoreDbEventStore(testServers.eventStoreDbUrl()!);
    return { store, dispose: () => store.close() };
  });

  describe('appends to several streams by reservation and compensation', () => {
    let store: EventStoreDbEventStore;
    let client: EventStoreDBClient;
    beforeAll(() => {
      store = new EventStoreDbEventStore(testServers.eventStoreDbUrl()!);
      client = EventStoreDBClient.connectionString(testServers.eventStoreDbUrl()!);
    });
    afterAll(async () => {
      await store?.close();
      await client?.dispose();
    });

    /** Writes behind the store's back what an earlier, interrupted attempt left. */
    const leave = (streamId: string, expectedRevision: AppendExpectedRevision, events: NewEvent[]) =>
      client.appendToStream(streamId, events.map(toEventData), { expectedRevision });

    /** Stream ids in a known order: the store writes them in ascending order. */
    const streams = (count: number) => {
      const base = uniqueName('stream');
      return Array.from({ length: count }, (_, i) => `${base}-${i}`);
    };

    it('hides a compensated claim from its stream, not from the global log, and lets writers carry on from what they saw', async () => {
      const [id] = streams(1);
      const first = anEvent();
      await store.append([{ streamId: id, expectedRevision: 'noStream', events: [first] }]);
      const head = await store.headPosition();
      const claim = [anEvent('slot.claimed')];
      await leave(id, 0n, claim);
      await leave(id, 1n, [revertMarker(claim)]);

      expect((await store.readStream(id)).map((e) => e.id)).toEqual([first.id]);
      const global = (await store.readAll({ after: head, limit: 100 })).filter((e) => e.streamId === id);
      expect(global.map((e) => e.type)).toEqual(['slot.claimed', APPEND_REVERTED]);

      const next = await store.append([{ streamId: id, expectedRevision: 0, events: [anEvent()] }]);
      expect(next.nextRevisions).toEqual([3]);
      expect((await store.readStream(id)).map((e) => e.streamRevision)).toEqual([0, 3]);
    });

    it('fails a retry of a compensated append again instead of completing half of it', async () => {
      const [a, b] = streams(2);
      await store.append([{ streamId: b, expectedRevision: 'noStream', events: [anEvent()] }]);
      const request: AppendRequest[] = [
        { streamId: a, expectedRevision: 'noStream', events: [anEvent()] },
        { streamId: b, expectedRevision: 'noStream', events: [anEvent()] },
      ];
      // The first attempt wrote a, found b taken and took a back.
      await leave(a, NO_STREAM, request[0].events);
      await leave(a, 0n, [revertMarker(request[0].events)]);

      await expect(store.append(request)).rejects.toBeInstanceOf(WrongExpectedRevision);
      expect(await store.readStream(a)).toEqual([]);
      expect(await store.readStream(b)).toHaveLength(1);
    });

    it('finishes a compensation that stopped halfway when the append is retried', async () => {
      const [a, b, c] = streams(3);
      await store.append([{ streamId: c, expectedRevision: 'noStream', events: [anEvent()] }]);
      const request: AppendRequest[] = [a, b, c].map((streamId) => ({ streamId, expectedRevision: 'noStream', events: [anEvent()] }));
      // The first attempt wrote a and b, found c taken, and stopped after taking b back.
      await leave(a, NO_STREAM, request[0].events);
      await leave(b, NO_STREAM, request[1].events);
      await leave(b, 0n, [revertMarker(request[1].events)]);

      await expect(store.append(request)).rejects.toBeInstanceOf(WrongExpectedRevision);
      expect(await store.readStream(a)).toEqual([]);
      expect(await store.readStream(b)).toEqual([]);
      expect(await store.readStream(c)).toHaveLength(1);
    });

    it('answers a retry of an append that went through with the same result', async () => {
      const [a, b] = streams(2);
      const request: AppendRequest[] = [
        { streamId: b, expectedRevision: 'noStream', events: [anEvent()] },
        { streamId: a, expectedRevision: 'noStream', events: [anEvent(), anEvent()] },
      ];
      const first = await store.append(request);
      expect(first.nextRevisions).toEqual([0, 1]);
      expect(await store.append(request)).toEqual(first);
      expect(await store.readStream(a)).toHaveLength(2);
      expect(await store.readStream(b)).toHaveLength(1);
    });
  });
});
