import { EventCatalog, EventSchema, RecordedEvent, newId, record, streamId } from '@kairos/core';
import { eventually, uniqueName } from '@kairos/testing';
import { PublishedMessage, eventRoutes, toPublishedMessage } from './cloud-events';
import { Publisher } from './publisher';

export interface PublisherFixture {
  publisher: Publisher;
  /** Everything a downstream consumer has received so far. */
  received(): PublishedMessage[];
  dispose(): Promise<void>;
}

const cataloged = (type: string): EventSchema => ({ type, schemaVersion: 1, summary: type, body: record({}) });
/** Two capabilities' events, enough to see messages routed to two topics; the service's own catalogs are its app's. */
const contractCatalogs: EventCatalog[] = [
  { capability: 'services', events: [cataloged('service.created'), cataloged('service.updated')] },
  { capability: 'resources', events: [cataloged('resource.updated')] },
];
/** The routes the contract publishes by; a publisher under test creates or subscribes to their topics. */
export const contractRoutes = eventRoutes(contractCatalogs);

let position = 1_000_000;
const recorded = (tenant: string, type: string, aggregateId: string, streamRevision: number, data: unknown): RecordedEvent => ({
  id: newId(),
  type,
  schemaVersion: 1,
  data,
  metadata: { tenant, actor: { type: 'BUSINESS', id: 'u1' }, occurredAt: '2026-03-29T00:30:00.000Z', correlationId: newId() },
  streamId: streamId(type.slice(0, type.lastIndexOf('.')), tenant, aggregateId),
  streamRevision,
  position: ++position,
  recordedAt: '2026-03-29T00:30:00.010Z',
});

/**
 * The behaviour every publisher must have, observed from the consumer's side. Its bodies are made
 * up, not the service's: its tenants are named `contract_…` so a check of the service's messages
 * on a shared broker can leave them out.
 */
export const publisherContract = (open: () => Promise<PublisherFixture>) => {
  let fixture: PublisherFixture;
  beforeAll(async () => (fixture = await open()));
  afterAll(async () => fixture?.dispose());
  const mine = (tenant: string) => () => fixture.received().filter((m) => m.headers.kairos_tenant === tenant);

  it('delivers CloudEvents binary-mode messages on the aggregate topic, keyed by aggregate id', async () => {
    const tenant = uniqueName('contract');
    const serviceId = newId();
    const event = recorded(tenant, 'service.created', serviceId, 0, { id: serviceId, name: 'Haircut' });
    await fixture.publisher.publish([toPublishedMessage(event, contractRoutes)!]);
    await eventually(() => expect(mine(tenant)()).toHaveLength(1), 30_000);
    const [message] = mine(tenant)();
    expect(message.topic).toBe('kairos.services.v1');
    expect(message.key).toBe(serviceId);
    expect(JSON.parse(message.value)).toEqual({ id: serviceId, name: 'Haircut' });
    expect(message.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_type: 'kairos.service.created.v1',
      ce_source: '/kairos/services',
      ce_subject: serviceId,
      ce_time: '2026-03-29T00:30:00.000Z',
      ce_dataschema: 'urn:kairos:event:kairos.service.created.v1',
      'content-type': 'application/json',
      kairos_position: String(event.position),
      kairos_tenant: tenant,
      kairos_revision: '1',
      kairos_correlation_id: event.metadata.correlationId,
    });
  });

  it('keeps each aggregate in order across batches and topics', async () => {
    const tenant = uniqueName('contract');
    const [a, b] = [newId(), newId()];
    const batches = [0, 1, 2].map((batch) =>
      Array.from({ length: 10 }, (_, i) => {
        const n = batch * 10 + i;
        return n % 2 ? recorded(tenant, 'resource.updated', a, n, { n }) : recorded(tenant, 'service.updated', b, n, { n });
      }),
    );
    for (const batch of batches) await fixture.publisher.publish(batch.map((e) => toPublishedMessage(e, contractRoutes)!));
    await eventually(() => expect(mine(tenant)()).toHaveLength(30), 30_000);
    for (const key of [a, b]) {
      const ns = mine(tenant)()
        .filter((m) => m.key === key)
        .map((m) => (JSON.parse(m.value) as { n: number }).n);
      expect(ns).toEqual([...ns].sort((x, y) => x - y));
      expect(ns).toHaveLength(15);
    }
  });

  it('never publishes internal events', () => {
    expect(toPublishedMessage(recorded('t', 'booking-policy-directory.default-changed', 't', 0, {}), contractRoutes)).toBeNull();
  });
};
