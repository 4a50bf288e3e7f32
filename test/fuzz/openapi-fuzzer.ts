import * as http from 'node:http';

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

export interface OpenApiSchema {
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  allOf?: OpenApiSchema[];
  $ref?: string;
}

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: OpenApiSchema;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: OpenApiParameter[]; requestBody?: { content: Record<string, { schema: OpenApiSchema }> } }>>;
  components: { schemas: Record<string, OpenApiSchema> };
}

interface Operation {
  method: string;
  template: string;
  parameters: OpenApiParameter[];
  body?: OpenApiSchema;
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** What was spoiled, for the report; `valid` when nothing was. */
  spoiled: string;
  /** Spoiled in a way that no handler may accept (a 2xx is a failure too). */
  mustRefuse: boolean;
}

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

/** sfc32: small, fast, and the same sequence on every machine for a seed. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  next(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    const t = (this.a + this.b + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(0, 15).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${this.pick(['8', '9', 'a', 'b'])}${hex.slice(17, 20)}-${hex.slice(20)}`;
  }
}

const NOW = Date.parse('2026-03-28T00:00:00Z');
const DAY = 86_400_000;
const ZONES = ['Europe/Lisbon', 'Europe/London', 'America/New_York', 'Asia/Kathmandu', 'Pacific/Chatham', 'UTC'];

/** Strings no store can hold, or that trip parsers and validators. */
const HOSTILE_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\ud83d',
  '',
  ' ',
  '%00',
  '\\u0000',
  "'; drop table kairos_events; --",
  '../../etc/passwd',
  '2026-W01-1',
  '2026-001',
  '2026-13-45T99:99:99Z',
  '+275760-09-13T00:00:00Z',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '99999999999999999999',
  '0x10',
  'true',
  'null',
  '{}',
  '[]',
  '\u202e\u0301\ufeff',
  '😀'.repeat(50),
  'a'.repeat(5_000),
  '@',
  'a@b',
  '\u0000@example.com',
  '\ud800@example.com',
  'FREQ=SECONDLY;COUNT=999999999',
  'FREQ=DAILY;UNTIL=99991231T000000Z',
  'Etc/GMT+99',
  'EST',
];

const HOSTILE_VALUES: unknown[] = [
  ...HOSTILE_STRINGS,
  null,
  true,
  false,
  0,
  -1,
  -0,
  1.5,
  2 ** 31,
  2 ** 53,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
  [],
  [null],
  {},
  { nested: { deeper: ['x'] } },
];

const HOSTILE_PATH_IDS = ['%00', 'a%00b', 'not-a-uuid', '1', '%ED%A0%80', '%C0%AF', '%', '%zz', '..', '%2e%2e', '%2F', 'x'.repeat(2_000), '00000000-0000-0000-0000-000000000000'];

const HOSTILE_QUERY_VALUES = ['%00', '%ED%A0%80', '', '-1', '1.5', 'abc', '99999999999999999999', '9007199254740993', 'true', 'TRUE', '2026-W01-1', 'x'.repeat(3_000), '%', '%zz'];

