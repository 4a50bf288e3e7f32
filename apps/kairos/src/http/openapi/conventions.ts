import {
  ComponentsObject,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  RequestBodyObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { Answer, Contract } from './contract';
import { ANSWER_EXAMPLES, CALENDAR_EXAMPLE, REQUEST_EXAMPLES } from './examples';
import { AnsweredCode, problemOf } from './problems';
import { ref } from './answers';
import { asInteger } from './request-schemas';

/**
 * The contract's conventions, applied by middleware to every /v1 operation alike (api.md §1), are
 * documented here alike: the headers a request may carry, the security, and the refusals that follow
 * from what an operation is (a write or a query, with a path id, with a body).
 */
export const CONVENTION_COMPONENTS: Pick<ComponentsObject, 'parameters' | 'headers' | 'securitySchemes'> = {
  securitySchemes: {
    bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'HS256 JWT with claims `tenant`, `actor` (BUSINESS|CUSTOMER) and optionally `sub`; the production mode.' },
    tenant: { type: 'apiKey', in: 'header', name: 'Kairos-Tenant', description: 'Development mode (KAIROS_AUTH=dev): the tenant, [A-Za-z0-9_-]{1,64}; the actor is BUSINESS unless Kairos-Actor says CUSTOMER.' },
  },
  parameters: {
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'Makes the write take effect at most once: a retry with the same key and request replays the first answer (Idempotency-Replayed: true), for 24 h per tenant, method and path.',
      schema: { type: 'string', maxLength: 255 },
      example: '5f0c2b8e-checkout-42',
    },
    IfMatch: {
      name: 'If-Match',
      in: 'header',
      required: false,
      description: 'The revision the write expects (a number, quoted or weak as an ETag may be); stale: 409 revision-conflict. Wins over a body `revision`.',
      schema: { type: 'string' },
      example: '3',
    },
    KairosMinPosition: {
      name: 'Kairos-Min-Position',
      in: 'header',
      required: false,
      description:
        "A position the caller saw written (a write's Kairos-Position). On a query, the same as the minPosition parameter: wait (up to 5 s) until the read model reached it. On a write, a refusal made on read models behind it (404 not-found, 409 slot-taken, 422 capacity-exceeded and the like) waits for them (up to 5 s) and the write is tried once more; still behind: 503 projection-lag.",
      schema: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
      example: 1042,
    },
    KairosActor: {
      name: 'Kairos-Actor',
      in: 'header',
      required: false,
      description: 'Development mode only: CUSTOMER acts as the customer (BUSINESS otherwise). Ignored with bearer tokens, whose `actor` claim says it.',
      schema: { type: 'string', enum: ['BUSINESS', 'CUSTOMER'] },
    },
    CorrelationId: {
      name: 'X-Correlation-Id',
      in: 'header',
      required: false,
      description: 'Stamped on the events the request causes (first 128 characters); a new id when absent.',
      schema: { type: 'string' },
    },
  },
  headers: {
    KairosPosition: {
      description: "For a write, the global position of its last event; for a query, the position its read model had reached. Absent when there is none (a write that changed nothing, a read model that has applied nothing).",
      schema: { type: 'integer', minimum: 0 },
      required: false,
    },
    Location: { description: 'The created resource.', schema: { type: 'string' }, required: true },
    IdempotencyReplayed: { description: 'true: the answer of an earlier request with the same Idempotency-Key, replayed.', schema: { type: 'string', enum: ['true'] }, required: false },
    RetryAfter: { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 }, required: true },
  },
};

const parameter = (name: string): ReferenceObject => ({ $ref: `#/components/parameters/${name}` });
const header = (name: string): ReferenceObject => ({ $ref: `#/components/headers/${name}` });
const problemExample = (code: AnsweredCode): ReferenceObject => ({ $ref: `#/components/examples/${code}` });

/** Headers handlers read by name (`@Headers('if-match')`), documented as the components above. */
const CONVENTION_HEADERS = ['if-match', 'kairos-min-position'];

/** What the route is, as its controller declares it. */
export interface Route {
  operation: OperationObject;
  kind: 'query' | 'write';
  contract: Contract;
  /** Its parameters' integer fields (query parameters reflected as `number`). */
  integers: Set<string>;
}

