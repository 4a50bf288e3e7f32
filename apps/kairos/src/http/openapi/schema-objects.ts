import { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

type Json = Record<string, unknown>;

const isNullType = (schema: unknown) => typeof schema === 'object' && schema !== null && (schema as Json).type === 'null';

/** Keys whose value is one schema, or a map or list of them. */
const ONE = ['items', 'additionalProperties', 'not'];
const MAP = ['properties', 'patternProperties'];
const LIST = ['allOf', 'anyOf', 'oneOf'];

/**
 * A JSON Schema as the event declarations write it (TypeBox, JSON Schema 2020-12) in the dialect of
 * OpenAPI 3.0, which client generators read: `type: [T, 'null']` and `anyOf [T, {type: 'null'}]`
 * become `type: T, nullable: true`, `const` becomes a one-value `enum`, and `$id`/`$schema` go (a
 * component is named by the document). The read models and the events share these shapes, so the
 * HTTP answers are declared once.
 */
export const openApiSchemaOf = (schema: unknown): SchemaObject => convert(JSON.parse(JSON.stringify(schema)) as Json);

const convert = (schema: Json): SchemaObject => {
  const { $id: _id, $schema: _schema, const: constant, ...rest } = schema;
  const out: Json = { ...rest };
  if (constant !== undefined) out.enum = [constant];
  if (Array.isArray(out.type)) {
    const types = (out.type as string[]).filter((t) => t !== 'null');
    if (types.length < out.type.length) out.nullable = true;
    if (types.length !== 1) throw new Error(`OpenAPI 3.0 has no schema of several types: ${JSON.stringify(out.type)}`);
    out.type = types[0];
  }
  if (Array.isArray(out.anyOf) && out.anyOf.some(isNullType)) {
    const others = (out.anyOf as Json[]).filter((s) => !isNullType(s));
    delete out.anyOf;
    // The branch's shape, with what the schema says beside its anyOf (a description).
    if (others.length === 1) Object.assign(out, { ...convert(others[0]), ...out });
    else out.anyOf = others;
    out.nullable = true;
  }
  if (Array.isArray(out.anyOf) && out.anyOf.length > 0) {
    const branches = (out.anyOf as Json[]).map(convert);
    const [first] = branches;
    // A union of literals of one type (TypeBox's form of an enum) is an enum, which generators read as one.
    if (branches.every((b) => Object.keys(b).length === 2 && Array.isArray(b.enum) && b.enum.length === 1 && b.type === first.type)) {
      delete out.anyOf;
      Object.assign(out, { type: first.type, enum: branches.map((b) => (b.enum as unknown[])[0]) });
    }
  }
  if (out.nullable && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  for (const key of ONE) if (typeof out[key] === 'object' && out[key] !== null) out[key] = convert(out[key] as Json);
  for (const key of MAP) if (out[key]) out[key] = Object.fromEntries(Object.entries(out[key] as Record<string, Json>).map(([k, v]) => [k, convert(v)]));
  for (const key of LIST) if (Array.isArray(out[key])) out[key] = (out[key] as Json[]).map(convert);
  return out as SchemaObject;
};
