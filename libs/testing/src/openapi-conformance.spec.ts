import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { ConformanceLog } from './conformance-log';
import { Exchange, OpenApiConformance, describeViolation } from './openapi-conformance';

const problem = { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };

/** A tiny document with what the checker reads: templates, statuses, media types, refs, nullable, formats, headers. */
const document = {
  openapi: '3.0.0',
  info: { title: 'tiny', version: '1' },
  paths: {
    '/v1/bookings': {
      post: {
        responses: {
          '201': {
            headers: { 'Kairos-Position': { required: true, schema: { type: 'integer', minimum: 1 } } },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Booking' } } },
          },
          '400': problem,
        },
      },
    },
    '/v1/bookings/{id}': { get: { responses: { '200': { $ref: '#/components/responses/Booking' }, '404': problem } } },
    '/v1/bookings/search': { get: { responses: { '200': { content: { 'application/json': { schema: { type: 'array', items: { type: 'string' } } } } } } } },
    '/v1/bookings/{id}/cancel': { post: { responses: { '204': { description: 'canceled' } } } },
  },
  components: {
    responses: { Booking: { description: 'a booking', content: { 'application/json': { schema: { $ref: '#/components/schemas/Booking' } } } } },
    schemas: {
      Booking: {
        type: 'object',
        required: ['id', 'slot', 'note'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', format: 'uuid', example: '0b7d0b2e-7d3c-4c6a-9a39-52b2d3a1b1f1' },
          slot: { type: 'object', required: ['start'], properties: { start: { type: 'string', format: 'date-time' } } },
          note: { type: 'string', nullable: true },
          status: { type: 'string', enum: ['PENDING', 'CONFIRMED'] },
          // A property may be named like an OpenAPI keyword.
          example: { type: 'integer', format: 'int32' },
        },
      },
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status', 'detail', 'errors'],
        properties: {
          type: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          errors: { type: 'array', items: { type: 'object', required: ['field', 'reason'], properties: { field: { type: 'string' }, reason: { type: 'string' } } } },
        },
      },
    },
  },
};

const booking = { id: '0b7d0b2e-7d3c-4c6a-9a39-52b2d3a1b1f1', slot: { start: '2026-03-28T10:00:00Z' }, note: null, status: 'PENDING', example: 3 };
const notFound = { type: 'urn:kairos:problem:not-found', title: 'Not Found', status: 404, detail: 'no such booking', errors: [] };
const JSON_TYPE = 'application/json; charset=utf-8';
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

const answer = (method: string, path: string, status: number, body: unknown, headers: Record<string, string> = { 'content-type': JSON_TYPE }): Exchange => ({
  method,
  path,
  status,
  headers,
  body: body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body),
});

const check = (exchange: Exchange) => new OpenApiConformance(document).check(exchange).map(describeViolation);

