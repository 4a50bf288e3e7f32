/**
 * Errors carry a code from the API contract's list; the HTTP layer maps codes to statuses,
 * so the domain never speaks HTTP.
 */
export type ProblemCode =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'projection-lag'
  | 'unavailable'
  | 'revision-conflict'
  | 'already-exists'
  | 'slot-taken'
  | 'slot-locked'
  | 'has-future-bookings'
  | 'request-in-progress'
  | 'policy-violation'
  | 'capacity-exceeded'
  | 'invalid-transition'
  | 'waitlist-unavailable'
  | 'offer-expired'
  | 'no-eligible-plan'
  | 'coupon-invalid'
  | 'coupon-not-combinable'
  | 'idempotency-key-reused';

export interface FieldError {
  field: string;
  reason: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ProblemCode,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/**
 * A store or the broker could not be reached: refused, dropped, timed out, shutting down or still
 * starting. Nothing is wrong with the request, so it answers 503 `unavailable` and may be retried;
 * a write that met it may or may not have been recorded, which its Idempotency-Key settles.
 */
export class StoreUnavailable extends Error {
  constructor(
    readonly engine: string,
    cause: unknown,
  ) {
    super(`${engine} is unreachable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreUnavailable';
  }
}

export const notFound = (what: string, id: string) => new DomainError('not-found', `${what} ${id} does not exist`);

export const revisionConflict = (expected: number, actual: number) =>
  new DomainError('revision-conflict', `expected revision ${expected}, but it is ${actual}`, [
    { field: 'revision', reason: `stale: current revision is ${actual}` },
  ]);

export const invalid = (field: string, reason: string) =>
  new DomainError('validation', `${field}: ${reason}`, [{ field, reason }]);
