import * as http from 'node:http';
import { OpenApiDocument, Operation, operationsOf } from './openapi';
import { Rng } from './rng';
import { spoil } from './spoiling';
import { FuzzRequest, ValidRequests } from './valid-requests';

export type { OpenApiDocument } from './openapi';

/**
 * A schema-driven HTTP fuzzer: it reads the service's own OpenAPI document and sends, one at a
 * time, requests built from it, most of them spoiled in one way (a body, a path, a query string, a
 * header, a content type, an encoding, a size). Whatever it sends, the service must answer without
 * a 5xx, every 4xx as problem+json, within the timeout, and a refused request must leave the event
 * log as it was. Requests are sequential, so the log head before and after one belongs to it alone.
 *
 * Everything comes from one seeded generator: the same seed against the same service sends the
 * same requests (ids the service mints are looked up from what it answered, in order).
 */

export interface FuzzAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FuzzOptions {
  baseUrl: string;
  document: OpenApiDocument;
  tenant: string;
  seed: number;
  requests: number;
  /** The global log head; read before and after every request. */
  logHead: () => Promise<number | null>;
  /** What the log holds after a position, to show what a refused request wrote. */
  eventsAfter?: (position: number | null) => Promise<string[]>;
  timeoutMs?: number;
}

export interface FuzzFailure {
  index: number;
  request: { method: string; path: string; headers: Record<string, string>; body?: string; spoiled: string };
  status: number | 'timeout';
  why: string;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  millis: number;
  byStatus: Record<string, number>;
  byOperation: Record<string, Record<string, number>>;
  bySpoiling: Record<string, number>;
  failures: FuzzFailure[];
}

const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

export class OpenApiFuzzer {
  private readonly operations: Operation[];
  private readonly rng: Rng;
  private readonly valid: ValidRequests;
  private head: number | null = null;

  constructor(private readonly options: FuzzOptions) {
    this.rng = new Rng(options.seed);
    this.operations = operationsOf(options.document);
    this.valid = new ValidRequests(this.rng, options.document, options.tenant, () => this.head);
  }

