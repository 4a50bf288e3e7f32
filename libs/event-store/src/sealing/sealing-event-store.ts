import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ErasureRule, NewEvent, deepFreeze, PersonalDataRule, RecordedEvent } from '@kairos/core';
import { AppendRequest, EventStore } from '../event-store';
import { KeyVault, SubjectKey } from './key-vault';

/**
 * What the log holds instead of a person's data: the body keeps every other field in clear and
 * this one field, `sealed`, in their place. `subject` stays readable so a reader knows whose data
 * it was; `fields` names what was taken out. Without `data` (and its `iv`, `tag`) the subject was
 * already erased when the event was written, so nothing of it was kept.
 */
export interface SealedFields {
  subject: string;
  v: typeof ENVELOPE_VERSION;
  fields: string[];
  /** AES-256-GCM over the JSON of the fields, base64; bound to the tenant, the subject and the event's id. */
  iv?: string;
  data?: string;
  tag?: string;
}

export const SEALED = 'sealed';
const ENVELOPE_VERSION = 1;
const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;

export interface SealingRules {
  personalData: readonly PersonalDataRule[];
  erasures: readonly ErasureRule[];
}

type Body = Record<string, unknown>;

const isBody = (data: unknown): data is Body => typeof data === 'object' && data !== null && !Array.isArray(data);

const isSealed = (value: unknown): value is SealedFields =>
  isBody(value) && value.v === ENVELOPE_VERSION && typeof value.subject === 'string' && Array.isArray(value.fields);

/** Binds a ciphertext to its place: moved to another event, tenant or subject, it no longer opens. */
const boundTo = (tenant: string, subject: string, eventId: string) => Buffer.from(`kairos:sealed:v1\u0000${tenant}\u0000${subject}\u0000${eventId}`);

const byType = <Rule extends { eventType: string }>(rules: readonly Rule[], kind: string): Map<string, Rule> => {
  const found = new Map<string, Rule>();
  for (const rule of rules) {
    if (found.has(rule.eventType)) throw new Error(`two ${kind} rules for ${rule.eventType}`);
    found.set(rule.eventType, rule);
  }
  return found;
};

const subjectKey = (tenant: string, subject: string) => `${tenant}\u0000${subject}`;

/**
 * The event store with people's data sealed: on append, the fields a `PersonalDataRule` lists are
 * encrypted with the subject's own key (AES-256-GCM, a fresh IV per event) into one `sealed` field
 * and taken out of the clear body; every read (a stream, the log, a subscription's batches) opens
 * them again, or gives them as null once the key is destroyed. Appending an event an `ErasureRule`
 * names destroys the subject's key first, so that event, and every one sealed with the key
 * before, commit no readable trace of the person. An event about an erased subject keeps nothing
 * of it: its fields are not written at all. Deciders, projections and the publisher see clear
 * events and never know. The tenant is the event's.
 */
export class SealingEventStore implements EventStore {
  readonly engine: string;
  private readonly personalData: Map<string, PersonalDataRule>;
  private readonly erasures: Map<string, ErasureRule>;

  constructor(
    private readonly inner: EventStore,
    private readonly vault: KeyVault,
    rules: SealingRules,
  ) {
    this.engine = inner.engine;
    this.personalData = byType(rules.personalData, 'personal-data');
    this.erasures = byType(rules.erasures, 'erasure');
  }

  async append(requests: AppendRequest[]) {
    const events = requests.flatMap((request) => request.events);
    const erased = new Set<string>();
    for (const event of events) {
      const subject = isBody(event.data) ? this.erasures.get(event.type)?.subjectOf(event.data) : null;
      if (!subject) continue;
      await this.vault.destroy(event.metadata.tenant, subject);
      erased.add(subjectKey(event.metadata.tenant, subject));
    }
    const keys = new Map<string, Promise<SubjectKey | null>>();
    const keyOf = (tenant: string, subject: string) => {
      const id = subjectKey(tenant, subject);
      if (erased.has(id)) return Promise.resolve(null);
      if (!keys.has(id)) keys.set(id, this.vault.keyFor(tenant, subject));
      return keys.get(id)!;
    };
    const sealed = await Promise.all(
      requests.map(async (request) => ({ ...request, events: await Promise.all(request.events.map((event) => this.seal(event, keyOf))) })),
    );
    return this.inner.append(sealed);
  }

