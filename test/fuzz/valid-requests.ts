import { OpenApiDocument, OpenApiParameter, OpenApiSchema, Operation, resolveSchema } from './openapi';
import { Rng } from './rng';

/**
 * Requests as the document describes them: values that fit each schema and field name, with ids
 * from what the service minted so far, so that most requests reach a handler rather than a 404.
 */

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

/** A request still in parts, so that one of them can be spoiled before it is put together. */
export interface RequestDraft {
  operation: Operation;
  pathParams: OpenApiParameter[];
  values: Record<string, string>;
  query: [string, string][];
  headers: Record<string, string>;
  body: unknown;
}

/** The draft as sent; `raw` replaces the JSON of its body. */
export const assemble = (draft: RequestDraft, spoiled: string, mustRefuse = false, raw?: Buffer): FuzzRequest => {
  const path = draft.operation.template.replace(/\{(\w+)\}/g, (_, name: string) => draft.values[name]);
  const search = draft.query.map(([k, v]) => `${k}=${v}`).join('&');
  return {
    method: draft.operation.method,
    path: search ? `${path}?${search}` : path,
    headers: draft.headers,
    body: raw ?? (draft.body === undefined ? undefined : Buffer.from(JSON.stringify(draft.body))),
    spoiled,
    mustRefuse,
  };
};

const NOW = Date.parse('2026-03-28T00:00:00Z');
const DAY = 86_400_000;
const ZONES = ['Europe/Lisbon', 'Europe/London', 'America/New_York', 'Asia/Kathmandu', 'Pacific/Chatham', 'UTC'];

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

export class ValidRequests {
  private readonly ids = new Map<string, string[]>();

  constructor(
    private readonly rng: Rng,
    private readonly document: OpenApiDocument,
    private readonly tenant: string,
    /** The log head before the request being built, for positions that the service has reached. */
    private readonly head: () => number | null,
  ) {}

  baseHeaders(): Record<string, string> {
    return { 'Kairos-Tenant': this.tenant, 'Content-Type': 'application/json' };
  }

  /** Remembers minted ids, by the collection that minted them. */
  harvest(method: string, path: string, status: number, text: string) {
    if (method !== 'POST' || !text.startsWith('{')) return;
    const body = JSON.parse(text) as Record<string, unknown>;
    const collection = path.split('?')[0].split('/').filter(Boolean).pop()!;
    const remember = (pool: string, id: unknown) => {
      if (typeof id !== 'string') return;
      const known = this.ids.get(pool) ?? [];
      if (!known.includes(id)) this.ids.set(pool, [...known, id]);
    };
    if (status === 201) remember(collection, body.id);
    remember('schedules', body.scheduleId);
  }

  draft(operation: Operation): RequestDraft {
    const pathParams = operation.parameters.filter((p) => p.in === 'path');
    const values = Object.fromEntries(pathParams.map((p) => [p.name, this.knownId(poolOfPathParam(p.name, operation.template))]));
    const query: [string, string][] = [];
    const headers = this.baseHeaders();
    for (const p of operation.parameters) {
      if (p.in === 'query' && this.rng.chance(0.3)) query.push([p.name, this.queryValue(p)]);
      if (p.in === 'header' && this.rng.chance(0.2)) headers[p.name] = this.headerValue(p.name);
    }
    const body: unknown = operation.body ? this.value(operation.body, '', operation.template) : undefined;
    if (this.rng.chance(0.05)) headers['Idempotency-Key'] = `k-${this.rng.int(0, 20)}`;
    return { operation, pathParams, values, query, headers, body };
  }

  private knownId(pool: string | undefined): string {
    const known = pool ? this.ids.get(pool) : undefined;
    if (known?.length && this.rng.chance(0.9)) return this.rng.pick(known);
    const all = [...this.ids.values()].flat();
    return all.length && this.rng.chance(0.5) ? this.rng.pick(all) : this.rng.uuid();
  }

  /** A value as the schema and the field's name describe it, with ids from what the service minted. */
  private value(raw: OpenApiSchema, name: string, template: string, depth = 0): unknown {
    const schema = resolveSchema(this.document, raw);
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
      if (name === 'minPosition') return this.rng.int(0, Math.max(0, this.head() ?? 0));
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
    if (p.name === 'minPosition') return String(this.rng.int(0, Math.max(0, this.head() ?? 0)));
    if (p.name === 'limit') return String(this.rng.int(1, 500));
    if (p.name === 'cursor') return this.rng.pick(['abc', 'eyJ4IjoxfQ', '']);
    const value = this.value(p.schema ?? {}, p.name, '');
    return encodeURIComponent(Array.isArray(value) ? String(value[0] ?? this.rng.uuid()) : String(value));
  }

  private headerValue(name: string): string {
    if (name.toLowerCase() === 'if-match') return String(this.rng.int(1, 5));
    if (name.toLowerCase() === 'kairos-min-position') return String(this.rng.int(0, Math.max(0, this.head() ?? 0)));
    return 'x';
  }
}
