/**
 * The subset of JSON Schema (draft-07, which AsyncAPI 3.0 schemas extend) the event catalog uses,
 * and small builders for it. Nullable values are `type: [T, 'null']`, not OpenAPI's `nullable`.
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
  examples?: JsonValue[];
}

type Props = Record<string, JsonSchema>;

const described = (schema: JsonSchema, description?: string): JsonSchema => (description ? { ...schema, description } : schema);

export const str = (description?: string): JsonSchema => described({ type: 'string' }, description);
export const int = (description?: string, minimum?: number): JsonSchema =>
  described(minimum === undefined ? { type: 'integer' } : { type: 'integer', minimum }, description);
export const bool = (description?: string): JsonSchema => described({ type: 'boolean' }, description);
/** An instant, RFC 3339 in UTC as `Date#toISOString` writes it. */
export const instant = (description?: string): JsonSchema => described({ type: 'string', format: 'date-time' }, description);
export const enumOf = (values: string[], description?: string): JsonSchema => described({ type: 'string', enum: values }, description);
export const arrayOf = (items: JsonSchema, description?: string): JsonSchema => described({ type: 'array', items }, description);
export const mapOf = (values: JsonSchema, description?: string): JsonSchema => described({ type: 'object', additionalProperties: values }, description);

/** An object whose every property is required unless listed in `optional`. */
export const object = (properties: Props, description?: string, optional: string[] = []): JsonSchema =>
  described({ type: 'object', properties, required: Object.keys(properties).filter((k) => !optional.includes(k)) }, description);

/** The same value, or null. */
export const nullable = (schema: JsonSchema): JsonSchema => {
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  return {
    ...schema,
    type: types.includes('null') ? types : [...types, 'null'],
    ...(schema.enum && !schema.enum.includes(null) ? { enum: [...schema.enum, null] } : {}),
  };
};

/** Some of the fields, none required: the `changes` and `previous` of an `updated` event. */
export const patchOf = (properties: Props, description: string, omit: string[] = []): JsonSchema => ({
  type: 'object',
  description,
  properties: Object.fromEntries(Object.entries(properties).filter(([key]) => !omit.includes(key))),
  required: [],
});
