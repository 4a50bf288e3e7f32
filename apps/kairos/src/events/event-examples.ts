import { DomainEvent, RecordedEvent, streamId } from '@kairos/core';
import { EventRoutes, PublishedMessage, toPublishedMessage } from '@kairos/publisher';
import { aggregateOf } from '@kairos/publisher/asyncapi/asyncapi';
import { NOW, produced } from './decider-drives';

/** The id a consumer gets as the key: the aggregate's, and a waitlist's is its session's. */
export const keyOf = (event: DomainEvent) => {
  const data = event.data as { id?: string; sessionId?: string };
  return (aggregateOf(event.type) === 'waitlist' ? data.sessionId : data.id) ?? 'internal';
};

/** Events as the store hands them to the publisher: one tenant, positions 1, 2, …, revisions counted per stream. */
export const asRecorded = (events: readonly DomainEvent[], routes: Pick<EventRoutes, 'routeOf'>, tenant: string): RecordedEvent[] => {
  const revisions = new Map<string, number>();
  return events.map((event, i) => {
    const stream = streamId(aggregateOf(event.type), tenant, keyOf(event));
    const streamRevision = revisions.get(stream) ?? 0;
    revisions.set(stream, streamRevision + 1);
    const position = i + 1;
    return {
      id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
      type: event.type,
      schemaVersion: routes.routeOf(event.type)?.schemaVersion ?? 1,
      data: event.data,
      metadata: { tenant, actor: { type: 'BUSINESS' }, occurredAt: NOW.toISOString(), correlationId: '7f0c2a4e-5b1d-4c3a-9e8f-1a2b3c4d5e6f' },
      streamId: stream,
      streamRevision,
      position,
      recordedAt: NOW.toISOString(),
    };
  });
};

/**
 * One message per published event type, as a consumer receives it: the first the decider drives
 * produce of that type. They are the examples of the AsyncAPI document and of docs/events/.
 */
export const eventExamples = (routes: EventRoutes): PublishedMessage[] => {
  const firsts = new Map<string, PublishedMessage>();
  for (const event of asRecorded(produced, routes, 'acme')) {
    const message = toPublishedMessage(event, routes);
    if (message && !firsts.has(message.headers.ce_type)) firsts.set(message.headers.ce_type, message);
  }
  return [...firsts.values()];
};