describe('OpenApiConformance', () => {
  it('passes answers that match their operation, status, media type, schema and headers', () => {
    expect(check(answer('POST', '/v1/bookings', 201, booking, { 'content-type': JSON_TYPE, 'kairos-position': '12' }))).toEqual([]);
    expect(check(answer('GET', '/v1/bookings/0b7d0b2e?minPosition=12', 200, { ...booking, note: 'window seat' }))).toEqual([]);
    expect(check(answer('GET', '/v1/bookings/0b7d0b2e', 404, notFound, { 'content-type': PROBLEM_TYPE }))).toEqual([]);
    expect(check(answer('POST', '/v1/bookings/0b7d0b2e/cancel', 204, undefined, {}))).toEqual([]);
  });

  it('reports a status the operation does not document', () => {
    expect(check(answer('POST', '/v1/bookings', 409, notFound, { 'content-type': PROBLEM_TYPE }))).toEqual(['POST /v1/bookings 409: status not documented (documented: 201, 400)']);
  });

  it('reports a body that does not match the schema, saying where', () => {
    const wrong = { ...booking, slot: { start: 1_700_000_000 }, status: 'LOST', extra: true };
    expect(check(answer('GET', '/v1/bookings/0b7d0b2e', 200, wrong))).toEqual([
      "GET /v1/bookings/{id} 200: (body) has unexpected property 'extra'; /slot/start must be string; /status must be equal to one of the allowed values: [\"PENDING\",\"CONFIRMED\"]",
    ]);
  });

  it('reads nullable as a null alternative, and formats as OpenAPI gives them', () => {
    expect(check(answer('GET', '/v1/bookings/0b7d0b2e', 200, { ...booking, note: 7 }))).toEqual(['GET /v1/bookings/{id} 200: /note must be string,null']);
    expect(check(answer('GET', '/v1/bookings/0b7d0b2e', 200, { ...booking, id: 'b-1', example: 2 ** 31 }))).toEqual([
      'GET /v1/bookings/{id} 200: /id must match format "uuid"; /example must match format "int32"',
    ]);
  });

  it('reports a content type the response does not document', () => {
    expect(check(answer('GET', '/v1/bookings/0b7d0b2e', 404, notFound))).toEqual(['GET /v1/bookings/{id} 404: content-type application/json, documented application/problem+json']);
    expect(check(answer('GET', '/v1/bookings/0b7d0b2e', 200, '<html/>', { 'content-type': 'text/html' }))).toEqual(['GET /v1/bookings/{id} 200: content-type text/html, documented application/json']);
  });

  it('reports a required response header that is missing or does not match its schema', () => {
    expect(check(answer('POST', '/v1/bookings', 201, booking))).toEqual(['POST /v1/bookings 201: header Kairos-Position missing']);
    expect(check(answer('POST', '/v1/bookings', 201, booking, { 'content-type': JSON_TYPE, 'kairos-position': 'soon' }))).toEqual([
      'POST /v1/bookings 201: header Kairos-Position: "soon" must be integer',
    ]);
  });

  it('reports a body where none is documented, and none where one is', () => {
    expect(check(answer('POST', '/v1/bookings/0b7d0b2e/cancel', 204, booking))).toEqual(['POST /v1/bookings/{id}/cancel 204: a body (application/json) where the document says there is none']);
    expect(check(answer('GET', '/v1/bookings/0b7d0b2e', 200, undefined))).toEqual(['GET /v1/bookings/{id} 200: no body where the document gives a schema']);
  });

  it('prefers a literal segment to a parameter when both templates match', () => {
    expect(check(answer('GET', '/v1/bookings/search', 200, ['a']))).toEqual([]);
    expect(check(answer('GET', '/v1/bookings/search', 200, booking))).toEqual(['GET /v1/bookings/search 200: (body) must be array']);
  });

  it('holds an answer no operation documents to the Problem schema, and skips the ops endpoints', () => {
    expect(check(answer('GET', '/v1/nothing', 404, notFound, { 'content-type': PROBLEM_TYPE }))).toEqual([]);
    expect(check(answer('DELETE', '/v1/bookings', 404, notFound, { 'content-type': PROBLEM_TYPE }))).toEqual([]);
    expect(check(answer('GET', '/v1/nothing', 404, { error: 'Not Found' }, { 'content-type': PROBLEM_TYPE }))).toEqual([
      "GET (unknown path) 404: (body) must have required property 'type'; (body) must have required property 'title'; (body) must have required property 'status' (+2 more)",
    ]);
    expect(check(answer('DELETE', '/v1/bookings', 404, 'Not Found', { 'content-type': 'text/html' }))).toEqual([
      'DELETE /v1/bookings (no such operation) 404: content-type text/html, expected application/problem+json for a path the document lacks',
    ]);
    expect(check(answer('GET', '/metrics', 200, '# HELP', { 'content-type': 'text/plain' }))).toEqual([]);
    expect(check(answer('GET', '/health/ready', 503, { down: ['kafka'] }))).toEqual([]);
  });
});

describe('ConformanceLog', () => {
  it('records what a server answered and throws every departure at once', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/docs-json') return void res.setHeader('content-type', JSON_TYPE).end(JSON.stringify(document));
      const search = req.url!.startsWith('/v1/bookings/search');
      res.statusCode = search ? 200 : 409;
      res.setHeader('content-type', JSON_TYPE);
      res.write('["a"');
      res.end(search ? ']' : ', 1]');
    });
    const log = new ConformanceLog();
    log.recordServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await log.fetch(`${base}/v1/bookings/search`);
      await log.fetch(`${base}/v1/bookings/search?page=2`);
      expect(await (await log.fetch(`${base}/v1/bookings`, { method: 'POST' })).json()).toEqual(['a', 1]);
      // Each answer twice: the server's record and the client's.
      await expect(log.verify()).rejects.toThrow(
        '2 answers depart from the OpenAPI document (/docs-json):\nPOST /v1/bookings 409: status not documented (documented: 201, 400) (2×, e.g. POST /v1/bookings)',
      );
      await expect(log.verify()).resolves.toBeUndefined();
    } finally {
      server.close();
    }
  });

  it('cannot pass answers unchecked when it never got the document', async () => {
    const log = new ConformanceLog();
    log.record({ method: 'GET', path: '/v1/bookings/search', status: 200, headers: {}, body: '[]' });
    await expect(log.verify()).rejects.toThrow('1 answers recorded but the service');
  });
});
