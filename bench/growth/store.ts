import { randomBytes, randomUUID } from 'node:crypto';
import { appointmentSessionIdOf } from '@kairos/bookings';
import { NewEvent } from '@kairos/core';
import { AppendRequest, SqlEventStore } from '@kairos/event-store';
import { PgClient, ident } from '@kairos/sql';
import { PROJECTIONS } from '../../apps/kairos/src/infrastructure/projections';
import { Cleanup } from '../kit/processes';
import { NO_WINDOWS_POLICY } from '../bookings/scenario';
import { ServiceProcess } from '../kit/service-process';
import { TENANT, ZONE } from './scenario';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The built service on PostgreSQL in a scratch schema, with the in-process publisher (no Kafka: the
 * figures are about the booking path and the projections), and a connection of the benchmark's own
 * to that schema for appending in bulk and for watching the projections' checkpoints.
 *
 * The service's connections carry an application name of their own, so that the PostgreSQL backends
 * serving it can be told apart from everyone else's on a shared machine.
 */
export const startService = async (url: string, label: string, cleanup: Cleanup, log: (m: string) => void) => {
  const schema = `bench_${label}_${randomBytes(4).toString('hex')}`;
  const applicationName = schema;
  const sql = new PgClient({ url, schema, poolSize: 2 });
  const eventStore = new SqlEventStore(sql);
  const env = {
    KAIROS_EVENT_STORE: 'postgres',
    KAIROS_READ_STORE: 'postgres',
    KAIROS_PUBLISHER: 'inprocess',
    KAIROS_POSTGRES_URL: url,
    KAIROS_POSTGRES_SCHEMA: schema,
    PGAPPNAME: applicationName,
  };
  const service = new ServiceProcess(`${__dirname}/../../apps/kairos/src/main.js`, env, TENANT, 120_000, log);
  cleanup.add(`drop schema ${schema}`, async () => {
    await eventStore.close().catch(() => undefined);
    try {
      await sql.query(`drop schema if exists ${ident(schema)} cascade`);
    } finally {
      await sql.close();
    }
  });
  cleanup.add('stop the service', () => service.stop());
  await service.start();
  return { service, sql, eventStore, schema, applicationName };
};

export type Service = Awaited<ReturnType<typeof startService>>;

export interface Staff {
  id: string;
  scheduleId: string;
}

export interface Tenant {
  serviceId: string;
  serviceScheduleId: string;
  staff: Staff[];
}

/** Working hours of every staff member, in UTC so that a slot's local and UTC times read alike. */
export const OPEN_HOUR = 8;
export const CLOSE_HOUR = 18;

/** A default policy without windows, N staff on weekday hours, and a one-hour APPOINTMENT service over all of them. */
export const setUpTenant = async (service: ServiceProcess, staffCount: number): Promise<Tenant> => {
  // A loaded machine can answer 503 (a store slow to answer); a set-up step then runs again. A resource
  // created twice only leaves a spare one unused.
  const ok = async (method: string, path: string, body: unknown) => {
    for (let attempt = 1; ; attempt++) {
      const answer = await service.call(method, path, body);
      if (answer.status >= 200 && answer.status < 300) return answer.body;
      if (answer.status !== 503 || attempt === 5) throw new Error(`${method} ${path} answered ${answer.status}: ${answer.text.slice(0, 500)}`);
      await sleep(500 * attempt);
    }
  };
  await ok('POST', '/v1/booking-policies', NO_WINDOWS_POLICY);
  const hours = {
    timeZone: ZONE,
    workingHours: [{ daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], startTime: `${OPEN_HOUR}:00`.padStart(5, '0'), endTime: `${CLOSE_HOUR}:00` }],
  };
  const staff: Staff[] = [];
  for (let i = 0; i < staffCount; i += 10) {
    const created = await Promise.all(
      Array.from({ length: Math.min(10, staffCount - i) }, async (_, k) => {
        const r = await ok('POST', '/v1/resources', { type: 'STAFF', name: `Staff ${i + k + 1}` });
        await ok('PATCH', `/v1/schedules/${r.scheduleId}`, hours);
        return { id: r.id as string, scheduleId: r.scheduleId as string };
      }),
    );
    staff.push(...created);
  }
  const created = await ok('POST', '/v1/services', {
    name: 'Consultation',
    type: 'APPOINTMENT',
    sessionDurations: [60],
    slotSplitIntervalMinutes: 60,
    timeZone: ZONE,
    resourceGroups: [{ resourceIds: staff.map((s) => s.id), requiredCount: 1, selectable: true }],
  });
  return { serviceId: created.id, serviceScheduleId: created.scheduleId, staff };
};

