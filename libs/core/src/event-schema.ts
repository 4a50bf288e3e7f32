import { Static, TObject, TProperties, TSchema, TUnsafe, Type } from '@sinclair/typebox';
import { DomainEvent } from './domain-event';

/**
 * The vocabulary event bodies are declared with: TypeBox schemas, from which come both the
 * TypeScript types the deciders use (`Static`) and the JSON Schemas consumers read (AsyncAPI).
 * TypeBox writes nullables and string enums as `anyOf`; the published documents keep the
 * plain JSON Schema forms below (`type: [T, 'null']`, `enum`), which TypeBox supports as Unsafe types.
 */

const described = (description?: string) => (description ? { description } : {});

export const text = (description?: string) => Type.String(described(description));
export const integer = (description?: string, minimum?: number) =>
  Type.Integer({ ...(minimum === undefined ? {} : { minimum }), ...described(description) });
export const flag = (description?: string) => Type.Boolean(described(description));
/** An instant, RFC 3339 in UTC as `Date#toISOString` writes it. */
export const instant = (description?: string) => Type.String({ format: 'date-time', ...described(description) });
export const listOf = <Items extends TSchema>(items: Items, description?: string) => Type.Array(items, described(description));
/** An object whose every property is required unless wrapped in `Type.Optional`. */
export const record = <Properties extends TProperties>(properties: Properties, description?: string) => Type.Object(properties, described(description));

export const oneOf = <const Values extends readonly string[]>(values: Values, description?: string): TUnsafe<Values[number]> =>
  Type.Unsafe<Values[number]>({ type: 'string', enum: [...values], ...described(description) });

/** The same value, or null. */
export const nullable = <Schema extends TSchema>(schema: Schema): TUnsafe<Static<Schema> | null> => {
  const types: unknown[] = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  const values: unknown[] | undefined = schema.enum;
  return Type.Unsafe<Static<Schema> | null>({
    ...schema,
    type: types.includes('null') ? types : [...types, 'null'],
    ...(values && !values.includes(null) ? { enum: [...values, null] } : {}),
  });
};

/** A map from string keys to values of one schema (JSON Schema's `additionalProperties`). */
export const mapOf = <Values extends TSchema>(values: Values, description?: string): TUnsafe<Record<string, Static<Values>>> =>
  Type.Unsafe<Record<string, Static<Values>>>({ type: 'object', additionalProperties: values, ...described(description) });

/** Some of the fields, none required: the `changes` and `previous` of an `updated` event. */
export const patchOf = <Properties extends TProperties>(fields: TObject<Properties>, description: string) => Type.Partial(fields, { description });

/** The same schema with another description, for a shared shape used in a place of its own. */
export const describedAs = <Schema extends TSchema>(schema: Schema, description: string): Schema => ({ ...schema, description });

/** Who acted: the business, its customer, or the system on its own (a timer). */
export const ActorType = oneOf(['BUSINESS', 'CUSTOMER', 'SYSTEM'], 'who acted');
export type ActorType = Static<typeof ActorType>;

/**
 * The fields every status change carries besides its own, so a consumer reads any of them the same
 * way: the status the aggregate left, who moved it, and why.
 */
export const statusChangeOf = <Status extends TSchema>(previousStatus: Status) => ({
  previousStatus,
  actor: ActorType,
  reason: nullable(text('why, when whoever acted said so; null otherwise')),
});

/** An IANA time zone name. */
export const timeZoneName = () => text('IANA time zone, e.g. Europe/Lisbon');

export const aggregateId = (description = 'aggregate id') => text(description);

/** What every aggregate view carries (api.md §1). `revision` is 1 at creation, +1 per event. */
export const AggregateMeta = record({
  id: aggregateId(),
  revision: integer('1 at creation, +1 per event of the aggregate', 1),
  createdAt: instant(),
  updatedAt: instant(),
});
export type AggregateMeta = Static<typeof AggregateMeta>;

/** The body of an `updated` event: the new values of the changed fields and their old values. */
export const updatedBody = <Patch extends TSchema>(patch: Patch) =>
  record({
    id: aggregateId(),
    changes: describedAs(patch, 'new values of the changed fields'),
    previous: describedAs(patch, 'old values of the same fields'),
    updatedAt: instant(),
  });

export const deletedBody = (what: string) =>
  record({ id: aggregateId(), deletedAt: instant() }, `${what} was deleted: soft, it stays readable with deletedAt set.`);

/** One published event type: its body's schema, what it means, and the version of that body. */
export interface EventSchema<Type extends string = string, Body extends TSchema = TSchema> {
  /** `<aggregate>.<event>`, as stored. */
  type: Type;
  schemaVersion: number;
  summary: string;
  body: Body;
}

export const eventSchema = <const Type extends string, Body extends TSchema>(type: Type, summary: string, body: Body, schemaVersion = 1): EventSchema<Type, Body> => ({
  type,
  schemaVersion,
  summary,
  body,
});

/** The domain event an event schema declares. */
export type EventOf<Schema> = Schema extends EventSchema<infer Type, infer Body> ? DomainEvent<Type, Static<Body>> : never;
/** The discriminated union of the events a list of schemas declares: an aggregate's event type. */
export type EventsOf<Schemas extends readonly EventSchema[]> = EventOf<Schemas[number]>;

/** The types a list of schemas declares, e.g. for a projection to say which events it handles (`isOneOf` narrows by them). */
export const eventTypesOf = <const Schemas extends readonly EventSchema[]>(schemas: Schemas): Schemas[number]['type'][] => schemas.map((s) => s.type);

/** The events one capability publishes; each goes to the capability's topic. */
export interface EventCatalog {
  capability: string;
  events: readonly EventSchema[];
}
