import { EventCatalog, EventSchema, RecordedEvent, parseStreamId } from '@kairos/core';

/** One message as a downstream consumer receives it, whatever carries it. */
export interface PublishedMessage {
  topic: string;
  key: string;
  /** The event body as JSON. */
  value: string;
  headers: Record<string, string>;
}

/** A cataloged event with where it goes: the topic of the capability that declared it. */
export interface PublishedEvent extends EventSchema {
  capability: string;
  topic: string;
}

/** `kairos.<type>.v<schemaVersion>`, the CloudEvents type and the AsyncAPI message name. */
export const ceTypeOf = (event: Pick<EventSchema, 'type' | 'schemaVersion'>) => `kairos.${event.type}.v${event.schemaVersion}`;

/**
 * `kairos.<capability>.v<major>`: an event goes to its capability's topic of its own schema's major
 * version, so a breaking change (a `.v2` type) reaches a `.v2` topic and `.v1` consumers never see it.
 */
export const topicOf = (capability: string, schemaVersion: number) => `kairos.${capability}.v${schemaVersion}`;

/** The `$id` of the event's JSON Schema (docs/events/<ce_type>.json), sent as `ce_dataschema`. */
export const dataSchemaOf = (event: Pick<EventSchema, 'type' | 'schemaVersion'>) => `urn:kairos:event:${ceTypeOf(event)}`;

export interface EventRoutes {
  /** Every published event type, in catalog order. */
  events: readonly PublishedEvent[];
  /** Every topic, the reserved ones included, so consumers can subscribe before a capability publishes. */
  topics: readonly string[];
  /** The catalog entry of a type; undefined for internal events, which never leave the service. */
  routeOf(type: string): PublishedEvent | undefined;
}

/** The routes of the catalogs a service publishes, plus topics reserved for capabilities that publish nothing yet. */
export const eventRoutes = (catalogs: readonly EventCatalog[], reservedCapabilities: readonly string[] = []): EventRoutes => {
  const events = catalogs.flatMap(({ capability, events }) => events.map((e): PublishedEvent => ({ ...e, capability, topic: topicOf(capability, e.schemaVersion) })));
  const byType = new Map(events.map((e) => [e.type, e]));
  if (byType.size !== events.length) throw new Error('an event type is cataloged twice');
  // A capability that publishes nothing yet reserves its first topic.
  const topics = [...new Set([...events.map((e) => e.topic), ...reservedCapabilities.map((c) => topicOf(c, 1))])];
  return { events, topics, routeOf: (type) => byType.get(type) };
};

/** CloudEvents 1.0 in Kafka binary mode: attributes as `ce_` headers, the body as the value. `null` for internal events. */
export const toPublishedMessage = (event: RecordedEvent, routes: Pick<EventRoutes, 'routeOf'>): PublishedMessage | null => {
  const route = routes.routeOf(event.type);
  if (!route) return null;
  // The key is the stream's id so each aggregate's events stay in order (a waitlist's is its session's).
  const subject = parseStreamId(event.streamId).id;
  const headers: Record<string, string> = {
    ce_specversion: '1.0',
    ce_id: event.id,
    ce_type: ceTypeOf(event),
    ce_source: `/kairos/${route.capability}`,
    ce_time: event.metadata.occurredAt,
    ce_subject: subject,
    ce_dataschema: dataSchemaOf(event),
    'content-type': 'application/json',
    kairos_position: String(event.position),
    kairos_tenant: event.metadata.tenant,
    kairos_revision: String(event.streamRevision + 1),
  };
  if (event.metadata.correlationId) headers.kairos_correlation_id = event.metadata.correlationId;
  if (event.metadata.causationId) headers.kairos_causation_id = event.metadata.causationId;
  // Topic, type and schema all follow the version the event was written at (the store upcasts old ones on reading).
  return { topic: topicOf(route.capability, event.schemaVersion), key: subject, value: JSON.stringify(event.data), headers };
};
