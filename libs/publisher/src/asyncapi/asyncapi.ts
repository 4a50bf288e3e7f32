import { EventRoutes, PublishedEvent, PublishedMessage, ceTypeOf, dataSchemaOf } from '../cloud-events';
import { JsonSchema, toJsonSchema } from './json-schema';

/**
 * The AsyncAPI 3.0 description of what the service publishes to Kafka, built from the same routes
 * `toPublishedMessage` uses: the capabilities' event catalogs, which the deciders are checked against.
 */

const DELIVERY = [
  'Every event an aggregate records is published to the topic of its capability, as CloudEvents 1.0 in Kafka binary mode: the attributes are `ce_` headers, the value is the event body as JSON.',
  '',
  '- **At-least-once, after commit.** An event is sent only once its append has committed, and may be sent again after a crash or a retry: consumers dedupe by `ce_id`.',
  '- **Order per aggregate.** The key is the aggregate id (a session: its series id; a waitlist: its session id), so the events of one aggregate arrive in order, on one partition; `kairos_revision` counts them (1 = the first). There is no order across aggregates; `kairos_position` is the place in the global log.',
  '- **Evolution.** A `.v1` type only gains fields: ignore the fields you do not know. A breaking change gets a `.v2` type, and an event goes to its capability\'s topic of its own major version: `kairos.<capability>.v<n>` carries the `.v<n>` types.',
  '- **Bodies.** `created` carries the aggregate as stored: what the HTTP API GET shows, except fields computed when it is read (a booking\'s `allowedActions`, a session\'s `participants` and `openSpots`); `updated` carries `changes` (the new values) and `previous` (their old values) of the changed fields only; status changes (`booking.confirmed|declined|canceled`, `schedule.canceled`, `session.canceled`, `slot-hold.released|expired|booked`, `waitlist.accepted|offer-expired|left`) carry `previousStatus`, `actor` and `reason`.',
  '- **Schemas.** `ce_dataschema` names the JSON Schema of the value, `urn:kairos:event:<ce_type>`: the file `docs/events/<ce_type>.json` of the Kairos repository.',
  '- Events of internal streams (resource claims, seats, the default-policy pointer) are never published.',
].join('\n');

const KAFKA_BINDING_VERSION = '0.5.0';
const KEY = 'aggregate id (session: series id; waitlist: session id)';

const header = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', description, ...extra });
const DIGITS = '^[0-9]+$';

const headersOf = (entry: PublishedEvent): JsonSchema => {
  const { capability } = entry;
  return {
    type: 'object',
    properties: {
      ce_specversion: header('CloudEvents spec version', { const: '1.0' }),
      ce_id: header('event id, unique per event: dedupe by it'),
      ce_type: header('kairos.<aggregate>.<event>.v<schemaVersion>', { const: ceTypeOf(entry) }),
      ce_source: header('/kairos/<capability>', { const: `/kairos/${capability}` }),
      ce_time: header('when the command that produced the event was decided (RFC 3339, UTC)', { format: 'date-time' }),
      ce_subject: header(`${KEY}, the same as the key`),
      ce_dataschema: header('$id of the JSON Schema of the value: docs/events/<ce_type>.json', { const: dataSchemaOf(entry) }),
      'content-type': header('media type of the value', { const: 'application/json' }),
      kairos_position: header('position of the event in the global log: increasing, not dense (decimal)', { pattern: DIGITS }),
      kairos_tenant: header('tenant the event belongs to'),
      kairos_revision: header("revision of the aggregate after this event: 1 = its first event, +1 per event (decimal)", { pattern: DIGITS }),
      kairos_correlation_id: header('correlation id of the request that caused the event, when it had one'),
      kairos_causation_id: header('id of the message that caused the event, when there was one'),
    },
    required: ['ce_specversion', 'ce_id', 'ce_type', 'ce_source', 'ce_time', 'ce_subject', 'ce_dataschema', 'content-type', 'kairos_position', 'kairos_tenant', 'kairos_revision'],
  };
};

