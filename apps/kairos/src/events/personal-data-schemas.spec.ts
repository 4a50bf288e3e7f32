import { toJsonSchema } from '@kairos/publisher/asyncapi/json-schema';
import { schemaErrors } from '@kairos/publisher/asyncapi/schema-check.fixture';
import { CAPABILITIES } from '../capabilities';

/**
 * A field sealed with a person's key reads as null once that person is erased, in every message
 * sent after it (a publisher running behind, a replay): its published schema must say so, or a
 * consumer validating messages rejects them.
 */
describe('the published schema of every field that holds personal data', () => {
  const published = new Map(CAPABILITIES.flatMap((capability) => capability.events?.events ?? []).map((schema) => [schema.type, schema]));
  const sealed = CAPABILITIES.flatMap((capability) => capability.personalData ?? []).flatMap((rule) => {
    const schema = published.get(rule.eventType);
    return schema ? rule.fields.map((field) => [rule.eventType, field, schema] as const) : [];
  });

  it('covers the published events that hold personal data', () => {
    expect(sealed.map(([type, field]) => `${type}.${field}`)).toEqual(expect.arrayContaining(['contact.created.email', 'contact.updated.changes', 'contact.note-added.text']));
  });

  it.each(sealed.map(([type, field, schema]) => [`${type}.${field}`, field, schema]))('%s admits null, as the message reads after an erasure', (_name, field, schema) => {
    const property = toJsonSchema(schema.body).properties?.[field];
    expect(property).toBeDefined();
    expect(schemaErrors(property!, null)).toEqual([]);
  });
});
