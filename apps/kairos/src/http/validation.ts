import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, FieldError } from '@kairos/core';

/** Flattens class-validator's tree into `{field, reason}` with dotted paths (`resourceGroups.0.requiredCount`). */
export const fieldErrors = (errors: ValidationError[], parent = ''): FieldError[] =>
  errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });

/** Unknown or ill-typed fields are refused (api.md §1), never silently dropped. */
export const validationPipe = () =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new DomainError('validation', 'the request is not valid', fieldErrors(errors)),
  });
