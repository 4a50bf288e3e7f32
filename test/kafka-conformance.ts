import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { CloudEvent, Kafka as CloudEventsKafka, KafkaMessage } from 'cloudevents';
import { Kafka, logLevel } from 'kafkajs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A consumer of Kairos' topics written the way a downstream team would write one, from the contract
 * alone: kafkajs to read, the CloudEvents SDK's Kafka binding to turn each message into a CloudEvent,
 * and the committed JSON Schemas (docs/events/) to check its value. It shares no code with the
 * publisher, so a message the publisher and its own documents agree on wrongly still fails here.
 */

export interface RawMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** The tenants of the apps a test run starts (test/harness.ts), told apart from other runs' on a shared broker. */
export const runTenantPrefix = () => `tenant_${(process.env.KAIROS_TEST_RUN ?? 'local').slice(0, 8)}`;
/** The publisher contract's tenants (libs/publisher/src/contract.ts): its messages carry made-up bodies. */
export const CONTRACT_TENANT = 'contract';

/** Per topic, per partition: the offset of the next message. */
export type Offsets = Record<string, Record<number, string>>;

const SCHEMAS_DIR = join(__dirname, '..', 'docs', 'events');
/** The topics of the contract: `kairos.<capability>.v<major>`. */
const TOPIC = /^kairos\.[a-z-]+\.v[1-9][0-9]*$/;
const TYPE = /^kairos\.[a-z-]+\.[a-z-]+\.v([1-9][0-9]*)$/;
const SOURCE = /^\/kairos\/([a-z-]+)$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** Every header the contract names (docs/api.md §3); any other is undocumented. */
const REQUIRED_HEADERS = ['ce_specversion', 'ce_id', 'ce_type', 'ce_source', 'ce_time', 'ce_subject', 'ce_dataschema', 'content-type', 'kairos_position', 'kairos_tenant', 'kairos_revision'];
const OPTIONAL_HEADERS = ['kairos_correlation_id', 'kairos_causation_id'];

const JOIN_TIMEOUT_MS = 60_000;

const kafkaOf = (brokers: string[]) => new Kafka({ brokers, clientId: 'kairos-conformance', logLevel: logLevel.NOTHING });

/** The next offset of every partition of every contract topic on the broker. */
export const endOffsets = async (brokers: string[]): Promise<Offsets> => {
  const admin = kafkaOf(brokers).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => TOPIC.test(t));
    const offsets: Offsets = {};
    for (const topic of topics) offsets[topic] = Object.fromEntries((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
    return offsets;
  } finally {
    await admin.disconnect();
  }
};

export interface Follower {
  /** What was read so far, in the order each partition gave it. */
  readonly messages: RawMessage[];
  /** The next offset to read, per `topic/partition`, once anything was read there. */
  readonly next: Map<string, bigint>;
  stop(): Promise<void>;
}

/** Reads every contract topic from `since` on (a partition `since` does not name: from its start) until stopped. */
export const follow = async (brokers: string[], since: Offsets): Promise<Follower> => {
  const now = await endOffsets(brokers);
  const from = (topic: string, partition: number) => BigInt(since[topic]?.[partition] ?? '0');
  const consumer = kafkaOf(brokers).consumer({ groupId: `kairos-conformance-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  const messages: RawMessage[] = [];
  const next = new Map<string, bigint>();
  await consumer.connect();
  await consumer.subscribe({ topics: Object.keys(now), fromBeginning: true });
  // run() returns before the group is joined, and on a fresh broker the first join waits for Kafka to
  // create its offsets topic: a caller that acted at once would race its own reader.
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      if (BigInt(message.offset) < from(topic, partition)) return;
      messages.push({
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? '',
        value: message.value?.toString() ?? '',
        headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
      });
      next.set(`${topic}/${partition}`, BigInt(message.offset) + 1n);
    },
  });
  let giveUp: NodeJS.Timeout | undefined;
  try {
    await Promise.race([joined, new Promise((_, reject) => (giveUp = setTimeout(() => reject(new Error(`the conformance consumer joined no group within ${JOIN_TIMEOUT_MS} ms`)), JOIN_TIMEOUT_MS)))]);
  } catch (error) {
    await consumer.disconnect();
    throw error;
  } finally {
    clearTimeout(giveUp);
  }
  // Reading from the beginning is what guarantees nothing since `since` is missed (a seek before the
  // partitions are assigned may be dropped); skipping ahead once they are is only a saving.
  for (const [topic, partitions] of Object.entries(now)) {
    for (const partition of Object.keys(partitions).map(Number)) consumer.seek({ topic, partition, offset: String(from(topic, partition)) });
  }
  return { messages, next, stop: () => consumer.disconnect() };
};

/** Every message written to a contract topic after `since` (a topic created since: all of it), up to now. */
export const messagesSince = async (brokers: string[], since: Offsets, timeoutMs = 60_000): Promise<RawMessage[]> => {
  const until = await endOffsets(brokers);
  const ends = Object.entries(until).flatMap(([topic, partitions]) => Object.entries(partitions).map(([partition, end]) => ({ key: `${topic}/${partition}`, topic, partition: Number(partition), end: BigInt(end) })));
  const owed = ends.filter((p) => p.end > BigInt(since[p.topic]?.[p.partition] ?? '0'));
  if (owed.length === 0) return [];
  const follower = await follow(brokers, since);
  try {
    const deadline = Date.now() + timeoutMs;
    const behind = () => owed.filter((p) => (follower.next.get(p.key) ?? 0n) < p.end);
    while (behind().length > 0) {
      if (Date.now() > deadline) throw new Error(`read ${follower.messages.length} messages; still behind on ${behind().map((p) => p.key).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await follower.stop();
  }
  const endOf = new Map(ends.map((p) => [p.key, p.end]));
  return follower.messages.filter((m) => BigInt(m.offset) < (endOf.get(`${m.topic}/${m.partition}`) ?? 0n));
};

/** Every object schema closed: a field on the wire that its schema does not name is undocumented. */
const closed = (schema: unknown): unknown => {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== 'object') return schema;
  const node = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === 'examples' ? v : closed(v)]));
  if (node.properties && node.additionalProperties === undefined) node.additionalProperties = false;
  return node;
};

