import Ajv, { ValidateFunction } from 'ajv';
import { Json, ajvFor, describeErrors, toJsonSchema } from './openapi-schema';

/** One answer of the service as the caller saw it. */
export interface Exchange {
  method: string;
  /** As requested, query included. */
  path: string;
  status: number;
  /** Names in lower case. */
  headers: Record<string, string>;
  body: string;
}

export interface Violation {
  /** What the document is asked about: `GET /v1/bookings/{id} 200`. */
  subject: string;
  message: string;
  /** The request that got this answer: `GET /v1/bookings/8f3c…`. */
  request: string;
}

export const describeViolation = (v: Violation) => `${v.subject}: ${v.message}`;

/** The schema every error answer follows (RFC 9457 problem details), by its name in `components.schemas`. */
export const PROBLEM_SCHEMA = 'Problem';
const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/**
 * The operations' endpoints the document leaves out on purpose: probes, metrics and the contract
 * documents themselves. Their answers are not checked; any other path the document lacks (an
 * unknown route) must answer a problem.
 */
export const OPS_PATHS: readonly string[] = ['/health/live', '/health/ready', '/metrics', '/asyncapi', '/docs', '/docs-json', '/docs-yaml'];
/** Swagger UI's own files. */
const OPS_PREFIX = '/docs/';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Route {
  template: string;
  pattern: RegExp;
  /** Literal characters of the template: `/v1/bookings/search` wins over `/v1/bookings/{id}`. */
  literal: number;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A path template as Express routes it: `{id}` is one segment, letters in any case, a trailing slash allowed. */
const routeOf = (template: string): Route => {
  const parts = template.split(/(\{[^}]+\})/).filter(Boolean);
  const source = parts.map((p) => (p.startsWith('{') ? '[^/]+' : escapeRegExp(p))).join('');
  return { template, pattern: new RegExp(`^${source}/?$`, 'i'), literal: parts.filter((p) => !p.startsWith('{')).join('').length };
};

const mediaTypeOf = (contentType: string | undefined) => (contentType ?? '').split(';')[0].trim().toLowerCase();
const isJson = (mediaType: string) => mediaType === 'application/json' || mediaType.endsWith('+json');

/**
 * Checks answers against an OpenAPI 3.0 document: the operation (method and path template) is
 * documented, so is the status, the content type is one the response documents, the body is valid
 * against its schema and the headers marked required are there and valid.
 */
