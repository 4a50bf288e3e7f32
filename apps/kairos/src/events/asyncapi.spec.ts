import { ceTypeOf } from '@kairos/publisher';
import { asyncApiDocument } from '@kairos/publisher/asyncapi/asyncapi';
import { unresolvedRefs } from '@kairos/publisher/asyncapi/schema-check.fixture';
import { EVENT_ROUTES } from '../capabilities';

const { events: published, topics } = EVENT_ROUTES;

describe('the AsyncAPI document', () => {
  const document = asyncApiDocument(EVENT_ROUTES);

  it('is AsyncAPI 3.0.0, plain JSON, with every $ref resolving inside it', () => {
    expect(document.asyncapi).toBe('3.0.0');
    expect(document.info).toMatchObject({ title: 'Kairos events', version: '1' });
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
    expect(unresolvedRefs(document)).toEqual([]);
  });

  it('describes the Kafka cluster with a brokers variable', () => {
    expect(document.servers.kafka).toMatchObject({ host: '{brokers}', protocol: 'kafka' });
    expect(document.servers.kafka.variables.brokers).toBeDefined();
  });

  it('has one channel per topic that carries a cataloged event, addressed by the topic', () => {
    const carrying = [...new Set(published.map((e) => e.topic))].sort();
    expect(Object.keys(document.channels).sort()).toEqual(carrying);
    expect(carrying).toEqual(expect.arrayContaining(['kairos.services.v1', 'kairos.resources.v1', 'kairos.scheduling.v1', 'kairos.bookings.v1']));
    for (const [id, channel] of Object.entries(document.channels)) {
      expect(channel.address).toBe(id);
      expect(topics).toContain(id);
    }
    for (const reserved of topics.filter((t) => !carrying.includes(t))) expect(document.info.description).toContain(reserved);
  });

  it('puts each event on the channel of its route, once', () => {
    for (const entry of published) {
      const holding = Object.entries(document.channels).filter(([, c]) => ceTypeOf(entry) in c.messages);
      expect(holding.map(([id]) => id)).toEqual([entry.topic]);
    }
  });

  it('sends on every channel, with all of its messages', () => {
    const operations = Object.values(document.operations);
    expect(operations).toHaveLength(Object.keys(document.channels).length);
    for (const [id, channel] of Object.entries(document.channels)) {
      const operation = operations.find((o) => o.channel.$ref === `#/channels/${id}`)!;
      expect(operation.action).toBe('send');
      expect(operation.messages.map((m) => m.$ref).sort()).toEqual(Object.keys(channel.messages).map((name) => `#/channels/${id}/messages/${name}`).sort());
    }
  });

  it('names each message by its ce_type, with its headers, JSON payload and key', () => {
    expect(Object.keys(document.components.messages).sort()).toEqual(published.map(ceTypeOf).sort());
    const created = document.components.messages['kairos.booking.created.v1'];
    expect(created).toMatchObject({ name: 'kairos.booking.created.v1', contentType: 'application/json' });
    expect(created.payload.required).toContain('status');
    expect(created.headers.required).toEqual(
      expect.arrayContaining(['ce_specversion', 'ce_id', 'ce_type', 'ce_source', 'ce_time', 'ce_subject', 'kairos_position', 'kairos_tenant', 'kairos_revision']),
    );
    expect(created.headers.properties!.ce_type.const).toBe('kairos.booking.created.v1');
    expect(created.headers.properties!.ce_source.const).toBe('/kairos/bookings');
    expect(Object.keys(created.headers.properties!)).toEqual(expect.arrayContaining(['kairos_correlation_id', 'kairos_causation_id']));
    expect(created.bindings.kafka.key).toEqual({ type: 'string', description: 'aggregate id (session: series id; waitlist: session id)' });
  });

  it('states the delivery semantics', () => {
    const description = document.info.description;
    for (const phrase of ['at-least-once', 'ce_id', 'order', 'key', '.v2']) expect(description.toLowerCase()).toContain(phrase.toLowerCase());
  });
});
