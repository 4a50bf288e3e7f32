import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { isUUID } from 'class-validator';
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

const screen = (value: unknown, field: string, depth: number, errors: FieldError[]): void => {
  if (errors.length > 0) return;
  if (typeof value === 'string') {
    if (!isStorable(value)) errors.push({ field, reason: 'must not contain NUL or unpaired surrogate characters' });
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth > MAX_DEPTH) {
    errors.push({ field: field.split('.')[0], reason: `nested more than ${MAX_DEPTH} levels deep` });
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const path = field ? `${field}.${key}` : key;
    if (MACHINERY.has(key)) errors.push({ field: path, reason: `property ${key} should not exist` });
    else if (!isStorable(key)) errors.push({ field: path, reason: 'a key must not contain NUL or unpaired surrogate characters' });
    else screen(child, path, depth + 1, errors);
    if (errors.length > 0) return;
  }
};

/**
 * Every string of a body or a query, once, before anything reads it: what no store can hold or no
 * validator can walk is refused here with the field it is in, rather than failing deep inside.
 */
export const screenInput = (req: Request, res: Response, next: NextFunction) => {
  const errors: FieldError[] = [];
  screen(req.body, '', 0, errors);
  screen(req.query, '', 0, errors);
  if (errors.length === 0) return next();
  sendProblem(res, toProblem(new DomainError('validation', 'the request is not valid', errors)));
};

/**
 * A body is JSON or nothing: one in another type was left unparsed, and the write then ran on its
 * defaults as if it had none. Writes that take no body still need none.
 */
export const refuseOtherMediaTypes = (req: Request, res: Response, next: NextFunction) => {
  const carriesBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!carriesBody || req.is('application/json')) return next();
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

export const validationPipe = () =>
  new KairosValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new DomainError('validation', 'the request is not valid', fieldErrors(errors)),
  });
