import { JsonSchema, JsonType } from './json-schema';

/**
 * A tiny validator for the JSON Schema subset of json-schema.ts, for tests. Strict where published
 * schemas are lenient: a property the schema does not declare is an error, so a field added to an
 * event but not to the catalog fails the catalog test instead of going undocumented.
 */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const typeOf = (value: unknown): JsonType => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
};

const accepts = (declared: JsonType, actual: JsonType) => declared === actual || (declared === 'number' && actual === 'integer');

export const schemaErrors = (schema: JsonSchema, value: unknown, path = '$'): string[] => {
  const errors: string[] = [];
  const fail = (reason: string) => errors.push(`${path}: ${reason}`);
  const actual = typeOf(value);
  if (schema.type !== undefined) {
    const declared = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!declared.some((t) => accepts(t, actual))) return [`${path}: expected ${declared.join(' | ')}, got ${actual} ${JSON.stringify(value)}`];
  }
  if (schema.enum && !schema.enum.includes(value as never)) fail(`${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (schema.const !== undefined && value !== schema.const) fail(`expected ${JSON.stringify(schema.const)}, got ${JSON.stringify(value)}`);
  if (typeof value === 'string') {
    if (schema.format === 'date-time' && !(ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value)))) fail(`${value} is not an RFC 3339 date-time`);
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) fail(`${value} does not match ${schema.pattern}`);
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) fail(`${value} < ${schema.minimum}`);
  if (actual === 'array' && schema.items) (value as unknown[]).forEach((item, i) => errors.push(...schemaErrors(schema.items!, item, `${path}[${i}]`)));
  if (actual === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in record)) fail(`missing required ${key}`);
    for (const [key, item] of Object.entries(record)) {
      const declared = schema.properties?.[key] ?? schema.additionalProperties;
      if (declared) errors.push(...schemaErrors(declared, item, `${path}.${key}`));
      else fail(`${key} is not declared`);
    }
  }
  return errors;
};

/** Every `$ref` in the document that does not resolve to a value in it. */
export const unresolvedRefs = (document: unknown): string[] => {
  const resolve = (ref: string) =>
    ref
      .slice(2)
      .split('/')
      .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, t) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[t] : undefined), document);
  const missing: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && (typeof value !== 'string' || !value.startsWith('#/') || resolve(value) === undefined)) missing.push(String(value));
      else walk(value);
    }
  };
  walk(document);
  return missing;
};