/** A one-hour slot of one staff member. */
export interface Slot {
  staff: number;
  start: number;
}

export const HOUR_MS = 60 * 60 * 1000;

/** Every one-hour slot of every staff member on the weekdays of a UTC month, shuffled by `random`. */
export const slotsOfMonth = (year: number, month: number, staffCount: number, random: () => number): Slot[] => {
  const slots: Slot[] = [];
  const first = new Date(Date.UTC(year, month, 1));
  for (let day = first; day.getUTCMonth() === first.getUTCMonth(); day = new Date(day.getTime() + 24 * HOUR_MS)) {
    if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
    for (let hour = OPEN_HOUR; hour < CLOSE_HOUR; hour++) {
      for (let staff = 0; staff < staffCount; staff++) slots.push({ staff, start: day.getTime() + hour * HOUR_MS });
    }
  }
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [slots[i], slots[j]] = [slots[j], slots[i]];
  }
  return slots;
};

export const bookingBody = (tenant: Tenant, slot: Slot) => ({
  slot: {
    serviceId: tenant.serviceId,
    start: new Date(slot.start).toISOString(),
    end: new Date(slot.start + HOUR_MS).toISOString(),
    resourceIds: [tenant.staff[slot.staff].id],
  },
  contactId: randomUUID(),
});

interface TemplateEvent {
  streamId: string;
  type: string;
  schemaVersion: number;
  data: string;
  metadata: string;
}

/**
 * What one booking appends, taken from a real booking made over HTTP: the booking, its resource
 * claim and its appointment session. Copies of it for other slots, staff and contacts (every id,
 * instant and bucket the events name swapped in one pass) are what the booking path would have
 * appended for them, without going through HTTP ten thousand times.
 */
export class BookingTemplate {
  private constructor(
    private readonly events: TemplateEvent[],
    private readonly names: { bookingId: string; sessionId: string; contactId: string; staff: Staff; start: number },
  ) {}

  static async take(service: Service, tenant: Tenant, slot: Slot): Promise<BookingTemplate> {
    const [{ head }] = await service.sql.query<{ head: string | null }>('select max(position) as head from kairos_events');
    // The booking path reads the staff's hours from the read models: they must show the set-up first.
    await caughtUp(service, Number(head ?? 0), 120_000, () => undefined);
    const body = bookingBody(tenant, slot);
    const booking = await service.service.ok('POST', '/v1/bookings', body);
    const rows = await service.sql.query<{ stream_id: string; type: string; schema_version: number; data: unknown; metadata: unknown }>(
      'select stream_id, type, schema_version, data, metadata from kairos_events where position > $1 order by position',
      [Number(head ?? 0)],
    );
    const types = rows.map((r) => r.type).join(', ');
    if (rows.length !== 3) throw new Error(`a booking appended ${rows.length} events (${types}); the copies expect a booking, a claim and a session`);
    const events = rows.map((r) => ({ streamId: r.stream_id, type: r.type, schemaVersion: r.schema_version, data: JSON.stringify(r.data), metadata: JSON.stringify(r.metadata) }));
    return new BookingTemplate(events, {
      bookingId: booking.id,
      sessionId: booking.appointmentSessionId,
      contactId: body.contactId,
      staff: tenant.staff[slot.staff],
      start: slot.start,
    });
  }

