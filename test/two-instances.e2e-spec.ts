import { Consumer } from 'kafkajs';
import { BookingEvent, BookingState, bookingDecider } from '@kairos/bookings';
import { RecordedEvent } from '@kairos/core';
import { SqlEventStore } from '@kairos/event-store';
import { toPublishedMessage } from '@kairos/publisher';
import { PgClient } from '@kairos/sql';
import { BuiltService, ConformanceLog, buildOnce, describeWith, eventually, testServers, uniqueName } from '@kairos/testing';
import { CAPABILITIES, EVENT_ROUTES } from '../apps/kairos/src/capabilities';
import { ConsumedMessage, consumeTopics } from './harness';

interface Answer {
  status: number;
  position: number;
  body: Record<string, any>;
}

/** One built instance, as an operator runs it: default settings, every role; started again after a kill. */
class Instance {
  private service?: BuiltService;

  constructor(
    readonly name: string,
    private readonly env: Record<string, string>,
    private readonly conformance: ConformanceLog,
  ) {}

  async start(): Promise<void> {
    try {
      this.service = await BuiltService.start(this.env);
    } catch (error) {
      throw new Error(`${this.name} did not start: ${(error as Error).message}`);
    }
  }

  get output(): string {
    return this.service?.output ?? '';
  }

  get alive(): boolean {
    return this.service?.running ?? false;
  }