  private async seal(event: NewEvent, keyOf: (tenant: string, subject: string) => Promise<SubjectKey | null>): Promise<NewEvent> {
    const rule = this.personalData.get(event.type);
    const body = event.data;
    if (!rule || !isBody(body)) return event;
    if (SEALED in body) throw new Error(`${event.type} has a field named ${SEALED}, which sealing needs for itself`);
    const subject = rule.subjectOf(body);
    const fields = rule.fields.filter((field) => body[field] !== undefined && body[field] !== null);
    if (!subject || fields.length === 0) return event;
    const clear: Body = { ...body };
    const personal: Body = {};
    for (const field of fields) {
      personal[field] = clear[field];
      delete clear[field];
    }
    const envelope: SealedFields = { subject, v: ENVELOPE_VERSION, fields };
    const key = (await keyOf(event.metadata.tenant, subject))?.key;
    if (key) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(CIPHER, key, iv);
      cipher.setAAD(boundTo(event.metadata.tenant, subject, event.id));
      const data = Buffer.concat([cipher.update(JSON.stringify(personal), 'utf8'), cipher.final()]);
      Object.assign(envelope, { iv: iv.toString('base64'), data: data.toString('base64'), tag: cipher.getAuthTag().toString('base64') });
    }
    return { ...event, data: { ...clear, [SEALED]: envelope } };
  }

  /** Each event as it was appended, its sealed fields opened, or null where the key is gone. */
  private async open(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    const subjectsByTenant = new Map<string, Set<string>>();
    for (const event of events) {
      const envelope = isBody(event.data) ? event.data[SEALED] : undefined;
      if (!isSealed(envelope) || !envelope.data) continue;
      const subjects = subjectsByTenant.get(event.metadata.tenant) ?? new Set<string>();
      subjectsByTenant.set(event.metadata.tenant, subjects.add(envelope.subject));
    }
    // One trip per tenant on the page for the keys it needs, not one per event.
    const keys = new Map<string, SubjectKey>();
    await Promise.all(
      [...subjectsByTenant].map(async ([tenant, subjects]) => {
        for (const [subject, key] of await this.vault.keysOf(tenant, [...subjects])) keys.set(subjectKey(tenant, subject), key);
      }),
    );
    return events.map((event) => opened(event, keys));
  }

  readStream: EventStore['readStream'] = async (streamId, options) => this.open(await this.inner.readStream(streamId, options));

  readAll: EventStore['readAll'] = async (options) => this.open(await this.inner.readAll(options));

  headPosition(): Promise<number | null> {
    return this.inner.headPosition();
  }

  subscribeAll: EventStore['subscribeAll'] = (options) => this.inner.subscribeAll({ ...options, onEvents: async (events) => options.onEvents(await this.open(events)) });

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

const opened = (event: RecordedEvent, keys: ReadonlyMap<string, SubjectKey>): RecordedEvent => {
  if (!isBody(event.data) || !isSealed(event.data[SEALED])) return event;
  const { [SEALED]: envelope, ...clear } = event.data as Body & { [SEALED]: SealedFields };
  const gone = Object.fromEntries(envelope.fields.map((field) => [field, null]));
  const key = envelope.data ? keys.get(subjectKey(event.metadata.tenant, envelope.subject))?.key : null;
  if (!key) return { ...event, data: deepFreeze({ ...clear, ...gone }) };
  const decipher = createDecipheriv(CIPHER, key, Buffer.from(envelope.iv!, 'base64'));
  decipher.setAAD(boundTo(event.metadata.tenant, envelope.subject, event.id));
  decipher.setAuthTag(Buffer.from(envelope.tag!, 'base64'));
  // A ciphertext that does not open with its subject's key was altered: failing loudly beats reading it as erased.
  const personal = JSON.parse(Buffer.concat([decipher.update(Buffer.from(envelope.data!, 'base64')), decipher.final()]).toString('utf8')) as Body;
  return { ...event, data: deepFreeze({ ...clear, ...gone, ...personal }) };
};
