import { describeWith, eventually, testServers } from '@kairos/testing';
import { CONSULTED_BY_COMMANDS } from '../apps/kairos/src/infrastructure/event-sourcing';
import { TestApp, twoInstances } from './harness';
import { appointmentService } from './support/appointment-service';

const NOW = new Date('2026-03-28T00:00:00Z');
/** Monday 11:00–12:00 in London (UTC+1 from 29 March), inside the staff's working hours. */
const SLOT = { start: '2026-03-30T10:00:00.000Z', end: '2026-03-30T11:00:00.000Z' };
const CONTACT = '5f0c2b7e-9d1a-4c3e-8b2f-0a1b2c3d4e5f';
const OTHER_CONTACT = '5f0c2b7e-9d1a-4c3e-8b2f-0a1b2c3d4e60';

/**
 * A command answers from read models that follow the log a little behind it. Two instances on one
 * PostgreSQL schema: the first follows the log (its projections in their worker thread), the
 * second only serves requests, so a service created through it is open for booking only once the
 * first has projected its staff's resources, schedules and availability windows. Holding those
 * tables locked keeps their projections from committing for as long as a case needs.
 */
describeWith('PostgreSQL', testServers.postgresUrl(), 'refusals made on read models behind the log (two instances, PostgreSQL)', () => {
  const instances = twoInstances('behind', { clock: () => NOW });

  const book = (t: TestApp, serviceId: string, contactId = CONTACT) =>
    t.http.post('/v1/bookings').set('Kairos-Tenant', instances.a().tenant).send({ serviceId, slot: SLOT, contactId });

  /** Until every read model commands consult shows the log up to `position`. */
  const projected = (position: number) =>
    eventually(async () => {
      for (const projection of CONSULTED_BY_COMMANDS) expect(await instances.a().stores.readStore.checkpoint(projection)).toBeGreaterThanOrEqual(position);
    });

  /** Runs `whileHeld` with the read models a slot's opening comes from unwritable: their projections wait, their readers do not. */
  const projectionsHeld = <T>(whileHeld: () => Promise<T>): Promise<T> =>
    instances.a().sql.transaction(async (tx) => {
      await tx.query('lock table rm_resources, rm_schedules, rm_windows_days, rm_windows_series in exclusive mode');
      return whileHeld();
    });

  it('books a slot of a service created a moment ago: the refusal waits for the read models to show the service, and the booking is tried again', async () => {
    const b = instances.b();
    const pending = await projectionsHeld(async () => {
      const { service } = await appointmentService(b);
      // Sent now (a supertest request starts when awaited or then-ed), answered after the lock goes.
      const booking = book(b, service.id).then((res) => res);
      // The read models stay behind the service's creation while the booking is refused and waits.
      await new Promise((resolve) => setTimeout(resolve, 700));
      return { booking };
    });
    const answer = await pending.booking;
    expect({ status: answer.status, type: answer.body.type }).toEqual({ status: 201, type: undefined });
    expect(answer.body.slot).toMatchObject({ start: SLOT.start, end: SLOT.end });
  });

  it('answers 503 projection-lag, with Retry-After, when the read models stay behind for longer than a command waits', async () => {
    const b = instances.b();
    const answer = await projectionsHeld(async () => {
      const { service } = await appointmentService(b);
      const started = Date.now();
      const res = await book(b, service.id);
      return { res, waited: Date.now() - started };
    });
    expect({ status: answer.res.status, type: answer.res.body.type }).toEqual({ status: 503, type: 'urn:kairos:problem:projection-lag' });
    expect(answer.res.headers['retry-after']).toBe('1');
    expect(answer.waited).toBeGreaterThanOrEqual(4_500);
  }, 30_000);

  it('refuses a taken slot without waiting: what the booking read from the log, the read models already show', async () => {
    const b = instances.b();
    const { service } = await appointmentService(b);
    const first = await book(b, service.id).expect(201);
    await projected(Number(first.headers['kairos-position']));
    const started = Date.now();
    const refused = await book(b, service.id);
    expect({ status: refused.status, type: refused.body.type }).toEqual({ status: 409, type: 'urn:kairos:problem:slot-taken' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('books a slot freed by a cancellation the caller saw (Kairos-Min-Position), once the read models show it free; without the header, 409', async () => {
    const b = instances.b();
    const { service } = await appointmentService(b);
    const first = await book(b, service.id).expect(201);
    // The read models show the slot taken before the cancellation is held back.
    await projected(Number(first.headers['kairos-position']));
    const answers = await projectionsHeld(async () => {
      const canceled = await b.http.post(`/v1/bookings/${first.body.id}/cancel`).set('Kairos-Tenant', instances.a().tenant).send({ reason: 'moved' }).expect(200);
      const blind = await book(b, service.id, OTHER_CONTACT);
      const seen = book(b, service.id, OTHER_CONTACT).set('Kairos-Min-Position', canceled.headers['kairos-position']).then((res) => res);
      await new Promise((resolve) => setTimeout(resolve, 700));
      return { blind, seen };
    });
    expect({ status: answers.blind.status, type: answers.blind.body.type }).toEqual({ status: 409, type: 'urn:kairos:problem:slot-taken' });
    const seen = await answers.seen;
    expect({ status: seen.status, type: seen.body.type }).toEqual({ status: 201, type: undefined });
    expect(seen.body).toMatchObject({ contactId: OTHER_CONTACT, slot: { start: SLOT.start, end: SLOT.end } });
  });

  it('refuses a malformed Kairos-Min-Position on a write with 400, naming the header', async () => {
    const refused = await instances.b().http.post('/v1/bookings').set('Kairos-Tenant', instances.a().tenant).set('Kairos-Min-Position', 'soon').send({}).expect(400);
    expect(refused.body.errors).toEqual([{ field: 'Kairos-Min-Position', reason: 'not a non-negative integer' }]);
  });

  it('leaves a query sent as POST to its own minPosition: the header beside it is not read as a write\'s', async () => {
    const b = instances.b();
    const { service } = await appointmentService(b);
    const position = Number((await book(b, service.id).expect(201)).headers['kairos-position']);
    const answer = await b.http
      .post('/v1/availability/query')
      .set('Kairos-Tenant', instances.a().tenant)
      .set('Kairos-Min-Position', 'soon')
      .send({ serviceId: service.id, from: SLOT.start, to: SLOT.end, minPosition: position });
    expect({ status: answer.status, errors: answer.body.errors }).toEqual({ status: 200, errors: undefined });
  });
});