  async call(tenant: string, method: string, path: string, body?: object): Promise<Answer> {
    const response = await this.conformance.fetch(`${this.service!.base}${path}`, {
      method,
      headers: { 'kairos-tenant': tenant, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    return { status: response.status, position: Number(response.headers.get('kairos-position')), body: (await response.json()) as Record<string, any> };
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    await this.service?.stop(signal);
  }
}

/**
 * Two instances of the built service on one PostgreSQL schema and one Kafka, both with every role
 * and default settings: a booking storm whose contenders alternate between them, read-your-writes
 * on the instance that wrote and on the other, the leader killed mid-storm, and at the end both
 * read sides and Kafka checked against the event log.
 */
describeWith('PostgreSQL', testServers.postgresUrl(), 'two built instances on one database (PostgreSQL + Kafka)', () => {
  const brokers = testServers.kafkaBrokers();
  const schema = uniqueName('two_instances');
  const tenant = uniqueName('tenant');
  const received: ConsumedMessage[] = [];
  const env = {
    KAIROS_EVENT_STORE: 'postgres',
    KAIROS_READ_STORE: 'postgres',
    KAIROS_PUBLISHER: 'kafka',
    KAIROS_POSTGRES_URL: testServers.postgresUrl()!,
    KAIROS_POSTGRES_SCHEMA: schema,
    KAIROS_KAFKA_BROKERS: brokers ?? '',
  };
  const conformance = new ConformanceLog();
  const first = new Instance('first', env, conformance);
  const second = new Instance('second', env, conformance);
  let consumer: Consumer;
  /** The highest position any acknowledged write answered. */
  let written = 0;
  const staff: { id: string; scheduleId: string; serviceId: string }[] = [];
  const days: string[] = [];
  /** Every acknowledged booking: id, where it was written, its slot. */
  const booked: { id: string; serviceId: string; start: string; end: string; resourceIds: string[] }[] = [];

  const ack = (answer: Answer) => {
    if (answer.position) written = Math.max(written, answer.position);
    return answer;
  };

  /** A read that must see `position` on `instance`: it waits there, it does not answer 503. */
  const readYourWrite = async (instance: Instance, path: string, position: number) => {
    const read = await instance.call(tenant, 'GET', `${path}${path.includes('?') ? '&' : '?'}minPosition=${position}`);
    if (read.status !== 200) throw new Error(`${instance.name}: GET ${path} at ${position} answered ${read.status} ${JSON.stringify(read.body)}`);
    return read.body;
  };

  /**
   * Each slot wanted by four contenders alternating between the instances; the winner reads its
   * booking and its staff's schedule back at its write's position on both instances, and every
   * other winner is canceled through the instance it was not booked on.
   */
  const storm = async (slots: { serviceId: string; start: string; end: string }[], instances: Instance[], round: number, onBooked: (count: number) => void = () => undefined) => {
    let turn = 0;
    const contenders = slots.flatMap((slot) => Array.from({ length: 4 }, () => ({ slot, contact: `0b7d2a8e-7c55-4b7a-9d2c-${String(round * 1000 + turn++).padStart(12, '0')}` })));
    const failures: string[] = [];
    /** Whatever fails on an instance the suite killed meanwhile is not a failure of the service. */
    const on = async (instance: Instance, check: () => Promise<void>) => {
      if (!instance.alive) return;
      try {
        await check();
      } catch (error) {
        if (instance.alive) failures.push((error as Error).message);
      }
    };
    await Promise.all(
      contenders.map(async ({ slot, contact }, n) => {
        const writer = instances[n % instances.length];
        const other = instances[(n + 1) % instances.length];
        let created: Answer;
        try {
          created = ack(await writer.call(tenant, 'POST', '/v1/bookings', { serviceId: slot.serviceId, slot: { start: slot.start, end: slot.end }, contactId: contact }));
        } catch (error) {
          // The instance was killed with the request in flight: not acknowledged, so nothing to check.
          if (!writer.alive) return;
          throw error;
        }
        if (created.status === 409 || (!writer.alive && created.status >= 500)) return;
        if (created.status !== 201) return void failures.push(`${writer.name}: booking answered ${created.status} ${JSON.stringify(created.body)}`);
        const booking = { id: created.body.id as string, serviceId: slot.serviceId, start: slot.start, end: slot.end, resourceIds: created.body.slot.resourceIds as string[] };
        booked.push(booking);
        onBooked(booked.length);
        const schedule = staff.find((s) => booking.resourceIds.includes(s.id))!.scheduleId;
        const readers = [...new Set([writer, other])];
        for (const reader of readers) {
          await on(reader, async () => {
            expect(await readYourWrite(reader, `/v1/bookings/${booking.id}`, created.position)).toMatchObject({ status: 'CONFIRMED' });
            await readYourWrite(reader, `/v1/schedules/${schedule}`, created.position);
          });
        }
        if (booked.length % 2 !== 0) return;
        let canceled: Answer | undefined;
        await on(other, async () => {
          canceled = ack(await other.call(tenant, 'POST', `/v1/bookings/${booking.id}/cancel`, { reason: 'storm' }));
          if (canceled.status !== 200) throw new Error(`${other.name}: cancel answered ${canceled.status} ${JSON.stringify(canceled.body)}`);
        });
        if (canceled?.status !== 200) return;
        for (const reader of readers) {
          await on(reader, async () => expect(await readYourWrite(reader, `/v1/bookings/${booking.id}`, canceled!.position)).toMatchObject({ status: 'CANCELED' }));
        }
      }),
    );
    expect(failures).toEqual([]);
  };

  /** The runners an instance has said it leads, and not stood down from since. */
  const ledBy = (instance: Instance) => {
    const led = new Set<string>();
    for (const line of instance.output.split('\n').filter((l) => l.includes('"context":"runtime"'))) {
      const { message, runner } = JSON.parse(line) as { message: string; runner?: string };
      if (runner && message.endsWith(' leads')) led.add(runner);
      if (runner && message.endsWith(' stands by')) led.delete(runner);
    }
    return [...led].sort();
  };
  /** Every projection of every capability, and the publisher. */
  const RUNNERS = [...CAPABILITIES.flatMap((c) => c.projections.map((p) => p.name)), 'publisher:kafka'].sort();

  /** Once the storm is over, each instance reads every staff schedule at the last write's position. */
  const settled = async (instances: Instance[]) => {
    for (const instance of instances) for (const { scheduleId } of staff) await readYourWrite(instance, `/v1/schedules/${scheduleId}`, written);
  };

  /** Slots the service offers on a day, as the instance answers them once it has seen every write so far. */
  const slotsOf = async (instance: Instance, serviceId: string, day: string) => {
    const answer = await instance.call(tenant, 'POST', '/v1/availability/query', { serviceId, from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z`, limit: 500, minPosition: written });
    if (answer.status !== 200) throw new Error(`${instance.name}: availability answered ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.items as { start: string; end: string }[];
  };

  /** The event log of the suite's tenant, read straight from the database. */
  const eventLog = async (): Promise<RecordedEvent[]> => {
    const client = new PgClient({ url: testServers.postgresUrl()!, schema });
    try {
      const store = new SqlEventStore(client);
      const events: RecordedEvent[] = [];
      for (let after: number | null = null; ; ) {
        const page = await store.readAll({ after, limit: 1000 });
        if (page.length === 0) break;
        events.push(...page.filter((e) => e.metadata.tenant === tenant));
        after = page[page.length - 1].position;
      }
      return events;
    } finally {
      await client.close();
    }
  };

  /** Both read sides of `instance` against the log: every booking with its final status, and no slot offered that a booking holds. */
  const matchesTheLog = async (instance: Instance, log: RecordedEvent[]) => {
    const finals = new Map<string, BookingState>();
    for (const event of log.filter((e) => e.type.startsWith('booking.'))) {
      const id = (event.data as { id: string }).id;
      finals.set(id, bookingDecider.evolve(finals.get(id) ?? bookingDecider.initialState(), { type: event.type, data: event.data } as BookingEvent));
    }
    expect(finals.size).toBeGreaterThanOrEqual(booked.length);
    const position = log[log.length - 1].position;
    for (const [id, state] of finals) {
      const read = await readYourWrite(instance, `/v1/bookings/${id}`, position);
      expect({ id, status: read.status }).toEqual({ id, status: state.status === 'exists' ? state.view.status : 'missing' });
    }
    const held = [...finals.values()].flatMap((s) => (s.status === 'exists' && s.view.status === 'CONFIRMED' ? [s.view.slot] : []));
    for (const { id, serviceId } of staff) {
      for (const day of days) {
        const offered = await slotsOf(instance, serviceId, day);
        const taken = held.filter((slot) => slot.resourceIds.includes(id)).map((slot) => slot.start);
        expect(offered.filter((slot) => taken.includes(slot.start))).toEqual([]);
      }
    }
  };

  beforeAll(async () => {
    if (!brokers) throw new Error('this suite needs the Kafka broker the global setup starts (unset KAIROS_SKIP_KAFKA)');
    consumer = await consumeTopics(brokers.split(','), [...EVENT_ROUTES.topics], (message) => {
      if (message.headers.kairos_tenant === tenant) received.push(message);
    });
    buildOnce();
    // One after the other, so that the first one leads (the one the suite kills).
    await first.start();
    await second.start();
  }, 90_000);

  afterAll(async () => {
    await Promise.all([first.kill('SIGTERM'), second.kill('SIGTERM')]);
    await consumer?.disconnect();
    const client = new PgClient({ url: testServers.postgresUrl()! });
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.close();
  });

  it('storms both instances, loses the leader mid-storm, and keeps answering every write on the survivor', async () => {
    const weekdays = { daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: '09:00', endTime: '17:00' };
    for (let i = 0; i < 3; i++) {
      const resource = ack(await first.call(tenant, 'POST', '/v1/resources', { type: 'STAFF', name: `staff ${i}` })).body;
      ack(await second.call(tenant, 'PATCH', `/v1/schedules/${resource.scheduleId}`, { timeZone: 'Europe/London', workingHours: [weekdays] }));
      const service = ack(await first.call(tenant, 'POST', '/v1/services', { name: `cut ${i}`, type: 'APPOINTMENT', sessionDurations: [60], timeZone: 'Europe/London', resourceGroups: [{ resourceIds: [resource.id], requiredCount: 1, selectable: true }] }));
      expect(service.status).toBe(201);
      staff.push({ id: resource.id, scheduleId: resource.scheduleId, serviceId: service.body.id });
    }
    // Weekdays inside the default policy's window: at least a day ahead, at most a week.
    days.push(...[2, 3, 4, 5, 6].map((d) => new Date(Date.now() + d * 86_400_000)).filter((d) => d.getUTCDay() >= 1 && d.getUTCDay() <= 5).map((d) => d.toISOString().slice(0, 10)).slice(0, 3));
    const offered = await Promise.all(staff.flatMap((s) => days.map(async (day) => (await slotsOf(second, s.serviceId, day)).map((slot) => ({ serviceId: s.serviceId, ...slot })))));
    const slots = offered.flat();
    expect(slots.length).toBeGreaterThanOrEqual(30);
    const rounds = [slots.filter((_, i) => i % 3 === 0), slots.filter((_, i) => i % 3 === 1), slots.filter((_, i) => i % 3 === 2)];

    // The first one started leads every runner; the second stands by.
    await eventually(() => expect(ledBy(first)).toEqual(RUNNERS));
    expect(ledBy(second)).toEqual([]);
    await storm(rounds[0], [first, second], 0);
    await settled([first, second]);

    // The leader dies with the second round in flight; its contenders lose their answers, the survivor's go on.
    let killed: Promise<void> | undefined;
    const before = booked.length;
    await storm(rounds[1], [first, second], 1, (count) => {
      if (count === before + 5) killed = first.kill('SIGKILL');
    });
    await killed;
    expect(first.alive).toBe(false);
    await storm(rounds[2], [second], 2);
    await settled([second]);
    expect(ledBy(second)).toEqual(RUNNERS);

    const log = await eventLog();
    await matchesTheLog(second, log);

    // Kafka: every published event of the log at least once, duplicates only with the same ce_id, each key in log order.
    const expected = log.flatMap((e) => toPublishedMessage(e, EVENT_ROUTES) ?? []);
    await eventually(() => expect(new Set(received.map((m) => m.headers.ce_id))).toEqual(new Set(expected.map((m) => m.headers.ce_id))), 30_000, 200);
    const firstSeen = new Map<string, number[]>();
    const seen = new Set<string>();
    for (const message of received) {
      if (seen.has(message.headers.ce_id)) continue;
      seen.add(message.headers.ce_id);
      firstSeen.set(message.key, [...(firstSeen.get(message.key) ?? []), Number(message.headers.kairos_position)]);
    }
    for (const positions of firstSeen.values()) expect(positions).toEqual([...positions].sort((a, b) => a - b));
  }, 90_000);

  it('starts the killed instance again, which converges and reads every write at its position', async () => {
    await first.start();
    expect(ledBy(first)).toEqual([]);
    const log = await eventLog();
    await matchesTheLog(first, log);
    // Writes on either, read on both.
    const [{ serviceId }] = staff;
    const slot = (await slotsOf(first, serviceId, days[1]))[0];
    const created = ack(await first.call(tenant, 'POST', '/v1/bookings', { serviceId, slot: { start: slot.start, end: slot.end }, contactId: '2f0c9b1e-6a7d-4e3b-9c1a-5d4e3f2a1b0c' }));
    expect(created.status).toBe(201);
    for (const reader of [first, second]) expect(await readYourWrite(reader, `/v1/bookings/${created.body.id}`, created.position)).toMatchObject({ status: 'CONFIRMED' });
    const canceled = ack(await second.call(tenant, 'POST', `/v1/bookings/${created.body.id}/cancel`, { reason: 'again' }));
    expect(canceled.status).toBe(200);
    for (const reader of [first, second]) expect(await readYourWrite(reader, `/v1/bookings/${created.body.id}`, canceled.position)).toMatchObject({ status: 'CANCELED' });
  }, 60_000);
});
