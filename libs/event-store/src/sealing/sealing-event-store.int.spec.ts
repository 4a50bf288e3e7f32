import { ErasureRule, NewEvent, PersonalDataRule, RecordedEvent } from '@kairos/core';
import { SqlReadStore } from '@kairos/read-store';
import { SqlClient } from '@kairos/sql';
import { anEvent, describeWith, eventually, scratchPglite, scratchPostgres, testServers, uniqueName } from '@kairos/testing';
import { EventStore } from '../event-store';
import { SqlEventStore } from '../sql/sql-event-store';
import { CachedKeyVault } from './key-vault';
import { ReadStoreKeyVault, SUBJECT_KEYS } from './read-store-key-vault';
import { SEALED, SealingEventStore } from './sealing-event-store';

const personOf = (data: Record<string, unknown>) => (typeof data.personId === 'string' ? data.personId : null);
const RULES: { personalData: PersonalDataRule[]; erasures: ErasureRule[] } = {
  personalData: [
    { eventType: 'person.registered', subjectOf: personOf, fields: ['name', 'email', 'phone'] },
    { eventType: 'person.noted', subjectOf: personOf, fields: ['text'] },
  ],
  erasures: [{ eventType: 'person.forgotten', subjectOf: personOf }],
};

const person = () => {
  const tag = uniqueName('p');
  return { personId: uniqueName('person'), name: `Ana Lima ${tag}`, email: `ana.${tag}@example.com`, phone: `+3519${tag.slice(-8).replace(/\D/g, '1')}` };
};

/** Every event as the engine stores it, as text: what anyone with access to the database reads. */
const rawLog = async (sql: SqlClient): Promise<string> => {
  const rows = await sql.query<{ row: string }>('select (stream_id || type || data::text || metadata::text) as row from kairos_events order by position');
  return rows.map((r) => r.row).join('\n');
};

