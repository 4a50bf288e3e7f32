import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventSchemaFiles } from '@kairos/publisher/asyncapi/event-schemas';
import { EVENT_ROUTES } from '../capabilities';
import { eventExamples } from './event-examples';

/**
 * Writes docs/events/ anew from the event declarations (`npm run events:schemas`, from the
 * repository's root): one JSON Schema per published event type, with an example, and nothing else, so a type that
 * is no longer published loses its file. event-schemas.spec.ts fails while the folder is stale.
 */
export const EVENT_SCHEMAS_DIR = join('docs', 'events');

export const renderEventSchema = (schema: object): string => `${JSON.stringify(schema, null, 2)}\n`;

if (require.main === module) {
  mkdirSync(EVENT_SCHEMAS_DIR, { recursive: true });
  for (const stale of readdirSync(EVENT_SCHEMAS_DIR).filter((f) => f.endsWith('.json'))) rmSync(join(EVENT_SCHEMAS_DIR, stale));
  const files = eventSchemaFiles(EVENT_ROUTES, eventExamples(EVENT_ROUTES));
  for (const { file, schema } of files) writeFileSync(join(EVENT_SCHEMAS_DIR, file), renderEventSchema(schema));
  process.stdout.write(`${files.length} event schemas written to ${EVENT_SCHEMAS_DIR}\n`);
}
