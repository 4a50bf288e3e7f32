import Ajv, { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';

/** An OpenAPI 3.0 Schema Object, or any part of a document, as JSON. */
export type Json = { [key: string]: any };

/** Where the document's `components.schemas` live for Ajv: one schema whose `$defs` they are. */
const COMPONENTS_ID = 'https://openapi.invalid/components.json';

/** Keywords of OpenAPI 3.0 that JSON Schema lacks and that say nothing about what a value may be. */
const ANNOTATIONS = new Set(['example', 'examples', 'xml', 'externalDocs', 'discriminator', 'nullable']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties']);
const SCHEMAS = new Set(['items', 'additionalProperties', 'not']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);
const COMPOSITION = ['$ref', 'allOf', 'anyOf', 'oneOf'];

const pointerTo = (name: string) => `${COMPONENTS_ID}#/$defs/${encodeURIComponent(name.replace(/~/g, '~0').replace(/\//g, '~1'))}`;

const refTo = (ref: string): string => {
  const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
  if (!name) throw new Error(`unsupported $ref ${ref}: only #/components/schemas/… is read`);
  return pointerTo(decodeURIComponent(name).replace(/~1/g, '/').replace(/~0/g, '~'));
};

/**
 * The JSON Schema Ajv reads for an OpenAPI 3.0 schema: `nullable` becomes a `null` alternative,
 * boolean `exclusiveMinimum/Maximum` become numbers, annotations (`example`, `discriminator`…) go,
 * and `$ref`s point into the components Ajv holds. Property names are left alone, so a property
 * named `example` stays.
 */
export const toJsonSchema = (schema: Json): Json => {
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key) || key.startsWith('x-')) continue;
    if (key === '$ref') out.$ref = refTo(value as string);
    else if (SCHEMA_MAPS.has(key)) out[key] = Object.fromEntries(Object.entries(value as Json).map(([name, s]) => [name, toJsonSchema(s as Json)]));
    else if (SCHEMAS.has(key) && typeof value === 'object') out[key] = toJsonSchema(value as Json);
    else if (SCHEMA_LISTS.has(key)) out[key] = (value as Json[]).map(toJsonSchema);
    else out[key] = value;
  }
  // OpenAPI 3.0 says `exclusiveMinimum: true` beside `minimum`; JSON Schema gives the bound itself.
  for (const [bound, exclusive] of [
    ['minimum', 'exclusiveMinimum'],
    ['maximum', 'exclusiveMaximum'],
  ] as const) {
    if (typeof out[exclusive] !== 'boolean') continue;
    if (out[exclusive] && out[bound] !== undefined) {
      out[exclusive] = out[bound];
      delete out[bound];
    } else delete out[exclusive];
  }
  if (schema.nullable !== true) return out;
  if (typeof out.type === 'string' && !COMPOSITION.some((k) => k in out)) {
    return { ...out, type: [out.type, 'null'], ...(out.enum ? { enum: [...(out.enum as unknown[]), null] } : {}) };
  }
  return { anyOf: [out, { type: 'null' }] };
};

const INT32 = 2 ** 31;

/** Ajv for the response bodies of one document, with its component schemas and OpenAPI's formats. */
export const ajvFor = (componentSchemas: Record<string, Json>, options: { coerceTypes?: boolean } = {}): Ajv => {
  // Not strict: a document may carry keywords JSON Schema does not know, which say nothing about a value.
  const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: options.coerceTypes ?? false });
  addFormats(ajv);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -INT32 && n < INT32 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  for (const any of ['float', 'double']) ajv.addFormat(any, { type: 'number', validate: () => true });
  ajv.addFormat('byte', /^[A-Za-z0-9+/]*={0,2}$/);
  for (const any of ['binary', 'password']) ajv.addFormat(any, true);
  ajv.addSchema({ $id: COMPONENTS_ID, $defs: Object.fromEntries(Object.entries(componentSchemas).map(([name, s]) => [name, toJsonSchema(s)])) });
  return ajv;
};

/** Ajv's errors as a reader wants them: `/slot/start must be string`. */
export const describeErrors = (errors: ErrorObject[] | null | undefined, limit = 3): string => {
  const lines = (errors ?? []).map((e) => {
    const at = e.instancePath || '(body)';
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'additionalProperties') return `${at} has unexpected property '${String(params.additionalProperty)}'`;
    if (e.keyword === 'enum') return `${at} ${e.message}: ${JSON.stringify(params.allowedValues)}`;
    return `${at} ${e.message}`;
  });
  const unique = [...new Set(lines)];
  return unique.slice(0, limit).join('; ') + (unique.length > limit ? ` (+${unique.length - limit} more)` : '');
};