const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const deepJson = (depth: number) => `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;

/** Body fields that refer to minted ids, and the collection that mints them. */
const POOL_OF_FIELD: Record<string, string> = {
  serviceId: 'services',
  resourceId: 'resources',
  resourceIds: 'resources',
  scheduleId: 'schedules',
  affectsScheduleId: 'schedules',
  ownerId: 'resources',
  sessionId: 'sessions',
  locationId: 'locations',
  bookingPolicyId: 'booking-policies',
  holdId: 'slot-holds',
};

/** A path parameter names an id of the collection just before it: `/v1/schedules/{scheduleId}/sessions`. */
const poolOfPathParam = (name: string, template: string): string | undefined => {
  const segments = template.split('/');
  return segments[segments.indexOf(`{${name}}`) - 1];
};

export class OpenApiFuzzer {
  private readonly operations: Operation[];
  private readonly ids = new Map<string, string[]>();
  private readonly rng: Rng;
  private head: number | null = null;

  constructor(private readonly options: FuzzOptions) {
    this.rng = new Rng(options.seed);
    this.operations = Object.entries(options.document.paths)
      .filter(([template]) => template.startsWith('/v1/'))
      .flatMap(([template, methods]) =>
        Object.entries(methods).map(([method, op]) => ({
          method: method.toUpperCase(),
          template,
          parameters: (op.parameters ?? []).filter((p) => p.name.toLowerCase() !== 'kairos-tenant'),
          body: op.requestBody?.content['application/json']?.schema,
        })),
      );
  }

  /** A few requests that must succeed, so the fuzz reaches handlers with real ids rather than only 404s. */
  async seedWorld(): Promise<void> {
    const json = async (method: string, path: string, body: unknown) => {
      // A booking checks the slot against read models, which the runners may not have brought up to date yet.
      for (let attempt = 1; ; attempt++) {
        const answer = await this.send({ method, path, headers: this.baseHeaders(), body: Buffer.from(JSON.stringify(body)), spoiled: 'seed', mustRefuse: false });
        if (answer !== 'timeout' && answer.status < 300) {
          this.harvest(method, path, answer);
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
      const request = this.request(operation);
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
      if (answer !== 'timeout' && answer.status < 300) this.harvest(request.method, request.path, answer);
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

  private baseHeaders(): Record<string, string> {
    return { 'Kairos-Tenant': this.options.tenant, 'Content-Type': 'application/json' };
  }

  /** Remembers minted ids, by the collection that minted them. */
  private harvest(method: string, path: string, answer: FuzzAnswer) {
    if (method !== 'POST' || !answer.body.startsWith('{')) return;
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    const collection = path.split('?')[0].split('/').filter(Boolean).pop()!;
    const remember = (pool: string, id: unknown) => {
      if (typeof id !== 'string') return;
      const known = this.ids.get(pool) ?? [];
      if (!known.includes(id)) this.ids.set(pool, [...known, id]);
    };
    if (answer.status === 201) remember(collection, body.id);
    remember('schedules', body.scheduleId);
  }

  private knownId(pool: string | undefined): string {
    const known = pool ? this.ids.get(pool) : undefined;
    if (known?.length && this.rng.chance(0.9)) return this.rng.pick(known);
    const all = [...this.ids.values()].flat();
    return all.length && this.rng.chance(0.5) ? this.rng.pick(all) : this.rng.uuid();
  }

  private request(operation: Operation): FuzzRequest {
    const pathParams = operation.parameters.filter((p) => p.in === 'path');
    const values = Object.fromEntries(pathParams.map((p) => [p.name, this.knownId(poolOfPathParam(p.name, operation.template))]));
    const query: [string, string][] = [];
    const headers = this.baseHeaders();
    for (const p of operation.parameters) {
      if (p.in === 'query' && this.rng.chance(0.3)) query.push([p.name, this.queryValue(p)]);
      if (p.in === 'header' && this.rng.chance(0.2)) headers[p.name] = this.headerValue(p.name);
    }
    let body: unknown = operation.body ? this.value(operation.body, '', operation.template) : undefined;
    if (this.rng.chance(0.05)) headers['Idempotency-Key'] = `k-${this.rng.int(0, 20)}`;

    const request = (spoiled: string, mustRefuse = false, raw?: Buffer): FuzzRequest => {
      const path = operation.template.replace(/\{(\w+)\}/g, (_, name: string) => values[name]);
      const search = query.map(([k, v]) => `${k}=${v}`).join('&');
      return {
        method: operation.method,
        path: search ? `${path}?${search}` : path,
        headers,
        body: raw ?? (body === undefined ? undefined : Buffer.from(JSON.stringify(body))),
        spoiled,
        mustRefuse,
      };
    };

    const roll = this.rng.next();
    if (roll < 0.3) return request('valid');
    if (roll < 0.45 && body !== undefined) {
      body = this.spoilBody(body);
      return request('body value');
    }
    if (roll < 0.52 && body !== undefined) {
      const bad = this.rng.pick(['\u0000', 'x\ud800y', '\udc00']);
      body = this.plant(body, bad);
      return request('unstorable string', true);
    }
    if (roll < 0.57) {
      const key = this.rng.pick(['__proto__', 'constructor', 'prototype', 'unknownField', 'Name', 'a\u0000']);
      const text = (body === undefined ? '{}' : JSON.stringify(body)).replace(/^\{/, `{${JSON.stringify(key)}:${this.rng.pick(['1', '{"hidden":true}', '"x"', 'null'])},`).replace(',}', '}');
      const refusedAnywhere = ['__proto__', 'constructor', 'prototype', 'a\u0000'].includes(key);
      return request(`key ${JSON.stringify(key)}`, refusedAnywhere || operation.body !== undefined, Buffer.from(text));
    }
    if (roll < 0.65 && pathParams.length) {
      values[this.rng.pick(pathParams).name] = this.rng.chance(0.8) ? this.rng.pick(HOSTILE_PATH_IDS) : this.rng.uuid();
      return request('path id');
    }
    if (roll < 0.72) {
      const known = operation.parameters.filter((p) => p.in === 'query');
      const name = known.length && this.rng.chance(0.8) ? this.rng.pick(known).name : this.rng.pick(['unknown', '__proto__', 'tag[]', '%00', 'limit']);
      query.push([name, this.rng.pick(HOSTILE_QUERY_VALUES)]);
      if (this.rng.chance(0.2)) query.push([name, this.rng.pick(HOSTILE_QUERY_VALUES)]);
      return request('query');
    }
    if (roll < 0.78) {
      const [name, value] = this.rng.pick<[string, string]>([
        ['If-Match', this.rng.pick(['abc', '0', '-1', '"1"', 'W/"1"', '1.5', '99999999999999999999', '*', ''])],
        ['Kairos-Min-Position', this.rng.pick(['-1', 'abc', '1.5', '99999999999999999999', '', '0x10'])],
        ['Idempotency-Key', this.rng.pick(['x'.repeat(300), 'é', 'k', ''])],
        ['Kairos-Tenant', this.rng.pick(['', 'bad tenant', 'x'.repeat(65), '../x', 'é'])],
        ['Kairos-Actor', this.rng.pick(['CUSTOMER', 'ADMIN', ''])],
        ['Authorization', this.rng.pick(['Bearer x.y.z', 'Basic abc', 'Bearer'])],
        ['Accept', this.rng.pick(['text/html', 'application/xml', '*/*', 'nonsense'])],
      ]);
      headers[name] = value;
      return request(`header ${name}`);
    }
    if (roll < 0.86) {
      const text = body === undefined ? '{}' : JSON.stringify(body);
      const [type, refused] = this.rng.pick<[string | undefined, boolean]>([
        ['text/plain', true],
        ['application/x-www-form-urlencoded', true],
        ['multipart/form-data; boundary=x', true],
        ['application/xml', true],
        [undefined, true],
        ['application/json; charset=latin1', true],
        ['application/json; charset=foo', true],
        ['application/json; charset=utf-16', true],
        ['application/json; charset=UTF-8', false],
        ['APPLICATION/JSON', false],
        ['application/merge-patch+json', true],
      ]);
      if (type === undefined) delete headers['Content-Type'];
      else headers['Content-Type'] = type;
      return request(`content type ${type ?? 'missing'}`, refused, Buffer.from(text));
    }
    if (roll < 0.9) {
      headers['Content-Encoding'] = this.rng.pick(['x-foo', 'gzip', 'deflate', 'br', 'gzip, x-foo', 'identity']);
      const text = body === undefined ? '{}' : JSON.stringify(body);
      const plainIsValid = headers['Content-Encoding'] === 'identity';
      return request(`content encoding ${headers['Content-Encoding']}`, !plainIsValid, Buffer.from(text));
    }
    if (roll < 0.96) {
      const text = body === undefined ? '{}' : JSON.stringify(body);
      const [name, raw] = this.rng.pick<[string, string]>([
        ['truncated JSON', text.slice(0, Math.max(1, text.length - 3))],
        ['not JSON', 'name=x&type=y'],
        ['JSON null', 'null'],
        ['JSON array', `[${text}]`],
        ['JSON number', '42'],
        ['JSON string', '"x"'],
        ['trailing garbage', `${text}x`],
        ['duplicate keys', text.replace(/^\{/, '{"name":"a","name":"b",').replace(',}', '}')],
        ['byte order mark', `\ufeff${text}`],
        ['deep nesting', deepJson(this.rng.pick([40, 1_000, 10_000]))],
        ['invalid UTF-8', '{"name":"\xff\xfe"}'],
      ]);
      const mustRefuse = ['truncated JSON', 'not JSON', 'trailing garbage', 'deep nesting', 'JSON null', 'JSON number', 'JSON string'].includes(name);
      return request(name, mustRefuse, Buffer.from(raw, name === 'invalid UTF-8' ? 'latin1' : 'utf8'));
    }
    // Sizes: an empty body, a long string within the limit, and a body past it.
    const size = this.rng.pick([0, 20_000, 600_000, 1_100_000]);
    if (size === 0) return request('empty body', false, Buffer.alloc(0));
    const padded = JSON.stringify({ ...(typeof body === 'object' && body ? body : {}), name: 'x'.repeat(size) });
    return request(`body of ${size} bytes`, size > 1_000_000, Buffer.from(padded));
  }

  private resolve(schema: OpenApiSchema): OpenApiSchema {
    if (schema.$ref) return this.resolve(this.options.document.components.schemas[schema.$ref.split('/').pop()!]);
    if (schema.allOf?.length === 1) return { ...this.resolve(schema.allOf[0]), nullable: schema.nullable };
    return schema;
  }

  /** A value as the schema and the field's name describe it, with ids from what the service minted. */
  private value(raw: OpenApiSchema, name: string, template: string, depth = 0): unknown {
    const schema = this.resolve(raw);
    if (schema.nullable && this.rng.chance(0.15)) return null;
    if (schema.enum) return this.rng.pick(schema.enum);
    if (schema.properties) {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(schema.properties)) {
        if ((schema.required ?? []).includes(key) || this.rng.chance(0.4)) out[key] = this.value(child, key, template, depth + 1);
      }
      return out;
    }
    if (schema.type === 'array') {
      return Array.from({ length: this.rng.int(0, 3) }, () => this.value(schema.items ?? {}, name, template, depth + 1));
    }
    if (schema.format === 'uuid' || /Id$|Ids$|^id$/.test(name)) return name === 'id' || name === 'contactId' ? this.rng.uuid() : this.knownId(POOL_OF_FIELD[name]);
    if (schema.type === 'boolean') return this.rng.chance(0.5);
    if (schema.type === 'number' || schema.type === 'integer') {
      if (name === 'minPosition') return this.rng.int(0, Math.max(0, this.head ?? 0));
      if (name === 'revision') return this.rng.int(1, 5);
      return this.rng.int(schema.minimum ?? 0, Math.min(schema.maximum ?? 100, (schema.minimum ?? 0) + 200));
    }
    return this.namedString(name, schema);
  }

  private namedString(name: string, schema: OpenApiSchema): string {
    const instant = () => new Date(NOW + this.rng.int(-10, 60) * DAY + this.rng.int(0, 47) * 1_800_000).toISOString();
    const local = () => instant().slice(0, 16);
    switch (name) {
      case 'timeZone':
        return this.rng.pick(ZONES);
      case 'start':
      case 'from':
        return instant();
      case 'end':
      case 'to':
        // Now and then the end of time: work must stay bounded by the page or refused, never by the span.
        if (this.rng.chance(0.05)) return '9999-12-31T23:59:59Z';
        return new Date(Date.parse(instant()) + this.rng.int(1, 4) * 1_800_000).toISOString();
      case 'localStart':
      case 'localEnd':
      case 'exdates':
        return local();
      case 'startTime':
      case 'endTime':
        return `${String(this.rng.int(0, 23)).padStart(2, '0')}:${this.rng.pick(['00', '30'])}`;
      case 'validFrom':
      case 'validUntil':
        return instant().slice(0, 10);
      case 'email':
        return `c${this.rng.int(0, 99)}@example.com`;
      case 'phone':
        return '+351912345678';
      case 'currency':
        return this.rng.pick(['EUR', 'USD']);
      case 'amount':
      case 'amountPaid':
        return `${this.rng.int(0, 99)}.00`;
      case 'recurrence':
        return this.rng.pick(['FREQ=WEEKLY;COUNT=3', 'FREQ=DAILY;INTERVAL=2;COUNT=5', 'FREQ=MONTHLY;BYMONTHDAY=1;COUNT=2']);
      default:
        if (typeof schema.example === 'string') return schema.example;
        return `${name || 'x'}-${this.rng.int(0, 999)}`.slice(0, schema.maxLength ?? 200);
    }
  }

  private queryValue(p: OpenApiParameter): string {
    if (p.name === 'minPosition') return String(this.rng.int(0, Math.max(0, this.head ?? 0)));
    if (p.name === 'limit') return String(this.rng.int(1, 500));
    if (p.name === 'cursor') return this.rng.pick(['abc', 'eyJ4IjoxfQ', '']);
    const value = this.value(p.schema ?? {}, p.name, '');
    return encodeURIComponent(Array.isArray(value) ? String(value[0] ?? this.rng.uuid()) : String(value));
  }

  private headerValue(name: string): string {
    if (name.toLowerCase() === 'if-match') return String(this.rng.int(1, 5));
    if (name.toLowerCase() === 'kairos-min-position') return String(this.rng.int(0, Math.max(0, this.head ?? 0)));
    return 'x';
  }

  private spoilBody(body: unknown): unknown {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return this.rng.pick(HOSTILE_VALUES);
    const keys = Object.keys(body);
    const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
    if (!keys.length || this.rng.chance(0.1)) return { ...copy, [this.rng.pick(['name', 'type', 'serviceId', 'from', 'to', 'slot'])]: this.rng.pick(HOSTILE_VALUES) };
    const key = this.rng.pick(keys);
    copy[key] = typeof copy[key] === 'object' && copy[key] !== null && this.rng.chance(0.5) ? this.spoilBody(copy[key]) : this.rng.pick(HOSTILE_VALUES);
    return copy;
  }

  /** The body with one string, somewhere in it, holding `bad`. */
  private plant(body: unknown, bad: string): unknown {
    if (typeof body === 'string') return `${body}${bad}`;
    if (typeof body !== 'object' || body === null) return bad;
    const entries = Object.entries(body);
    if (!entries.length) return Array.isArray(body) ? [bad] : { name: bad };
    const [key, child] = this.rng.pick(entries);
    const copy = Array.isArray(body) ? [...body] : { ...body };
    (copy as Record<string, unknown>)[key] = typeof child === 'object' && child !== null ? this.plant(child, bad) : typeof child === 'string' ? `${child}${bad}` : bad;
    return copy;
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
