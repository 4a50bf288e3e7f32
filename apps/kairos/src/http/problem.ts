import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { Response } from 'express';
import { DomainError, FieldError, ProblemCode, StoreUnavailable } from '@kairos/core';
import { WrongExpectedRevision } from '@kairos/event-store';
import { isEventStoreDbUnreachable } from '@kairos/event-store/eventstoredb/unreachable';
import { InvalidCursor } from '@kairos/read-store';
import { isMongoUnreachable } from '@kairos/read-store/mongodb/unreachable';

const STATUS: Record<ProblemCode, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  'projection-lag': 503,
  unavailable: 503,
  'revision-conflict': 409,
  'already-exists': 409,
  'slot-taken': 409,
  'slot-locked': 409,
  'has-future-bookings': 409,
  'request-in-progress': 409,
  'policy-violation': 422,
  'capacity-exceeded': 422,
  'invalid-transition': 422,
  'waitlist-unavailable': 422,
  'offer-expired': 422,
  'no-eligible-plan': 422,
  'coupon-invalid': 422,
  'coupon-not-combinable': 422,
  'idempotency-key-reused': 422,
};

const TITLES: Partial<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** RFC 9457 problem details, as every error leaves the service (api.md §1). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors: FieldError[];
}

const problem = (status: number, code: string, detail: string, errors: FieldError[] = []): Problem => ({
  type: `urn:kairos:problem:${code}`,
  title: TITLES[status] ?? 'Error',
  status,
  detail,
  errors,
});

/** A body the service cannot read as JSON in UTF-8 (api.md §1): `field` is the header that says so. */
export const unsupportedMediaType = (field: 'Content-Type' | 'Content-Encoding', reason: string): Problem =>
  problem(415, 'unsupported-media-type', `the body must be JSON in UTF-8: ${reason}`, [{ field, reason }]);

const HTTP_CODES: Record<number, ProblemCode> = { 400: 'validation', 401: 'unauthenticated', 403: 'forbidden', 404: 'not-found' };

/** A store or the broker out of reach: PostgreSQL and Kafka say so with StoreUnavailable, the other drivers with their own errors. */
export const isUnreachable = (error: unknown) => error instanceof StoreUnavailable || isMongoUnreachable(error) || isEventStoreDbUnreachable(error);

export const toProblem = (error: unknown): Problem => {
  if (error instanceof DomainError) return problem(STATUS[error.code], error.code, error.message, error.errors);
  if (error instanceof WrongExpectedRevision) {
    return problem(409, 'revision-conflict', 'someone else changed it first; reload and retry', [
      { field: 'revision', reason: `stale: current revision is ${error.actual === 'noStream' ? 0 : error.actual + 1}` },
    ]);
  }
  if (isUnreachable(error)) {
    return problem(503, 'unavailable', 'a store this request needs cannot be reached right now; retry shortly (a write answered so may have been recorded: retry it with the same Idempotency-Key)');
  }
  if (error instanceof InvalidCursor) return problem(400, 'validation', error.message, [{ field: 'cursor', reason: 'not issued by this service' }]);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse() as { message?: string | string[] } | string;
    const detail = typeof body === 'string' ? body : Array.isArray(body.message) ? body.message.join('; ') : (body.message ?? error.message);
    // A body that is not JSON, or too large, is the caller's mistake like any other invalid input.
    if ((error as { type?: string }).type === 'entity.parse.failed' || status === 400) {
      return problem(400, 'validation', detail, [{ field: 'body', reason: detail }]);
    }
    return problem(status, HTTP_CODES[status] ?? 'unavailable', detail);
  }
  const parse = error as { type?: string; status?: number; message?: string };
  if (parse?.type === 'entity.parse.failed' || parse?.status === 400) {
    return problem(400, 'validation', 'the body is not valid JSON', [{ field: 'body', reason: 'malformed JSON' }]);
  }
  if (parse?.status === 415) return unsupportedMediaType(parse.type === 'encoding.unsupported' ? 'Content-Encoding' : 'Content-Type', parse.message ?? 'unsupported');
  if (parse?.status === 413) return problem(400, 'validation', 'the body is too large', [{ field: 'body', reason: 'too large' }]);
  return problem(500, 'internal', 'the request failed; it changed nothing that was not recorded');
};

export const sendProblem = (res: Response, p: Problem) => {
  if (p.status === 503) res.setHeader('Retry-After', '1');
  res.status(p.status).type('application/problem+json').send(JSON.stringify(p));
};

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse<Response>();
    const p = toProblem(error);
    // An outage answers every request with 503: one line each, not a stack.
    if (isUnreachable(error)) this.logger.warn({ message: 'request failed: store unavailable', error: (error as Error).message });
    else if (p.status >= 500) this.logger.error({ message: 'request failed', error: error instanceof Error ? error.stack : String(error) });
    sendProblem(res, p);
  }
}
