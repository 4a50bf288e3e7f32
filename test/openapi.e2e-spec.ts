import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { TestApp, startApp } from './harness';

/** The POST operations that are queries: they change nothing, so take no Idempotency-Key and refuse no write. */
const QUERIES_BY_POST = ['/v1/availability/query', '/v1/booking-policies/strictest', '/v1/coupons/validate', '/v1/prices/preview'];

type Json = Record<string, any>;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const PROBLEM = { $ref: '#/components/schemas/Problem' };

/** Every operation of the document, with where it is. */
const operationsOf = (doc: Json) =>
  Object.entries<Json>(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] as Json, name: `${method.toUpperCase()} ${path}` })),
  );

/** Each schema object inside `value`, with its JSON pointer. */
const schemasIn = (value: unknown, pointer: string, out: { pointer: string; schema: Json }[] = []) => {
  if (!value || typeof value !== 'object') return out;
  const schema = value as Json;
  out.push({ pointer, schema });
  for (const key of ['items', 'additionalProperties']) if (typeof schema[key] === 'object') schemasIn(schema[key], `${pointer}/${key}`, out);
  for (const [name, property] of Object.entries<unknown>(schema.properties ?? {})) schemasIn(property, `${pointer}/properties/${name}`, out);
  for (const key of ['allOf', 'anyOf', 'oneOf']) (schema[key] ?? []).forEach((s: unknown, i: number) => schemasIn(s, `${pointer}/${key}/${i}`, out));
  return out;
};

/** The document as committed for clients generated without a running service; `npm run openapi:write` writes it. */
const COMMITTED = join(__dirname, '..', 'docs', 'openapi.json');

const refName = (parameter: Json) => (parameter.$ref as string | undefined)?.split('/').pop();

/** The one operation a calendar app calls with no tenant or token: its secret URL is the credential. */
const OPEN_OPERATIONS = ['GET /v1/feeds/{token}.ics'];