export class OpenApiConformance {
  private readonly routes: Route[];
  private readonly bodies: Ajv;
  private readonly headerValues: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: Json) {
    if (!String(document.openapi ?? '').startsWith('3.0')) throw new Error(`an OpenAPI 3.0 document is expected, not ${document.openapi ?? document.swagger}`);
    this.routes = Object.keys(document.paths ?? {})
      .map(routeOf)
      .sort((a, b) => b.literal - a.literal);
    const schemas = (document.components?.schemas ?? {}) as Record<string, Json>;
    this.bodies = ajvFor(schemas);
    // A header's value is text: `Kairos-Position: 12` is read as the integer its schema says.
    this.headerValues = ajvFor(schemas, { coerceTypes: true });
  }

  check(exchange: Exchange): Violation[] {
    const path = exchange.path.split('?')[0];
    if (OPS_PATHS.includes(path) || path.startsWith(OPS_PREFIX)) return [];
    const method = exchange.method.toLowerCase();
    const route = this.routes.find((r) => r.pattern.test(path));
    const operation = route ? (this.document.paths[route.template] as Json)[method] : undefined;
    const request = `${exchange.method.toUpperCase()} ${exchange.path}`;
    if (!route || !METHODS.includes(method) || !operation) {
      const subject = `${exchange.method.toUpperCase()} ${route ? `${route.template} (no such operation)` : '(unknown path)'} ${exchange.status}`;
      return this.checkProblem(exchange).map((message) => ({ subject, message, request }));
    }
    const subject = `${exchange.method.toUpperCase()} ${route.template} ${exchange.status}`;
    return this.checkResponse(route.template, method, operation, exchange).map((message) => ({ subject, message, request }));
  }

  /** An answer no operation documents must at least be a problem. */
  private checkProblem(exchange: Exchange): string[] {
    if (!this.document.components?.schemas?.[PROBLEM_SCHEMA]) return [`no operation documents it and the document has no components.schemas.${PROBLEM_SCHEMA} to check it against`];
    const mediaType = mediaTypeOf(exchange.headers['content-type']);
    if (mediaType !== PROBLEM_MEDIA_TYPE) return [`content-type ${mediaType || '(none)'}, expected ${PROBLEM_MEDIA_TYPE} for a path the document lacks`];
    return this.checkBody(this.validator('problem', this.bodies, { $ref: `#/components/schemas/${PROBLEM_SCHEMA}` }), exchange.body);
  }

  private checkResponse(template: string, method: string, operation: Json, exchange: Exchange): string[] {
    const responses = (operation.responses ?? {}) as Record<string, Json>;
    const status = String(exchange.status);
    const documented = [status, `${status[0]}XX`, 'default'].find((k) => k in responses);
    if (!documented) return [`status not documented (documented: ${Object.keys(responses).join(', ') || 'none'})`];
    const response = this.resolve(responses[documented]);
    const key = `${method} ${template} ${documented}`;
    const violations = this.checkHeaders(key, response, exchange);
    const content = (response.content ?? {}) as Record<string, Json>;
    const mediaType = mediaTypeOf(exchange.headers['content-type']);
    const types = Object.keys(content);
    if (types.length === 0) return exchange.body === '' ? violations : [...violations, `a body (${mediaType || 'no content-type'}) where the document says there is none`];
    const [family] = mediaType.split('/');
    const documentedType = types.find((t) => mediaTypeOf(t) === mediaType) ?? types.find((t) => t === `${family}/*`) ?? types.find((t) => t === '*/*');
    if (!documentedType) return [...violations, `content-type ${mediaType || '(none)'}, documented ${types.join(', ')}`];
    const schema = content[documentedType].schema as Json | undefined;
    if (!schema) return violations;
    const validate = this.validator(`${key} ${documentedType}`, this.bodies, schema);
    // A body in another type than JSON (an iCalendar document) is a string to its schema.
    if (!isJson(mediaType)) return validate(exchange.body) ? violations : [...violations, describeErrors(validate.errors)];
    return [...violations, ...this.checkBody(validate, exchange.body)];
  }

  private checkBody(validate: ValidateFunction, body: string): string[] {
    if (body === '') return ['no body where the document gives a schema'];
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return [`the body is not JSON: ${body.slice(0, 80)}`];
    }
    return validate(value) ? [] : [describeErrors(validate.errors)];
  }

  private validator(key: string, ajv: Ajv, schema: Json): ValidateFunction {
    if (!this.validators.has(key)) this.validators.set(key, ajv.compile(toJsonSchema(schema)));
    return this.validators.get(key)!;
  }

  private checkHeaders(key: string, response: Json, exchange: Exchange): string[] {
    const violations: string[] = [];
    for (const [name, declared] of Object.entries((response.headers ?? {}) as Record<string, Json>)) {
      const header = this.resolve(declared);
      const value = exchange.headers[name.toLowerCase()];
      if (value === undefined) {
        if (header.required) violations.push(`header ${name} missing`);
        continue;
      }
      if (!header.schema) continue;
      const validate = this.validator(`${key} header ${name}`, this.headerValues, { type: 'object', properties: { value: header.schema } });
      if (!validate({ value })) violations.push(`header ${name}: ${describeErrors(validate.errors).replace('/value', JSON.stringify(value))}`);
    }
    return violations;
  }

  /** A response or header given by `$ref` to the document's components. */
  private resolve(object: Json): Json {
    const ref = object.$ref as string | undefined;
    if (!ref) return object;
    const found = ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<Json | undefined>((at, part) => at?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], this.document);
    if (!found) throw new Error(`the document has no ${ref}`);
    return this.resolve(found);
  }
}