  /** One booking's appends for `slot`: every stream is new, as the booking path finds them. */
  copyFor(tenant: Tenant, slot: Slot): AppendRequest[] {
    const bookingId = randomUUID();
    const staff = tenant.staff[slot.staff];
    const instants = (start: number) => {
      const iso = (ms: number) => new Date(ms).toISOString();
      return { start: iso(start), end: iso(start + HOUR_MS), localStart: iso(start).slice(0, 19), localEnd: iso(start + HOUR_MS).slice(0, 19), bucket: iso(start).slice(0, 13) };
    };
    const from = instants(this.names.start);
    const to = instants(slot.start);
    const swaps = new Map<string, string>([
      [this.names.bookingId, bookingId],
      [this.names.sessionId, appointmentSessionIdOf(bookingId, 1)],
      [this.names.contactId, randomUUID()],
      [this.names.staff.id, staff.id],
      [this.names.staff.scheduleId, staff.scheduleId],
      [from.start, to.start],
      [from.end, to.end],
      [from.localStart, to.localStart],
      [from.localEnd, to.localEnd],
      [from.bucket, to.bucket],
    ]);
    // Longest first, so that a bucket never matches inside an instant; one pass, so a swapped-in value is never swapped again.
    const pattern = new RegExp([...swaps.keys()].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
    const swap = (text: string) => text.replace(pattern, (found) => swaps.get(found)!);
    const correlationId = randomUUID();
    return this.events.map((e): AppendRequest => {
      const metadata = JSON.parse(swap(e.metadata));
      const event: NewEvent = { id: randomUUID(), type: e.type, schemaVersion: e.schemaVersion, data: JSON.parse(swap(e.data)), metadata: { ...metadata, correlationId } };
      return { streamId: swap(e.streamId), expectedRevision: 'noStream', events: [event] };
    });
  }
}

/** Appends copies of the template for `slots`, `perAppend` bookings to an append; answers the last position. */
export const appendBookings = async (service: Service, tenant: Tenant, template: BookingTemplate, slots: Slot[], perAppend: number, log: (m: string) => void) => {
  let position = 0;
  const started = Date.now();
  let shown = started;
  for (let i = 0; i < slots.length; i += perAppend) {
    const requests = slots.slice(i, i + perAppend).flatMap((slot) => template.copyFor(tenant, slot));
    position = (await service.eventStore.append(requests)).position;
    if (Date.now() - shown > 5000) {
      shown = Date.now();
      log(`appended ${i + perAppend} of ${slots.length} bookings`);
    }
  }
  return position;
};

/** Waits until every projection's checkpoint has reached `position`. */
export const caughtUp = async (service: Service, position: number, timeoutMs: number, log: (m: string) => void) => {
  const deadline = Date.now() + timeoutMs;
  let shown = Date.now();
  for (;;) {
    const rows = await service.sql.query<{ projection: string; position: string | null }>('select projection, position from rm_checkpoints');
    const behind = rows.filter((r) => Number(r.position ?? 0) < position);
    // A runner that has not started yet has no row: every projection must have one.
    if (rows.length >= PROJECTIONS.length && behind.length === 0) return;
    if (Date.now() > deadline) throw new Error(`projections not caught up with ${position} within ${timeoutMs} ms: ${behind.map((r) => `${r.projection}@${r.position}`).join(', ')}`);
    if (Date.now() - shown > 10_000) {
      shown = Date.now();
      log(`waiting for ${behind.length} projections to reach ${position}: ${behind.slice(0, 4).map((r) => `${r.projection}@${r.position}`).join(', ')}`);
    }
    await sleep(100);
  }
};

/** The copies stand for real bookings: the service refuses a copied slot, and its availability leaves it out. */
export const checkCopied = async (service: Service, tenant: Tenant, slot: Slot) => {
  const taken = await service.service.call('POST', '/v1/bookings', bookingBody(tenant, slot));
  if (taken.status !== 409) throw new Error(`booking a copied booking's slot answered ${taken.status}, not 409: ${taken.text.slice(0, 300)}`);
  const start = new Date(slot.start).toISOString();
  const open = await service.service.ok('POST', '/v1/availability/query', {
    serviceId: tenant.serviceId,
    from: start,
    to: new Date(slot.start + HOUR_MS).toISOString(),
    resourceIds: [tenant.staff[slot.staff].id],
  });
  if (open.items.some((s: { start: string }) => Date.parse(s.start) === slot.start)) throw new Error(`availability offers a copied booking's slot ${start}`);
};
