import { RecordedEvent } from '@kairos/core';

/** One message as a downstream consumer receives it, whatever carries it. */
export interface PublishedMessage {
  topic: string;
  key: string;
  /** The event body as JSON. */
  value: string;
  headers: Record<string, string>;
}

interface Route {
  topic: string;
  capability: string;
}

const route = (capability: string, topic = capability): Route => ({ topic: `kairos.${topic}.v1`, capability });

/** Which topic carries each aggregate's events (api.md §3). Aggregates not listed are internal and never leave the service. */
export const TOPIC_ROUTES: Record<string, Route> = {
  service: route('services'),
  'booking-policy': route('services'),
  resource: route('resources'),
  location: route('resources'),
  schedule: route('scheduling'),
  session: route('scheduling'),
  booking: route('bookings'),
  waitlist: route('bookings'),
  'slot-hold': route('bookings'),
  plan: route('memberships'),
  'plan-order': route('memberships'),
  coupon: route('memberships'),
  contact: route('clients'),
  notification: route('notifications'),
  'notification-settings': route('notifications'),
};

export const TOPICS = [...new Set(Object.values(TOPIC_ROUTES).map((r) => r.topic))];

export const aggregateOf = (eventType: string) => eventType.slice(0, eventType.lastIndexOf('.'));

/** Stream ids are `<aggregate>:<tenant>:<id>`; the key is the id so each aggregate's events stay in order. */
export const aggregateIdOf = (streamId: string) => streamId.slice(streamId.lastIndexOf(':') + 1);

/** CloudEvents 1.0 in Kafka binary mode: attributes as `ce_` headers, the body as the value. `null` for internal events. */
export const toPublishedMessage = (event: RecordedEvent): PublishedMessage | null => {
  const routed = TOPIC_ROUTES[aggregateOf(event.type)];
  if (!routed) return null;
  const subject = aggregateIdOf(event.streamId);
  const headers: Record<string, string> = {
    ce_specversion: '1.0',
    ce_id: event.id,
    ce_type: `kairos.${event.type}.v${event.schemaVersion}`,
    ce_source: `/kairos/${routed.capability}`,
    ce_time: event.metadata.occurredAt,
    ce_subject: subject,
    'content-type': 'application/json',
    kairos_position: String(event.position),
    kairos_tenant: event.metadata.tenant,
    kairos_revision: String(event.streamRevision + 1),
  };
  if (event.metadata.correlationId) headers.kairos_correlation_id = event.metadata.correlationId;
  if (event.metadata.causationId) headers.kairos_causation_id = event.metadata.causationId;
  return { topic: routed.topic, key: subject, value: JSON.stringify(event.data), headers };
};
