import { TSchema } from '@sinclair/typebox';

/**
 * The subset of JSON Schema (draft-07, which AsyncAPI 3.0 schemas extend) event bodies are declared
 * with. Nullable values are `type: [T, 'null']`, not OpenAPI's `nullable`.
 */
export type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'null';
export type JsonValue = string | number | boolean | null;

export interface JsonSchema {
  type?: JsonType | JsonType[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  /** Only as a schema for the values of a map (session overrides); records are open otherwise (v1 only gains fields). */
  additionalProperties?: JsonSchema;
  items?: JsonSchema;
  enum?: JsonValue[];
  const?: JsonValue;
  format?: 'date-time';
  pattern?: string;
  minimum?: number;
  examples?: unknown[];
}

const ORDER = ['type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'format', 'pattern', 'minimum', 'description'];
// A patch (an object with nothing required) has always been published with its description first.
const PATCH_ORDER = ['type', 'description', 'properties', 'required'];

/**
 * A TypeBox schema as plain JSON for the published documents: no TypeBox symbols, keys in one
 * stable order, and `required` written out on every object, empty when nothing is.
 */
export const toJsonSchema = (schema: TSchema): JsonSchema => {
  const plain = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(plain);
    if (!value || typeof value !== 'object') return value;
    const node: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const patch = node.properties !== undefined && node.required === undefined;
    if (patch) node.required = [];
    const order = patch ? PATCH_ORDER : ORDER;
    const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(node).sort((a, b) => rank(a) - rank(b))) {
      const item = node[key];
      out[key] = key === 'properties' ? Object.fromEntries(Object.entries(item as Record<string, unknown>).map(([name, p]) => [name, plain(p)])) : plain(item);
    }
    return out;
  };
  return plain(schema) as JsonSchema;
};