  /** A few requests that must succeed, so the fuzz reaches handlers with real ids rather than only 404s. */
  async seedWorld(): Promise<void> {
    const json = async (method: string, path: string, body: unknown) => {
      // A booking checks the slot against read models, which the runners may not have brought up to date yet.
      for (let attempt = 1; ; attempt++) {
        const answer = await this.send({ method, path, headers: this.valid.baseHeaders(), body: Buffer.from(JSON.stringify(body)), spoiled: 'seed', mustRefuse: false });
        if (answer !== 'timeout' && answer.status < 300) {
          this.valid.harvest(method, path, answer.status, answer.body);
          return JSON.parse(answer.body) as Record<string, string>;
        }
        if (attempt === 50) throw new Error(`seeding ${method} ${path} failed: ${answer === 'timeout' ? 'timeout' : `${answer.status} ${answer.body}`}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const weekdays = { daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'], startTime: '08:00', endTime: '20:00' };
    const location = await json('POST', '/v1/locations', { name: 'Main', type: 'BUSINESS', timeZone: 'Europe/London' });
    const staff = await json('POST', '/v1/resources', { type: 'STAFF', name: 'Ana', tags: ['senior'] });
    await json('PATCH', `/v1/schedules/${staff.scheduleId}`, { timeZone: 'Europe/London', workingHours: [weekdays] });
    const policy = await json('POST', '/v1/booking-policies', { name: 'Open', earliestBookingMinutes: null, latestBookingMinutes: null, latestCancelMinutes: null, latestRescheduleMinutes: null });
    const appointment = await json('POST', '/v1/services', {
      name: 'Cut',
      type: 'APPOINTMENT',
      sessionDurations: [30],
      timeZone: 'Europe/London',
      resourceGroups: [{ resourceIds: [staff.id], requiredCount: 1, selectable: true }],
      bookingPolicyId: policy.id,
    });
    const cls = await json('POST', '/v1/services', { name: 'Spin', type: 'CLASS', defaultCapacity: 1, timeZone: 'Europe/London', bookingPolicyId: policy.id });
    const session = await json('POST', `/v1/schedules/${cls.scheduleId}/sessions`, { type: 'EVENT', localStart: '2026-03-31T18:00', localEnd: '2026-03-31T19:00', locationId: location.id });
    await json('POST', '/v1/bookings', { serviceId: appointment.id, slot: { start: '2026-03-30T09:00:00Z', end: '2026-03-30T09:30:00Z' }, contactId: this.rng.uuid() });
    await json('POST', '/v1/bookings', { serviceId: cls.id, sessionId: session.id, contactId: this.rng.uuid() });
    await json('POST', `/v1/sessions/${session.id}/waitlist`, { contactId: this.rng.uuid() });
    await json('POST', '/v1/slot-holds', { serviceId: appointment.id, slot: { start: '2026-03-30T10:00:00Z', end: '2026-03-30T10:30:00Z' }, contactId: this.rng.uuid() });
  }

  async run(): Promise<FuzzReport> {
    const started = Date.now();
    const report: FuzzReport = { seed: this.options.seed, requests: 0, millis: 0, byStatus: {}, byOperation: {}, bySpoiling: {}, failures: [] };
    for (let index = 0; index < this.options.requests; index++) {
      this.head = await this.options.logHead();
      const operation = this.rng.pick(this.operations);
      const request = spoil(this.rng, this.valid.draft(operation));
      const answer = await this.send(request);
      const after = await this.options.logHead();
      const status = answer === 'timeout' ? 'timeout' : String(answer.status);
      const opName = `${operation.method} ${operation.template}`;
      report.requests++;
      report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
      report.byOperation[opName] ??= {};
      report.byOperation[opName][status] = (report.byOperation[opName][status] ?? 0) + 1;
      report.bySpoiling[request.spoiled] = (report.bySpoiling[request.spoiled] ?? 0) + 1;
      let why = answer === 'timeout' ? 'no answer within the timeout' : this.verdict(request, answer, after);
      if (why && after !== this.head && this.options.eventsAfter) why += `: ${(await this.options.eventsAfter(this.head)).join(', ')}`;
      if (why) {
        report.failures.push({
          index,
          request: { method: request.method, path: request.path, headers: request.headers, body: request.body?.toString('utf8').slice(0, 500), spoiled: request.spoiled },
          status: answer === 'timeout' ? 'timeout' : answer.status,
          why,
        });
      }
      if (answer !== 'timeout' && answer.status < 300) this.valid.harvest(request.method, request.path, answer.status, answer.body);
    }
    report.millis = Date.now() - started;
    return report;
  }

  private verdict(request: FuzzRequest, answer: FuzzAnswer, headAfter: number | null): string | undefined {
    if (answer.status === 0) return answer.body;
    if (answer.status >= 500) return `answered ${answer.status}: ${answer.body.slice(0, 300)}`;
    if (answer.status >= 400) {
      if (!String(answer.headers['content-type']).startsWith('application/problem+json')) return `a ${answer.status} without application/problem+json: ${answer.headers['content-type']}`;
      const problem = parsed(answer.body) as { status?: number; type?: string; errors?: unknown } | undefined;
      if (problem?.status !== answer.status || !problem.type || !Array.isArray(problem.errors)) return `a malformed problem: ${answer.body.slice(0, 300)}`;
      if (headAfter !== this.head) return `refused with ${answer.status}, yet the event log moved from ${this.head} to ${headAfter}`;
    } else if (request.mustRefuse) {
      return `accepted (${answer.status}) a request spoiled by ${request.spoiled}`;
    }
    return undefined;
  }

  /** A fresh connection each: a refusal may close one before its body was read, and the next request must not inherit that. */
  private send(request: FuzzRequest): Promise<FuzzAnswer | 'timeout'> {
    const url = new URL(this.options.baseUrl);
    return new Promise((resolve) => {
      const headers: Record<string, string | number> = { ...request.headers };
      if (request.body) headers['Content-Length'] = request.body.length;
      const req = http.request({ host: url.hostname, port: url.port, method: request.method, path: request.path, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (error) => resolve({ status: 0, headers: {}, body: `connection error: ${error.message}` }));
      });
      const timer = setTimeout(() => {
        req.destroy();
        resolve('timeout');
      }, this.options.timeoutMs ?? 10_000);
      req.on('error', (error) => {
        clearTimeout(timer);
        resolve({ status: 0, headers: {}, body: `connection error: ${error.message}` });
      });
      req.end(request.body);
    });
  }
}

export const formatReport = (report: FuzzReport): string => {
  const rows = Object.entries(report.byOperation)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, statuses]) => `  ${op.padEnd(48)} ${Object.entries(statuses).map(([s, n]) => `${s}×${n}`).join(' ')}`);
  const counts = (record: Record<string, number>) =>
    Object.entries(record)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
  return [
    `fuzz: ${report.requests} requests in ${(report.millis / 1000).toFixed(1)} s, seed ${report.seed} (KAIROS_FUZZ_SEED=${report.seed} repeats it)`,
    `by status: ${counts(report.byStatus)}`,
    `by spoiling: ${counts(report.bySpoiling)}`,
    'by operation:',
    ...rows,
    `failures: ${report.failures.length}`,
    ...report.failures.slice(0, 20).map((f) => `  #${f.index} ${f.request.method} ${f.request.path} [${f.request.spoiled}] → ${f.status}: ${f.why}`),
  ].join('\n');
};