const sealingSuite = (open: () => Promise<{ client: SqlClient; dispose(): Promise<void> }>) => {
  let sql: SqlClient;
  let dispose: () => Promise<void>;
  let raw: SqlEventStore;
  /** A process of the service: the store seals through a key cache of its own. */
  const aProcess = (): EventStore => new SealingEventStore(raw, new CachedKeyVault(new ReadStoreKeyVault(new SqlReadStore(sql))), RULES);
  let store: EventStore;

  beforeAll(async () => {
    ({ client: sql, dispose } = await open());
    raw = new SqlEventStore(sql);
    await raw.init();
    store = aProcess();
  });
  afterAll(async () => dispose?.());

  const appendFor = async (p: ReturnType<typeof person>, note: string, tenant = 't1') => {
    const streamId = uniqueName('person');
    const events: NewEvent[] = [anEvent('person.registered', { ...p, joined: '2026-01-05' }, tenant), anEvent('person.noted', { personId: p.personId, text: note }, tenant)];
    await store.append([{ streamId, expectedRevision: 'noStream', events }]);
    return streamId;
  };

  /** The stream as every read path of `reader` gives it: the stream, the log, a subscription. */
  const everyReadOf = async (reader: EventStore, streamId: string): Promise<RecordedEvent[][]> => {
    const fromStream = await reader.readStream(streamId);
    const fromLog = (await reader.readAll({ after: fromStream[0].position - 1, limit: 10 })).filter((e) => e.streamId === streamId);
    const subscribed: RecordedEvent[] = [];
    const subscription = reader.subscribeAll({ after: fromStream[0].position - 1, onEvents: async (events) => void subscribed.push(...events.filter((e) => e.streamId === streamId)) });
    await eventually(() => expect(subscribed.length).toBeGreaterThanOrEqual(fromStream.length));
    await subscription.stop();
    return [fromStream, fromLog, subscribed];
  };

  it('keeps no personal data in clear in the log, and gives it back in clear on every read path', async () => {
    const p = person();
    const streamId = await appendFor(p, `allergic to penicillin ${p.personId}`);

    const log = await rawLog(sql);
    for (const secret of [p.name, p.email, p.phone, `allergic to penicillin ${p.personId}`]) expect(log).not.toContain(secret);
    const [stored] = await sql.query<{ data: Record<string, unknown> }>(`select data from kairos_events where stream_id = $1 and stream_revision = 0`, [streamId]);
    expect(stored.data).toEqual({ personId: p.personId, joined: '2026-01-05', [SEALED]: expect.objectContaining({ subject: p.personId, v: 1, fields: ['name', 'email', 'phone'] }) });

    for (const read of await everyReadOf(store, streamId)) {
      expect(read.map((e) => e.data)).toEqual([
        { ...p, joined: '2026-01-05' },
        { personId: p.personId, text: `allergic to penicillin ${p.personId}` },
      ]);
    }
    // Another process opens it too: the key is in the vault, not in this one's memory.
    expect((await aProcess().readStream(streamId))[0].data).toMatchObject({ email: p.email });
  });

  it('reads an erased person as null everywhere, in this process at once and in a fresh one, and the log still holds nothing of them', async () => {
    const [p, other] = [person(), person()];
    const streamId = await appendFor(p, `note on ${p.personId}`);
    const otherStream = await appendFor(other, `note on ${other.personId}`);
    // The same subject in another tenant is someone else.
    const otherTenantStream = await appendFor({ ...person(), personId: p.personId }, 'kept', 't2');

    await store.append([{ streamId, expectedRevision: 1, events: [anEvent('person.forgotten', { personId: p.personId })] }]);

    for (const reader of [store, aProcess()]) {
      for (const read of await everyReadOf(reader, streamId)) {
        expect(read.map((e) => e.data)).toEqual([
          { personId: p.personId, joined: '2026-01-05', name: null, email: null, phone: null },
          { personId: p.personId, text: null },
          { personId: p.personId },
        ]);
      }
      expect((await reader.readStream(otherStream)).map((e) => e.data)).toEqual([{ ...other, joined: '2026-01-05' }, { personId: other.personId, text: `note on ${other.personId}` }]);
      expect((await reader.readStream(otherTenantStream))[1].data).toEqual({ personId: p.personId, text: 'kept' });
    }
    const log = await rawLog(sql);
    for (const secret of [p.name, p.email, p.phone, `note on ${p.personId}`]) expect(log).not.toContain(secret);
    const keys = await sql.query<{ doc: unknown }>(`select doc from rm_${SUBJECT_KEYS} where tenant = 't1' and id = $1`, [p.personId]);
    expect(keys).toEqual([{ doc: { id: p.personId, key: null } }]);
  });

  it('keeps nothing of a person erased in the same append, or written about after the erasure', async () => {
    const p = person();
    const streamId = uniqueName('person');
    await store.append([
      { streamId, expectedRevision: 'noStream', events: [anEvent('person.registered', p), anEvent('person.forgotten', { personId: p.personId })] },
    ]);
    await store.append([{ streamId, expectedRevision: 1, events: [anEvent('person.noted', { personId: p.personId, text: `late ${p.personId}` })] }]);

    const log = await rawLog(sql);
    for (const secret of [p.name, p.email, p.phone, `late ${p.personId}`]) expect(log).not.toContain(secret);
    const stored = await sql.query<{ data: Record<string, unknown> }>(`select data from kairos_events where stream_id = $1 order by stream_revision`, [streamId]);
    expect(stored.map((row) => row.data[SEALED])).toEqual([
      { subject: p.personId, v: 1, fields: ['name', 'email', 'phone'] },
      undefined,
      { subject: p.personId, v: 1, fields: ['text'] },
    ]);
    expect((await store.readStream(streamId)).map((e) => e.data)).toEqual([
      { personId: p.personId, name: null, email: null, phone: null },
      { personId: p.personId },
      { personId: p.personId, text: null },
    ]);
  });

  it('stores as they are events that name nobody or hold no personal data, and events no rule lists', async () => {
    const streamId = uniqueName('person');
    const events = [anEvent('person.registered', { personId: null, name: 'Nobody' }), anEvent('person.noted', { personId: 'p1', text: null }), anEvent('thing.happened', { name: 'Plain' })];
    await store.append([{ streamId, expectedRevision: 'noStream', events }]);
    const stored = await sql.query<{ data: unknown }>(`select data from kairos_events where stream_id = $1 order by stream_revision`, [streamId]);
    expect(stored.map((row) => row.data)).toEqual(events.map((e) => e.data));
  });

  it('refuses to open sealed data moved to another event', async () => {
    const p = person();
    const streamId = await appendFor(p, 'first');
    await sql.query(
      `update kairos_events set data = jsonb_set(data, '{${SEALED}}', (select data->'${SEALED}' from kairos_events where stream_id = $1 and stream_revision = 0))
        where stream_id = $1 and stream_revision = 1`,
      [streamId],
    );
    await expect(store.readStream(streamId)).rejects.toThrow(/authenticate/);
  });
};

describe('sealing event store on PGlite', () => {
  sealingSuite(scratchPglite);
});

describeWith('PostgreSQL', testServers.postgresUrl(), 'sealing event store on PostgreSQL', () => {
  sealingSuite(() => scratchPostgres('sealing'));
});