const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
const validators = new Map<string, ValidateFunction | null>();
/** The committed schema of a ce_type, compiled; null when docs/events/ has none. */
const schemaOf = (type: string) => {
  if (!validators.has(type)) {
    const file = join(SCHEMAS_DIR, `${type}.json`);
    validators.set(type, existsSync(file) ? ajv.compile(closed(JSON.parse(readFileSync(file, 'utf8'))) as object) : null);
  }
  return validators.get(type)!;
};

/** What is wrong with one message, as a consumer reading the contract sees it: nothing when it conforms. */
export const problemsOf = (message: RawMessage): string[] => {
  const problems: string[] = [];
  const { headers } = message;
  for (const name of REQUIRED_HEADERS) if (!headers[name]) problems.push(`header ${name} is missing`);
  for (const name of Object.keys(headers)) if (!REQUIRED_HEADERS.includes(name) && !OPTIONAL_HEADERS.includes(name)) problems.push(`header ${name} is not in the contract`);

  let event: CloudEvent<unknown>;
  try {
    const kafkaMessage: KafkaMessage<string> = { key: message.key, value: message.value, body: message.value, headers };
    event = CloudEventsKafka.toEvent(kafkaMessage) as CloudEvent<unknown>;
    event.validate();
  } catch (error) {
    return [...problems, `not a valid CloudEvent: ${(error as Error).message}`];
  }
  const type = TYPE.exec(event.type);
  const source = SOURCE.exec(event.source);
  if (event.specversion !== '1.0') problems.push(`specversion ${event.specversion}`);
  if (!type) problems.push(`type ${event.type} is not kairos.<aggregate>.<event>.v<n>`);
  if (!source) problems.push(`source ${event.source} is not /kairos/<capability>`);
  if (type && source && message.topic !== `kairos.${source[1]}.v${type[1]}`) problems.push(`${event.type} from ${event.source} is on ${message.topic}`);
  if (!RFC3339.test(headers.ce_time ?? '')) problems.push(`time ${headers.ce_time} is not RFC 3339`);
  if (event.subject !== message.key) problems.push(`subject ${event.subject} is not the key ${message.key}`);
  if (event.dataschema !== `urn:kairos:event:${event.type}`) problems.push(`dataschema ${event.dataschema} is not urn:kairos:event:${event.type}`);
  if (event.datacontenttype !== 'application/json') problems.push(`content-type ${event.datacontenttype}`);
  if (!/^[0-9]+$/.test(headers.kairos_position ?? '')) problems.push(`kairos_position ${headers.kairos_position}`);
  if (!/^[1-9][0-9]*$/.test(headers.kairos_revision ?? '')) problems.push(`kairos_revision ${headers.kairos_revision}`);

  const validate = schemaOf(event.type);
  if (!validate) return [...problems, `docs/events/ has no schema for ${event.type}`];
  let value: unknown;
  try {
    value = JSON.parse(message.value);
  } catch {
    return [...problems, 'the value is not JSON'];
  }
  if (!validate(value)) problems.push(...(validate.errors ?? []).map((e) => `value${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
  return problems;
};

/** Each failing message with its problems, in one report. */
export const report = (messages: RawMessage[]) =>
  messages
    .map((m) => ({ m, problems: problemsOf(m) }))
    .filter(({ problems }) => problems.length > 0)
    .map(({ m, problems }) => `${m.topic}/${m.partition}@${m.offset} ${m.headers.ce_type ?? '?'} (${m.headers.kairos_tenant ?? '?'}): ${problems.join('; ')}`);