describe('the OpenAPI document (/docs-json)', () => {
  let t: TestApp;
  let doc: Json;
  beforeAll(async () => {
    t = await startApp({ engine: 'pglite' });
    doc = (await t.http.get('/docs-json').expect(200)).body;
  });
  afterAll(async () => t?.close());

  it('is committed as docs/openapi.json, exactly as served', () => {
    const rendered = `${JSON.stringify(doc, null, 2)}\n`;
    if (process.env.KAIROS_WRITE_OPENAPI === '1') writeFileSync(COMMITTED, rendered);
    expect(readFileSync(COMMITTED, 'utf8')).toBe(rendered);
  });

  it('is valid OpenAPI 3.0 for swagger-parser', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('passes Redocly lint, recommended-strict and stricter, without an error or a warning', async () => {
    const config = await createConfig({
      extends: ['recommended-strict'],
      rules: {
        // Stricter than recommended-strict: examples, problem details, tags and required properties are checked too.
        'no-invalid-schema-examples': 'error',
        'no-invalid-parameter-examples': 'error',
        'operation-4xx-problem-details-rfc7807': 'error',
        'no-required-schema-properties-undefined': 'error',
        'component-name-unique': 'error',
        'operation-tag-defined': 'error',
        'operation-singular-tag': 'error',
        'parameter-description': 'error',
        // A proprietary service has no license to name (package.json: UNLICENSED).
        'info-license': 'off',
        'info-license-strict': 'off',
      },
    });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it('gives every operation a described success with a schema and an example, and every request body an example', () => {
    for (const { name, op } of operationsOf(doc)) {
      const successes = Object.keys(op.responses).filter((s) => s.startsWith('2'));
      expect([name, successes.length]).toEqual([name, 1]);
      const success = op.responses[successes[0]];
      expect([name, success.description.length > 3]).toEqual([name, true]);
      // An iCalendar answer is text/calendar, with an ETag and a 304 for If-None-Match.
      const media = success.content?.['text/calendar'] ? 'text/calendar' : 'application/json';
      if (media === 'text/calendar') expect([name, success.headers?.ETag?.required, Object.keys(op.responses)]).toEqual([name, true, expect.arrayContaining(['304'])]);
      if (successes[0] === '204') expect([name, success.content]).toEqual([name, undefined]);
      else expect([name, success.content?.[media]?.schema !== undefined, success.content?.[media]?.example !== undefined]).toEqual([name, true, true]);
      if (op.requestBody) expect([name, op.requestBody.content['application/json'].example !== undefined]).toEqual([name, true]);
    }
  });

  it('documents the refusals every operation can answer as application/problem+json of the Problem schema', () => {
    expect(doc.components.schemas.Problem).toMatchObject({ required: ['type', 'title', 'status', 'detail', 'errors'] });
    expect(doc.components.schemas.Problem.properties.errors.items.required).toEqual(['field', 'reason']);
    for (const { name, op, method, path } of operationsOf(doc)) {
      const statuses = Object.keys(op.responses);
      const write = method !== 'get' && !QUERIES_BY_POST.includes(path);
      const open = OPEN_OPERATIONS.includes(name);
      const expected = ['400', ...(open ? [] : ['401']), '415', '500', '503', ...(path.includes('{') ? ['404'] : []), ...(write ? ['409', '422'] : [])];
      expect([name, statuses]).toEqual([name, expect.arrayContaining(expected)]);
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        const response = op.responses[status];
        expect([name, status, Object.keys(response.content)]).toEqual([name, status, ['application/problem+json']]);
        expect([name, status, response.content['application/problem+json'].schema]).toEqual([name, status, PROBLEM]);
        for (const example of Object.values<Json>(response.content['application/problem+json'].examples)) {
          expect([name, status, doc.components.examples[refName(example)!].value.status]).toEqual([name, status, Number(status)]);
        }
      }
      expect([name, op.responses['503'].headers?.['Retry-After']]).toEqual([name, { $ref: '#/components/headers/RetryAfter' }]);
    }
  });

  it('documents the headers each operation reads and writes, and the security of every /v1 operation', () => {
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearer', 'tenant']);
    expect(doc.components.securitySchemes.tenant).toMatchObject({ type: 'apiKey', in: 'header', name: 'Kairos-Tenant' });
    for (const { name, op, method, path } of operationsOf(doc)) {
      expect([name, path.startsWith('/v1/')]).toEqual([name, true]);
      expect([name, op.security]).toEqual([name, OPEN_OPERATIONS.includes(name) ? [] : [{ bearer: [] }, { tenant: [] }]]);
      const parameters = (op.parameters as Json[]).map((p) => refName(p) ?? `${p.in}:${p.name}`);
      const query = method === 'get' || QUERIES_BY_POST.includes(path);
      const [success] = Object.entries<Json>(op.responses).find(([s]) => s.startsWith('2'))!;
      const headers = Object.keys(op.responses[success].headers ?? {});
      const header = (named: string) => op.responses[success].headers[named].$ref?.split('/').pop();
      expect([name, parameters]).toEqual([name, expect.arrayContaining(['CorrelationId', 'KairosActor'])]);
      expect([name, parameters.some((p) => /^header:/i.test(p))]).toEqual([name, false]);
      if (!query) {
        expect([name, parameters, headers]).toEqual([name, expect.arrayContaining(['IdempotencyKey']), expect.arrayContaining(['Kairos-Position', 'Idempotency-Replayed'])]);
      }
      if (method === 'patch') expect([name, parameters]).toEqual([name, expect.arrayContaining(['IfMatch'])]);
      // The open operation reads whatever the read models hold: a calendar app has no write to wait for.
      if (method === 'get' && !OPEN_OPERATIONS.includes(name)) expect([name, parameters, headers]).toEqual([name, expect.arrayContaining(['KairosMinPosition', 'query:minPosition']), expect.arrayContaining(['Kairos-Position'])]);
      if (success === '201') expect([name, header('Location')]).toEqual([name, 'Location']);
    }
  });

  it('types every field: no bare object without properties, no OpenAPI 3.1 type lists, integers as integers, one class per schema name', () => {
    for (const [component, root] of Object.entries<Json>(doc.components.schemas)) {
      for (const { pointer, schema } of schemasIn(root, component)) {
        if (schema.$ref) continue;
        const shaped = schema.type !== 'object' || schema.properties || schema.additionalProperties || schema.allOf;
        expect([pointer, shaped ? 'typed' : schema]).toEqual([pointer, 'typed']);
        expect([pointer, schema.type === undefined && !schema.allOf && !schema.anyOf && !schema.oneOf ? 'untyped' : 'typed']).toEqual([pointer, 'typed']);
        expect([pointer, Array.isArray(schema.type)]).toEqual([pointer, false]);
        // Money is a decimal string: every number of the contract is a count, minutes or a position.
        expect([pointer, schema.type]).not.toEqual([pointer, 'number']);
      }
    }
    for (const { name, op } of operationsOf(doc)) {
      for (const p of op.parameters as Json[]) expect([name, p.name, p.schema?.type ?? p.schema?.items?.type]).not.toEqual([name, p.name, 'number']);
    }
    // Two classes of one name showed one's shape under both: the service's payment as the booking's.
    const payment: Json = doc.components.schemas.CreateServiceDto.properties.payment;
    const paymentSchema = doc.components.schemas[refName(payment.allOf?.[0] ?? payment)!];
    expect(Object.keys(paymentSchema.properties).sort()).toEqual(['deposit', 'planIds', 'price', 'rateType']);
  });

  it('has every default and example agree with its own schema', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...doc, $id: 'openapi.json' });
    const check = (pointer: string, value: unknown) => {
      const validate = ajv.compile({ $ref: `openapi.json#${pointer}` });
      expect([pointer, validate(value) ? 'valid' : validate.errors]).toEqual([pointer, 'valid']);
    };
    for (const [component, root] of Object.entries<Json>(doc.components.schemas)) {
      for (const { pointer, schema } of schemasIn(root, `/components/schemas/${component}`)) {
        if (schema.default !== undefined) check(pointer, schema.default);
        if (schema.example !== undefined) check(pointer, schema.example);
      }
    }
    for (const { op, path, method } of operationsOf(doc)) {
      const at = `/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}`;
      if (op.requestBody) check(`${at}/requestBody/content/application~1json/schema`, op.requestBody.content['application/json'].example);
      for (const [status, response] of Object.entries<Json>(op.responses)) {
        for (const [type, media] of Object.entries<Json>(response.content ?? {})) {
          const schema = `${at}/responses/${status}/content/${type.replace('/', '~1')}/schema`;
          if (media.example !== undefined) check(schema, media.example);
          for (const example of Object.values<Json>(media.examples ?? {})) check(schema, (example.$ref ? doc.components.examples[refName(example)!] : example).value);
        }
      }
    }
  });
});