type JsonAnswer = Exclude<Answer, 'Calendar'>;

const answerSchema = (answer: JsonAnswer): SchemaObject | ReferenceObject => {
  if (typeof answer === 'string') return ref(answer);
  if ('pageOf' in answer) return ref(`${answer.pageOf}Page`);
  return { oneOf: answer.oneOf.map(ref) };
};

const answerExample = (answer: JsonAnswer): unknown => {
  if (typeof answer === 'string') return ANSWER_EXAMPLES[answer];
  if ('pageOf' in answer) return { items: [ANSWER_EXAMPLES[answer.pageOf]], nextCursor: null };
  return ANSWER_EXAMPLES[answer.oneOf[0]];
};

const answerName = (answer: JsonAnswer): string =>
  typeof answer === 'string' ? answer : 'pageOf' in answer ? `a page of ${answer.pageOf} ({items, nextCursor})` : answer.oneOf.join(' or ');

type Refusal = [AnsweredCode, string];
const onlyIf = (condition: boolean, ...refusals: Refusal[]): Refusal[] => (condition ? refusals : []);

/** The refusals every operation of its kind can answer, each with when. */
const conventionalRefusals = (kind: Route['kind'], reads: { ifMatch: boolean; minPosition: boolean; pathIds: string[]; body: boolean; open: boolean }): Refusal[] => [
  ['validation', 'a field, parameter or header is missing, unknown or ill-typed; `errors` names each'],
  ...onlyIf(!reads.open, ['unauthenticated', 'no valid tenant: a missing, bad or expired bearer token, or Kairos-Tenant header in development mode']),
  ...onlyIf(reads.pathIds.length > 0, ['not-found', reads.open ? `no such ${reads.pathIds.join(' or ')}` : `no such ${reads.pathIds.join(' or ')} for this tenant, or a path id that is no UUID`]),
  // Any request that carries a body is refused unless it is JSON (validation.ts), one that takes none too.
  ['unsupported-media-type', reads.body ? 'the body is not JSON in UTF-8: its Content-Type, charset or Content-Encoding' : 'a body was sent, and not as JSON in UTF-8 (this operation takes none)'],
  ...onlyIf(
    kind === 'write',
    ['revision-conflict', reads.ifMatch ? 'the revision in If-Match or the body is stale, or other writers kept winning' : 'other writers to the same records kept winning; retry'],
    ['request-in-progress', 'the first request with this Idempotency-Key is still running'],
    ['idempotency-key-reused', 'this Idempotency-Key was used with another request'],
  ),
  ...onlyIf(reads.minPosition, ['projection-lag', 'the read model did not reach minPosition within 5 s; retry after Retry-After']),
  ...onlyIf(kind === 'write', ['projection-lag', 'refused on read models that stayed behind what the write read, or its Kairos-Min-Position, for 5 s; retry after Retry-After']),
  ['unavailable', 'a store or the broker is out of reach; retry after Retry-After, a write with the same Idempotency-Key'],
  ['internal', 'a failure of the service; nothing unrecorded was changed'],
];

const errorResponses = (kind: Route['kind'], refusals: Refusal[]): Record<string, ResponseObject> => {
  const byStatus = new Map<number, Refusal[]>();
  for (const [code, when] of refusals) {
    const status = problemOf(code).status;
    const same = byStatus.get(status) ?? [];
    const known = same.find(([c]) => c === code);
    if (known) known[1] = `${known[1]}; ${when}`;
    else byStatus.set(status, [...same, [code, when]]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => [
      String(status),
      {
        description: [`${problemOf(codes[0][0]).title}:`, ...codes.map(([code, when]) => `- \`${code}\`: ${when}`)].join('\n'),
        headers: {
          ...(status === 503 ? { 'Retry-After': header('RetryAfter') } : {}),
          // A refusal is kept for the key and replayed like a success (idempotency.ts), save a revision conflict and a failure of the service.
          ...(kind === 'write' && status < 500 ? { 'Idempotency-Replayed': header('IdempotencyReplayed') } : {}),
        },
        content: {
          'application/problem+json': {
            schema: ref('Problem'),
            examples: Object.fromEntries(codes.map(([code]) => [code, problemExample(code)])),
          },
        },
      },
    ]),
  );
};

