import { DomainError, FieldError, ProblemCode } from '@kairos/core';
import { ExampleObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { Problem, toProblem, unsupportedMediaType } from '../problem';

/** RFC 9457 problem details as every error leaves the service (problem.ts). */
export const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'RFC 9457 problem details; `type` names the problem, `errors` the fields at fault (api.md §1).',
  required: ['type', 'title', 'status', 'detail', 'errors'],
  properties: {
    type: { type: 'string', pattern: '^urn:kairos:problem:[a-z-]+$', description: 'urn:kairos:problem:<code>', example: 'urn:kairos:problem:validation' },
    title: { type: 'string', description: 'the HTTP status in words', example: 'Bad Request' },
    status: { type: 'integer', minimum: 400, maximum: 599, example: 400 },
    detail: { type: 'string', example: 'the request is not valid' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'reason'],
        properties: {
          field: { type: 'string', description: 'dotted path of a body field, or a query parameter or header name', example: 'partySize' },
          reason: { type: 'string', example: 'partySize must not be less than 1' },
        },
      },
    },
  },
};

/** Codes the contract answers beside the domain's: a body in another type, and a failure of the service itself. */
export type AnsweredCode = ProblemCode | 'unsupported-media-type' | 'internal';

/** What a caller reads in an example of each problem: the server's own rendering of a typical case. */
const EXAMPLES: Record<ProblemCode, { detail: string; errors?: FieldError[] }> = {
  validation: { detail: 'the request is not valid', errors: [{ field: 'partySize', reason: 'partySize must not be less than 1' }] },
  unauthenticated: { detail: 'the Kairos-Tenant header is missing or not [A-Za-z0-9_-]{1,64}' },
  forbidden: { detail: 'only the business may override the policy' },
  'not-found': { detail: 'booking 0b9d5d0e-6f1c-4a8e-9c39-2f6f3c1d1e2a does not exist' },
  'projection-lag': { detail: 'the read model has not reached position 1042 yet; retry shortly' },
  unavailable: { detail: 'a store this request needs cannot be reached right now; retry shortly' },
  'revision-conflict': { detail: 'someone else changed it first; reload and retry', errors: [{ field: 'revision', reason: 'stale: current revision is 4' }] },
  'already-exists': { detail: 'booking 0b9d5d0e-6f1c-4a8e-9c39-2f6f3c1d1e2a already exists', errors: [{ field: 'id', reason: 'taken' }] },
  'slot-taken': { detail: 'the slot is no longer available' },
  'slot-locked': { detail: 'the seats are offered to someone on the waitlist' },
  'has-future-bookings': { detail: 'it has future bookings' },
  'request-in-progress': { detail: 'the first request with this Idempotency-Key is still running' },
  'policy-violation': { detail: 'too late to cancel', errors: [{ field: 'slot.start', reason: 'cancel-window' }] },
  'capacity-exceeded': { detail: 'not enough open spots for the party' },
  'invalid-transition': { detail: 'booking is canceled; cannot confirm' },
  'waitlist-unavailable': { detail: 'the session has open spots: book it instead' },
  'offer-expired': { detail: 'the offer expired' },
  'no-eligible-plan': { detail: 'no active plan covers this service' },
  'coupon-invalid': { detail: 'the coupon is not valid for this service' },
  'coupon-not-combinable': { detail: 'a coupon cannot be combined with a membership' },
  'idempotency-key-reused': { detail: 'this Idempotency-Key was used with another request', errors: [{ field: 'Idempotency-Key', reason: 'reused with a different request' }] },
};

/** The problem a code is answered with, as the server renders it. */
export const problemOf = (code: AnsweredCode): Problem => {
  if (code === 'unsupported-media-type') return unsupportedMediaType('Content-Type', 'text/plain is not application/json');
  if (code === 'internal') return toProblem(new Error('an unexpected failure'));
  const { detail, errors } = EXAMPLES[code];
  return toProblem(new DomainError(code, detail, errors));
};

/** The examples of the problems a document names, as components: `#/components/examples/<code>`. */
export const problemExamples = (codes: Iterable<AnsweredCode>): Record<string, ExampleObject> =>
  Object.fromEntries([...codes].sort().map((code) => [code, { summary: `urn:kairos:problem:${code}`, value: problemOf(code) }]));