/** A message as a consumer receives it, as an AsyncAPI message example. */
const exampleOf = (message: PublishedMessage) => ({
  name: `${message.headers.ce_type}-example`,
  summary: `as published to ${message.topic}, key ${message.key}`,
  headers: message.headers,
  payload: JSON.parse(message.value) as unknown,
});

const messageOf = (entry: PublishedEvent, examples: readonly PublishedMessage[]) => ({
  name: ceTypeOf(entry),
  title: entry.type,
  summary: entry.summary,
  contentType: 'application/json',
  headers: headersOf(entry),
  payload: toJsonSchema(entry.body),
  examples: examples.filter((m) => m.headers.ce_type === ceTypeOf(entry)).map(exampleOf),
  correlationId: { description: 'the request that caused the event', location: '$message.header#/kairos_correlation_id' },
  bindings: {
    kafka: {
      key: { type: 'string', description: KEY },
      bindingVersion: KAFKA_BINDING_VERSION,
    },
  },
});

/** JSON Pointer escaping of one reference token (RFC 6901). */
const token = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** The aggregate of an event type `<aggregate>.<event>`, to name a channel's aggregates. */
export const aggregateOf = (eventType: string) => eventType.slice(0, eventType.lastIndexOf('.'));

/** `examples`: messages as the service publishes them, shown with the message of their `ce_type`. */
export const asyncApiDocument = (routes: EventRoutes, examples: readonly PublishedMessage[] = []) => {
  const published = routes.events;
  // Reserved topics no event is published to yet have no channel.
  const topics = routes.topics.filter((t) => published.some((e) => e.topic === t));
  const reserved = routes.topics.filter((t) => !topics.includes(t));
  const entriesOf = (topic: string) => published.filter((e) => e.topic === topic);
  const capabilityOfTopic = (topic: string) => entriesOf(topic)[0].capability;
  // By topic, not capability: a capability has a topic per major version once one of its events has a `.v2`.
  const operationIdOf = (topic: string) => `publish-${topic.replace(/^kairos\./, '')}`;

  const channels = Object.fromEntries(
    topics.map((topic) => [
      topic,
      {
        address: topic,
        title: topic,
        description: `Events of ${[...new Set(entriesOf(topic).map((e) => aggregateOf(e.type)))].join(', ')}, keyed by aggregate id.`,
        messages: Object.fromEntries(entriesOf(topic).map((e) => [ceTypeOf(e), { $ref: `#/components/messages/${token(ceTypeOf(e))}` }])),
        bindings: { kafka: { topic, bindingVersion: KAFKA_BINDING_VERSION } },
      },
    ]),
  );

  const operations = Object.fromEntries(
    topics.map((topic) => [
      operationIdOf(topic),
      {
        action: 'send',
        title: `Publish ${capabilityOfTopic(topic)} events to ${topic}`,
        summary: `Kairos sends every ${capabilityOfTopic(topic)} event to ${topic} after its append commits.`,
        channel: { $ref: `#/channels/${token(topic)}` },
        messages: entriesOf(topic).map((e) => ({ $ref: `#/channels/${token(topic)}/messages/${token(ceTypeOf(e))}` })),
      },
    ]),
  );

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Kairos events',
      version: '1',
      description:
        DELIVERY +
        (reserved.length > 0 ? `\n\nReserved topics with no events published yet: ${reserved.map((t) => `\`${t}\``).join(', ')}.` : ''),
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: '{brokers}',
        protocol: 'kafka',
        description: 'The Kafka cluster Kairos is configured with.',
        variables: { brokers: { description: 'bootstrap brokers, host:port', default: 'localhost:9092' } },
      },
    },
    channels,
    operations,
    components: {
      messages: Object.fromEntries(published.map((e) => [ceTypeOf(e), messageOf(e, examples)])),
    },
  };
};
