import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { eventSchemaFiles } from '@kairos/publisher/asyncapi/event-schemas';
import { EVENT_ROUTES } from '../capabilities';
import { eventExamples } from './event-examples';
import { EVENT_SCHEMAS_DIR, renderEventSchema } from './write-event-schemas';

const ROOT = join(__dirname, '../../../..');
const committed = () => readdirSync(join(ROOT, EVENT_SCHEMAS_DIR)).filter((f) => f.endsWith('.json')).sort();

describe('the committed event schemas (docs/events/)', () => {
  const files = eventSchemaFiles(EVENT_ROUTES, eventExamples(EVENT_ROUTES));

  it('are exactly the published event types, one file each (npm run events:schemas writes them)', () => {
    expect(committed()).toEqual(files.map((f) => f.file).sort());
  });

  it('say what the event declarations say, byte for byte', () => {
    for (const { file, schema } of files) expect([file, readFileSync(join(ROOT, EVENT_SCHEMAS_DIR, file), 'utf8')]).toEqual([file, renderEventSchema(schema)]);
  });

  it('name themselves by ce_type, each with its own $id', () => {
    const ids = files.map((f) => f.schema.$id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { file, schema } of files) expect(file).toBe(`${schema.title}.json`);
  });
});
