/** The parts of an OpenAPI document the fuzzer reads, and the operations it draws from. */

export interface OpenApiSchema {
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  allOf?: OpenApiSchema[];
  $ref?: string;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: OpenApiSchema;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: (OpenApiParameter | { $ref: string })[]; requestBody?: { content: Record<string, { schema: OpenApiSchema }> } }>>;
  /** The convention headers every operation shares are parameters here, which operations name by `$ref`. */
  components: { schemas: Record<string, OpenApiSchema>; parameters?: Record<string, OpenApiParameter> };
}

export interface Operation {
  method: string;
  template: string;
  parameters: OpenApiParameter[];
  body?: OpenApiSchema;
}

/** Every /v1 operation, with the tenant header left out: the fuzzer sends it on every request. */
export const operationsOf = (document: OpenApiDocument): Operation[] =>
  Object.entries(document.paths)
    .filter(([template]) => template.startsWith('/v1/'))
    .flatMap(([template, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase(),
        template,
        parameters: (op.parameters ?? [])
          .map((p) => ('$ref' in p ? document.components.parameters![p.$ref.split('/').pop()!] : p))
          .filter((p) => p.name.toLowerCase() !== 'kairos-tenant'),
        body: op.requestBody?.content['application/json']?.schema,
      })),
    );

/** The schema behind a `$ref`, or behind an `allOf` of one (how Nest marks a nullable reference). */
export const resolveSchema = (document: OpenApiDocument, schema: OpenApiSchema): OpenApiSchema => {
  if (schema.$ref) return resolveSchema(document, document.components.schemas[schema.$ref.split('/').pop()!]);
  if (schema.allOf?.length === 1) return { ...resolveSchema(document, schema.allOf[0]), nullable: schema.nullable };
  return schema;
};
