import { randomInt } from 'node:crypto';
import { SUBJECT_KEYS, SqlEventStore } from '@kairos/event-store';
import { SqlReadStore } from '@kairos/read-store';
import { describeWith, testServers, uniqueName } from '@kairos/testing';
import { withSealing } from '../apps/kairos/src/infrastructure/stores';
import { TestApp, buildForRunnerThread, startApp } from './harness';

const NOW = new Date('2026-03-28T00:00:00Z');

/**
 * Erasing a contact over HTTP, proved on the raw event table: before and after the erasure, the
 * contact's name, email, phone and note are nowhere in it (events, their metadata and stream ids,
 * idempotency records included); through the API they are there until the erasure, then gone.
 */
const erasureSuite = (open: () => Promise<TestApp>) => {
  let t: TestApp;
  beforeAll(async () => (t = await open()));
  afterAll(async () => t?.close());

  const as = (method: 'post' | 'get' | 'patch' | 'delete', path: string, body?: object, key?: string) => {
    const call = t.http[method](path).set('Kairos-Tenant', t.tenant);
    return (key ? call.set('Idempotency-Key', key) : call).send(body);
  };

  /** The tenant's events as the database stores them, as text. */
  const rawLog = async () => {
    const rows = await t.sql.query<{ row: string }>(
      `select stream_id || ' ' || type || ' ' || data::text || ' ' || metadata::text as row from kairos_events where metadata->>'tenant' = $1 order by position`,
      [t.tenant],
    );
    return rows.map((r) => r.row).join('\n');
  };

  it('keeps a contact\'s data out of the raw log, and after erasure out of the API too, while the booking stays', async () => {
    const tag = uniqueName('x').slice(2);
    const person = { name: `Beatriz Quintela ${tag}`, email: `beatriz.${tag}@example.com`, phone: `+3519123${String(randomInt(10_000, 99_999))}` };
    const noteText = `prefers the quiet room, ${tag}`;

    const created = await as('post', '/v1/contacts', person, uniqueName('create')).expect(201);
    const contactId = created.body.id as string;
    const yoga = (await as('post', '/v1/services', { name: 'Yoga', type: 'CLASS', defaultCapacity: 5 }).expect(201)).body;
    const session = (await as('post', `/v1/schedules/${yoga.scheduleId}/sessions`, { type: 'EVENT', start: '2026-03-30T18:00:00Z', end: '2026-03-30T19:00:00Z' }).expect(201)).body;
    const booked = await as('post', '/v1/bookings', { serviceId: yoga.id, sessionId: session.id, contact: person }, uniqueName('book')).expect(201);
    expect(booked.body).toMatchObject({ contactId, contactDetails: person });
    await as('post', `/v1/contacts/${contactId}/notes`, { text: noteText }, uniqueName('note')).expect(201);
    const renamed = await as('patch', `/v1/contacts/${contactId}`, { phone: `+3519124${String(randomInt(10_000, 99_999))}` }, uniqueName('patch')).expect(200);
    const secrets = [person.name, person.email, person.phone, renamed.body.phone as string, noteText, 'Beatriz', 'Quintela'];

    const before = await rawLog();
    expect(before).toContain(contactId);
    for (const secret of secrets) expect(before).not.toContain(secret);
    const seen = await as('get', `/v1/bookings/${booked.body.id}?minPosition=${renamed.headers['kairos-position']}`).expect(200);
    expect(seen.body.contactDetails).toEqual(person);

    const erased = await as('delete', `/v1/contacts/${contactId}`, undefined, uniqueName('erase')).expect(204);
    const position = erased.headers['kairos-position'];

    const after = await rawLog();
    for (const secret of secrets) expect(after).not.toContain(secret);
    const kept = await as('get', `/v1/bookings/${booked.body.id}?minPosition=${position}`).expect(200);
    expect(kept.body).toMatchObject({ id: booked.body.id, contactId, contactDetails: null, status: booked.body.status });
    await as('get', `/v1/contacts/${contactId}?minPosition=${position}`).expect(404);

    // The events themselves stay, and read as erased through the port, also in a process started afterwards.
    const fresh = withSealing(new SqlEventStore(t.sql), new SqlReadStore(t.sql));
    const contactStream = (await fresh.readAll({ after: null, limit: 10_000 })).filter((e) => e.metadata.tenant === t.tenant && (e.data as { id?: string }).id === contactId);
    expect(contactStream.map((e) => e.type)).toEqual(expect.arrayContaining(['contact.created', 'contact.note-added', 'contact.updated', 'contact.deleted']));
    expect(contactStream.find((e) => e.type === 'contact.created')?.data).toMatchObject({ name: null, email: null, phone: null });
    expect(contactStream.find((e) => e.type === 'contact.note-added')?.data).toMatchObject({ text: null });
    const keys = await t.sql.query<{ doc: unknown }>(`select doc from rm_${SUBJECT_KEYS} where tenant = $1 and id = $2`, [t.tenant, contactId]);
    expect(keys).toEqual([{ doc: { id: contactId, key: null } }]);
  });
};

describe('erasure (embedded default)', () => {
  erasureSuite(() => startApp({ engine: 'pglite', clock: () => NOW }));
});

describeWith('PostgreSQL', testServers.postgresUrl(), 'erasure (PostgreSQL)', () => {
  buildForRunnerThread();
  erasureSuite(() => startApp({ engine: 'postgres', postgresUrl: testServers.postgresUrl(), clock: () => NOW }));
});
