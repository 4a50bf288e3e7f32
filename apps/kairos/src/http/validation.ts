import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { MetadataStorage, getMetadataStorage, isUUID } from 'class-validator';
import { DomainError, FieldError } from '@kairos/core';
import { sendProblem, toProblem, unsupportedMediaType } from './problem';

/** Flattens class-validator's tree into `{field, reason}` with dotted paths (`resourceGroups.0.requiredCount`). */
export const fieldErrors = (errors: ValidationError[], parent = ''): FieldError[] =>
  errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });

/** Deeper than any document of the contract (a service's `payment.price.amount` is 3), far below what recursion can bear. */
const MAX_DEPTH = 32;
/** PostgreSQL stores no NUL in text or JSON, and no string can hold half a surrogate pair in UTF-8. */
const UNSTORABLE = /[\u0000\p{Cs}]/u;

export const isStorable = (text: string): boolean => !UNSTORABLE.test(text);
/** Keys that class-transformer would take for the object's own machinery instead of a field. */
const MACHINERY = new Set(['__proto__', 'constructor', 'prototype']);
const UNSTORABLE_TEXT = 'must not contain NUL or unpaired surrogate characters';

const screen = (value: unknown, field: string, depth: number, errors: FieldError[]): void => {
  if (typeof value === 'string') {
    if (!isStorable(value)) errors.push({ field, reason: UNSTORABLE_TEXT });
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth > MAX_DEPTH) {
    errors.push({ field: field.split('.')[0], reason: `nested more than ${MAX_DEPTH} levels deep` });
    return;
  }
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    const child = object[key];
    // The dotted path is built only for a key that is refused or a child that may hold one: most are strings that pass.
    if (MACHINERY.has(key)) errors.push({ field: pathOf(field, key), reason: `property ${key} should not exist` });
    else if (!isStorable(key)) errors.push({ field: pathOf(field, key), reason: 'a key must not contain NUL or unpaired surrogate characters' });
    else if (typeof child === 'string') {
      if (!isStorable(child)) errors.push({ field: pathOf(field, key), reason: UNSTORABLE_TEXT });
    } else if (typeof child === 'object' && child !== null) screen(child, pathOf(field, key), depth + 1, errors);
    if (errors.length > 0) return;
  }
};

const pathOf = (parent: string, key: string) => (parent ? `${parent}.${key}` : key);

/**
 * Every string of a body or a query, once, before anything reads it: what no store can hold or no
 * validator can walk is refused here with the field it is in, rather than failing deep inside.
 */
export const screenInput = (req: Request, res: Response, next: NextFunction) => {
  const errors: FieldError[] = [];
  screen(req.body, '', 0, errors);
  if (errors.length === 0) screen(req.query, '', 0, errors);
  if (errors.length === 0) return next();
  sendProblem(res, toProblem(new DomainError('validation', 'the request is not valid', errors)));
};

/** What nearly every client sends, known to be JSON without parsing the header (as `req.is` does for any other). */
const PLAIN_JSON = new Set(['application/json', 'application/json; charset=utf-8']);

/**
 * A body is JSON or nothing: one in another type was left unparsed, and the write then ran on its
 * defaults as if it had none. Writes that take no body still need none.
 */
export const refuseOtherMediaTypes = (req: Request, res: Response, next: NextFunction) => {
  const carriesBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!carriesBody || PLAIN_JSON.has(req.headers['content-type']?.toLowerCase() ?? '') || req.is('application/json')) return next();
  sendProblem(res, unsupportedMediaType('Content-Type', req.headers['content-type'] ? `${req.headers['content-type']} is not application/json` : 'missing'));
};

/**
 * Unknown or ill-typed fields are refused (api.md §1), never silently dropped. Path parameters are
 * all ids this service issues, UUIDs: any other is unknown (404) without asking a store about it.
 */
class KairosValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type === 'param' && !isUUID(value)) {
      throw new DomainError('not-found', `no such ${metadata.data ?? 'id'}`, [{ field: metadata.data ?? 'id', reason: 'not an id of this service (a UUID)' }]);
    }
    return super.transform(value, metadata);
  }
}

type Rules = ReturnType<MetadataStorage['getTargetValidationMetadatas']>;

/**
 * class-validator looks a class's rules up again for every object it validates, scanning every
 * class that has any for those this one extends, and groups them by property again: a few percent
 * of a request's CPU. The rules are declared by decorators as the classes load, before any request,
 * so the first look-up for a class (and options) holds for good.
 */
const rememberRules = (storage: MetadataStorage) => {
  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  const groupByProperty = storage.groupByPropertyName.bind(storage);
  const rules = new Map<Function, Map<string, Rules>>();
  const grouped = new WeakMap<Rules, ReturnType<MetadataStorage['groupByPropertyName']>>();
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}|${always}|${strictGroups}|${groups?.join(',') ?? ''}`;
    let ofTarget = rules.get(target);
    if (!ofTarget) rules.set(target, (ofTarget = new Map()));
    let found = ofTarget.get(key);
    if (!found) ofTarget.set(key, (found = lookUp(target, schema, always, strictGroups, groups)));
    return found;
  };
  storage.groupByPropertyName = (metadata) => {
    let byProperty = grouped.get(metadata);
    if (!byProperty) grouped.set(metadata, (byProperty = groupByProperty(metadata)));
    return byProperty;
  };
};
rememberRules(getMetadataStorage());

export const validationPipe = () =>
  new KairosValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new DomainError('validation', 'the request is not valid', fieldErrors(errors)),
  });
