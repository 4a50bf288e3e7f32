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

/** Every message written to a contract topic after `since` (a topic created since: all of it), up to now. */
export const messagesSince = async (brokers: string[], since: Offsets, timeoutMs = 60_000): Promise<RawMessage[]> => {
  const until = await endOffsets(brokers);
  const pending = new Map<string, { topic: string; partition: number; from: bigint; to: bigint }>();
  for (const [topic, partitions] of Object.entries(until)) {
    for (const [partition, end] of Object.entries(partitions)) {
      const from = BigInt(since[topic]?.[Number(partition)] ?? '0');
      if (BigInt(end) > from) pending.set(`${topic}/${partition}`, { topic, partition: Number(partition), from, to: BigInt(end) });
    }
  }
  if (pending.size === 0) return [];
  const consumer = kafkaOf(brokers).consumer({ groupId: `kairos-conformance-${process.pid}-${Date.now()}` });
  const messages: RawMessage[] = [];
  const ranges = [...pending.values()];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set(ranges.map((r) => r.topic))] });
    let finish!: () => void;
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${messages.length} messages; still waiting on ${[...pending.keys()].join(', ')}`)), timeoutMs);
      finish = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const range = pending.get(`${topic}/${partition}`);
        const offset = BigInt(message.offset);
        if (!range || offset < range.from || offset >= range.to) return;
        messages.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        });
        if (offset + 1n >= range.to) pending.delete(`${topic}/${partition}`);
        if (pending.size === 0) finish();
      },
    });
    for (const r of ranges) consumer.seek({ topic: r.topic, partition: r.partition, offset: String(r.from) });
    await done;
    return messages;
  } finally {
    await consumer.disconnect();
  }
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
