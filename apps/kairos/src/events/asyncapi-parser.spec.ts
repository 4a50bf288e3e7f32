import { Parser, DiagnosticSeverity } from '@asyncapi/parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ceTypeOf } from '@kairos/publisher';
import { asyncApiDocument } from '@kairos/publisher/asyncapi/asyncapi';
import { EVENT_ROUTES } from '../capabilities';
import { eventExamples } from './event-examples';

interface Example {
  name: string;
  headers: Record<string, string>;
  payload: unknown;
}
interface Message {
  headers: object;
  payload: object;
  examples: Example[];
}

/** The document the service serves (AsyncApiController), checked by the AsyncAPI project's own parser. */
describe('the AsyncAPI document, as the AsyncAPI parser reads it', () => {
  const document = asyncApiDocument(EVENT_ROUTES, eventExamples(EVENT_ROUTES));
  const messages = document.components.messages as unknown as Record<string, Message>;

  it('parses with no error and no warning', async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(JSON.stringify(document));
    expect(diagnostics.filter((d) => d.severity <= DiagnosticSeverity.Warning).map((d) => `${d.path.join('/')}: ${d.message}`)).toEqual([]);
    expect(parsed).toBeDefined();
    expect(parsed!.allMessages().length).toBe(EVENT_ROUTES.events.length);
  });

  it('gives every message one example, the first that the decider drives produce of its type', () => {
    for (const entry of EVENT_ROUTES.events) {
      const { examples } = messages[ceTypeOf(entry)];
      expect([ceTypeOf(entry), examples.length]).toEqual([ceTypeOf(entry), 1]);
      expect(examples[0].headers.ce_type).toBe(ceTypeOf(entry));
    }
  });

  describe('every example validates against its message (Ajv, draft-07, formats checked)', () => {
    const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
    it.each(EVENT_ROUTES.events.map((e) => [ceTypeOf(e)]))('%s', (name) => {
      const message = messages[name];
      const [example] = message.examples;
      const payload = ajv.compile(message.payload);
      const headers = ajv.compile(message.headers);
      expect([payload(example.payload), payload.errors ?? []]).toEqual([true, []]);
      expect([headers(example.headers), headers.errors ?? []]).toEqual([true, []]);
    });

    it('and an example that does not match fails', () => {
      const message = messages['kairos.booking.confirmed.v1'];
      const payload = ajv.compile(message.payload);
      expect(payload({ ...(message.examples[0].payload as object), actor: 'ROBOT' })).toBe(false);
      const headers = ajv.compile(message.headers);
      expect(headers({ ...message.examples[0].headers, ce_dataschema: 'urn:kairos:event:other' })).toBe(false);
    });
  });

  it('shows in docs/events/ the same example payloads', () => {
    for (const entry of EVENT_ROUTES.events) {
      const name = ceTypeOf(entry);
      const file = JSON.parse(readFileSync(join(__dirname, '../../../../docs/events', `${name}.json`), 'utf8')) as { examples: unknown[] };
      expect([name, file.examples]).toEqual([name, [messages[name].examples[0].payload]]);
    }
  });
});