const bodyName = (body: RequestBodyObject | ReferenceObject | undefined): string | undefined => {
  const schema = body && 'content' in body ? body.content['application/json']?.schema : undefined;
  return schema && '$ref' in schema ? schema.$ref.split('/').pop() : undefined;
};

/** Completes an operation as generated from its controller with what the conventions and its contract say. */
export const completeOperation = (route: Route): OperationObject => {
  const { operation, contract, kind } = route;
  const params = (operation.parameters ?? []) as ParameterObject[];
  const reads = {
    ifMatch: params.some((p) => p.in === 'header' && p.name.toLowerCase() === 'if-match'),
    minPosition: params.some((p) => p.in === 'query' && p.name === 'minPosition'),
    pathIds: params.filter((p) => p.in === 'path').map((p) => p.name),
    body: operation.requestBody !== undefined,
    open: contract.open !== undefined,
  };
  const parameters = [
    // The convention headers a handler reads come back below, described once for all.
    ...params
      .filter((p) => !(p.in === 'header' && CONVENTION_HEADERS.includes(p.name.toLowerCase())))
      .map((p) => {
        if (p.in === 'path') return contract.open ? { ...p, schema: { type: 'string' }, description: contract.open } : { ...p, schema: { type: 'string', format: 'uuid' }, description: `the ${p.name} (a UUID)` };
        return p.in === 'query' && route.integers.has(p.name) && p.schema ? { ...p, schema: asInteger(p.schema as SchemaObject) } : p;
      }),
    parameter('CorrelationId'),
    parameter('KairosActor'),
    ...(kind === 'write' ? [parameter('IdempotencyKey')] : []),
    ...(reads.ifMatch ? [parameter('IfMatch')] : []),
    ...(reads.minPosition || kind === 'write' ? [parameter('KairosMinPosition')] : []),
  ];
  const [success] = Object.keys(operation.responses).filter((status) => status.startsWith('2'));
  const status = Number(success);
  const headers = {
    ...(contract.unpositioned ? {} : { 'Kairos-Position': header('KairosPosition') }),
    ...(status === 201 ? { Location: header('Location') } : contract.location ? { Location: { description: contract.location, schema: { type: 'string' }, required: false } } : {}),
    ...(kind === 'write' ? { 'Idempotency-Replayed': header('IdempotencyReplayed') } : {}),
  };
  const answer: ResponseObject =
    contract.answers === null
      ? { description: 'No Content: done, nothing to show.', headers }
      : contract.answers === 'Calendar'
        ? {
            description: 'OK: an iCalendar document (RFC 5545).',
            headers: { ...headers, ETag: { description: 'A strong ETag of the body: send it as If-None-Match to get 304 while the calendar is unchanged.', schema: { type: 'string' }, required: true } },
            content: { 'text/calendar': { schema: { type: 'string' }, example: CALENDAR_EXAMPLE } },
          }
        : {
          description: `${status === 201 ? 'Created' : 'OK'}: ${answerName(contract.answers)}.`,
          headers,
          content: { 'application/json': { schema: answerSchema(contract.answers), example: answerExample(contract.answers) } },
        };
  const refusals = [...conventionalRefusals(kind, reads), ...(Object.entries(contract.refuses ?? {}) as Refusal[])];
  const bodyExample = REQUEST_EXAMPLES[bodyName(operation.requestBody) ?? ''];
  const requestBody = operation.requestBody as RequestBodyObject | undefined;
  return {
    ...operation,
    parameters,
    ...(requestBody
      ? { requestBody: { ...requestBody, content: { 'application/json': { ...requestBody.content['application/json'], ...(bodyExample ? { example: bodyExample } : {}) } } } }
      : {}),
    responses: {
      [success]: answer,
      ...(contract.answers === 'Calendar' ? { '304': { description: 'Not Modified: If-None-Match named the calendar as it is; no body.', headers: { ETag: { description: 'The same ETag.', schema: { type: 'string' }, required: true } } } } : {}),
      ...errorResponses(kind, refusals),
    },
    security: contract.open ? [] : [{ bearer: [] }, { tenant: [] }],
  };
};
