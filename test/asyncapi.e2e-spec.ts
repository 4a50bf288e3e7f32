import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { asyncApiDocument } from '@kairos/publisher/asyncapi/asyncapi';
import { EVENT_ROUTES } from '../apps/kairos/src/capabilities';
import { eventExamples } from '../apps/kairos/src/events/event-examples';
import { TestApp, startApp } from './harness';

describe('GET /asyncapi', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp({ engine: 'pglite' })));
  afterAll(async () => t?.close());

  it('serves the AsyncAPI 3.0 document of the published events, without a tenant', async () => {
    const res = await t.http.get('/asyncapi').expect(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const doc = res.body;
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.info).toMatchObject({ title: 'Kairos events', version: '1' });
    expect(Object.keys(doc.channels)).toEqual(expect.arrayContaining(['kairos.services.v1', 'kairos.resources.v1', 'kairos.scheduling.v1', 'kairos.bookings.v1']));
    for (const [id, channel] of Object.entries<{ address: string }>(doc.channels)) expect(channel.address).toBe(id);

    const created = doc.components.messages['kairos.booking.created.v1'];
    expect(created).toMatchObject({ name: 'kairos.booking.created.v1', contentType: 'application/json' });
    expect(created.payload.required).toContain('status');
    expect(doc.channels['kairos.bookings.v1'].messages['kairos.booking.created.v1']).toEqual({ $ref: '#/components/messages/kairos.booking.created.v1' });
    expect(doc.components.messages['kairos.resource-claim.claimed.v1']).toBeUndefined();
  });

  it('serves the document the AsyncAPI parser accepts, with the examples apps/kairos/src/events/asyncapi-parser.spec.ts checks', async () => {
    const res = await t.http.get('/asyncapi').expect(200);
    const { diagnostics } = await new Parser().parse(JSON.stringify(res.body));
    expect(diagnostics.filter((d) => d.severity <= DiagnosticSeverity.Warning).map((d) => `${d.path.join('/')}: ${d.message}`)).toEqual([]);
    expect(res.body).toEqual(asyncApiDocument(EVENT_ROUTES, eventExamples(EVENT_ROUTES)));
  });

  it('is left out of the OpenAPI document', async () => {
    const res = await t.http.get('/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).not.toContain('/asyncapi');
  });
});
