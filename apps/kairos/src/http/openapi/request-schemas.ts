import { Type } from '@nestjs/common';
import { DECORATORS } from '@nestjs/swagger/dist/constants';
import { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { getMetadataStorage } from 'class-validator';

const hasApiProperties = (type: unknown): type is Function => typeof type === 'function' && Boolean(Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, type.prototype));

/** The classes a handler's parameters (body, query) are validated as. */
export const parameterClassesOf = (prototype: object, key: string): Function[] =>
  ((Reflect.getMetadata('design:paramtypes', prototype, key) as unknown[] | undefined) ?? []).filter(hasApiProperties);

/**
 * The classes the document's request schemas come from, by schema name, walked from the
 * controllers' parameters down their properties. Nest names a schema by its class and keeps one of
 * two classes of the same name, so a client would read the other's shape: two such classes fail
 * the start instead.
 */
export const requestClasses = (controllers: Type[]): Map<string, Function> => {
  const seen = new Map<string, Function>();
  const visit = (type: unknown): void => {
    if (!hasApiProperties(type)) return;
    const known = seen.get(type.name);
    if (known === type) return;
    if (known) throw new Error(`two request schemas are named ${type.name}: rename one of the classes`);
    seen.set(type.name, type);
    const keys = (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, type.prototype) as string[]).map((k) => k.slice(1));
    for (const key of keys) visit((Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, type.prototype, key) as { type?: unknown } | undefined)?.type);
  };
  for (const controller of controllers) {
    for (const key of Object.getOwnPropertyNames(controller.prototype)) parameterClassesOf(controller.prototype, key).forEach(visit);
  }
  return seen;
};

/** The fields class-validator holds to integers (`@IsInt()`), inherited ones too. */
export const integerFieldsOf = (types: Function[]): Set<string> =>
  new Set(
    types.flatMap((type) =>
      getMetadataStorage()
        .getTargetValidationMetadatas(type, '', true, false)
        .filter((m) => m.name === 'isInt')
        .map((m) => m.propertyName),
    ),
  );

/** Nest reflects a TypeScript `number` as `type: number`; an integer field says so, or a client generator makes it a float. */
export const asInteger = (schema: SchemaObject): SchemaObject => {
  if (schema.type === 'number') return { ...schema, type: 'integer' };
  const items = schema.items as SchemaObject | undefined;
  if (schema.type === 'array' && items?.type === 'number') return { ...schema, items: { ...items, type: 'integer' } };
  return schema;
};

/** The request schemas with their integer fields typed as such. */
export const withIntegers = (schemas: Record<string, SchemaObject>, classes: Map<string, Function>): Record<string, SchemaObject> =>
  Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => {
      const type = classes.get(name);
      if (!type || !schema.properties) return [name, schema];
      const integers = integerFieldsOf([type]);
      const properties = Object.fromEntries(Object.entries(schema.properties).map(([key, property]) => [key, integers.has(key) ? asInteger(property as SchemaObject) : property]));
      return [name, { ...schema, properties }];
    }),
  );
