import { Rng } from './rng';
import { FuzzRequest, RequestDraft, assemble } from './valid-requests';

/**
 * Spoiling a valid request in one way: a body value, a path id, a query string, a header, a
 * content type, an encoding, the JSON itself, a size. Seven in ten requests are spoiled.
 */

/** Strings no store can hold, or that trip parsers and validators. */
const HOSTILE_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\ud83d',
  '',
  ' ',
  '%00',
  '\\u0000',
  "'; drop table kairos_events; --",
  '../../etc/passwd',
  '2026-W01-1',
  '2026-001',
  '2026-13-45T99:99:99Z',
  '+275760-09-13T00:00:00Z',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '99999999999999999999',
  '0x10',
  'true',
  'null',
  '{}',
  '[]',
  '\u202e\u0301\ufeff',
  '😀'.repeat(50),
  'a'.repeat(5_000),
  '@',
  'a@b',
  '\u0000@example.com',
  '\ud800@example.com',
  'FREQ=SECONDLY;COUNT=999999999',
  'FREQ=DAILY;UNTIL=99991231T000000Z',
  'Etc/GMT+99',
  'EST',
];

const HOSTILE_VALUES: unknown[] = [
  ...HOSTILE_STRINGS,
  null,
  true,
  false,
  0,
  -1,
  -0,
  1.5,
  2 ** 31,
  2 ** 53,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
  [],
  [null],
  {},
  { nested: { deeper: ['x'] } },
];

const HOSTILE_PATH_IDS = ['%00', 'a%00b', 'not-a-uuid', '1', '%ED%A0%80', '%C0%AF', '%', '%zz', '..', '%2e%2e', '%2F', 'x'.repeat(2_000), '00000000-0000-0000-0000-000000000000'];

const HOSTILE_QUERY_VALUES = ['%00', '%ED%A0%80', '', '-1', '1.5', 'abc', '99999999999999999999', '9007199254740993', 'true', 'TRUE', '2026-W01-1', 'x'.repeat(3_000), '%', '%zz'];

const deepJson = (depth: number) => `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;

const spoilBody = (rng: Rng, body: unknown): unknown => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return rng.pick(HOSTILE_VALUES);
  const keys = Object.keys(body);
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  if (!keys.length || rng.chance(0.1)) return { ...copy, [rng.pick(['name', 'type', 'serviceId', 'from', 'to', 'slot'])]: rng.pick(HOSTILE_VALUES) };
  const key = rng.pick(keys);
  copy[key] = typeof copy[key] === 'object' && copy[key] !== null && rng.chance(0.5) ? spoilBody(rng, copy[key]) : rng.pick(HOSTILE_VALUES);
  return copy;
};

/** The body with one string, somewhere in it, holding `bad`. */
const plant = (rng: Rng, body: unknown, bad: string): unknown => {
  if (typeof body === 'string') return `${body}${bad}`;
  if (typeof body !== 'object' || body === null) return bad;
  const entries = Object.entries(body);
  if (!entries.length) return Array.isArray(body) ? [bad] : { name: bad };
  const [key, child] = rng.pick(entries);
  const copy = Array.isArray(body) ? [...body] : { ...body };
  (copy as Record<string, unknown>)[key] = typeof child === 'object' && child !== null ? plant(rng, child, bad) : typeof child === 'string' ? `${child}${bad}` : bad;
  return copy;
};

/** The draft as it is (three times in ten) or spoiled in one way, with whether a handler must refuse it. */
export const spoil = (rng: Rng, draft: RequestDraft): FuzzRequest => {
  const { operation, pathParams } = draft;
  const roll = rng.next();
  if (roll < 0.3) return assemble(draft, 'valid');
  if (roll < 0.45 && draft.body !== undefined) {
    draft.body = spoilBody(rng, draft.body);
    return assemble(draft, 'body value');
  }
  if (roll < 0.52 && draft.body !== undefined) {
    const bad = rng.pick(['\u0000', 'x\ud800y', '\udc00']);
    draft.body = plant(rng, draft.body, bad);
    return assemble(draft, 'unstorable string', true);
  }
  if (roll < 0.57) {
    const key = rng.pick(['__proto__', 'constructor', 'prototype', 'unknownField', 'Name', 'a\u0000']);
    const text = (draft.body === undefined ? '{}' : JSON.stringify(draft.body)).replace(/^\{/, `{${JSON.stringify(key)}:${rng.pick(['1', '{"hidden":true}', '"x"', 'null'])},`).replace(',}', '}');
    const refusedAnywhere = ['__proto__', 'constructor', 'prototype', 'a\u0000'].includes(key);
    return assemble(draft, `key ${JSON.stringify(key)}`, refusedAnywhere || operation.body !== undefined, Buffer.from(text));
  }
  if (roll < 0.65 && pathParams.length) {
    draft.values[rng.pick(pathParams).name] = rng.chance(0.8) ? rng.pick(HOSTILE_PATH_IDS) : rng.uuid();
    return assemble(draft, 'path id');
  }
  if (roll < 0.72) {
    const known = operation.parameters.filter((p) => p.in === 'query');
    const name = known.length && rng.chance(0.8) ? rng.pick(known).name : rng.pick(['unknown', '__proto__', 'tag[]', '%00', 'limit']);
    draft.query.push([name, rng.pick(HOSTILE_QUERY_VALUES)]);
    if (rng.chance(0.2)) draft.query.push([name, rng.pick(HOSTILE_QUERY_VALUES)]);
    return assemble(draft, 'query');
  }
  const { headers } = draft;
  if (roll < 0.78) {
    const [name, value] = rng.pick<[string, string]>([
      ['If-Match', rng.pick(['abc', '0', '-1', '"1"', 'W/"1"', '1.5', '99999999999999999999', '*', ''])],
      ['Kairos-Min-Position', rng.pick(['-1', 'abc', '1.5', '99999999999999999999', '', '0x10'])],
      ['Idempotency-Key', rng.pick(['x'.repeat(300), 'é', 'k', ''])],
      ['Kairos-Tenant', rng.pick(['', 'bad tenant', 'x'.repeat(65), '../x', 'é'])],
      ['Kairos-Actor', rng.pick(['CUSTOMER', 'ADMIN', ''])],
      ['Authorization', rng.pick(['Bearer x.y.z', 'Basic abc', 'Bearer'])],
      ['Accept', rng.pick(['text/html', 'application/xml', '*/*', 'nonsense'])],
    ]);
    headers[name] = value;
    return assemble(draft, `header ${name}`);
  }
  const text = draft.body === undefined ? '{}' : JSON.stringify(draft.body);
  if (roll < 0.86) {
    const [type, refused] = rng.pick<[string | undefined, boolean]>([
      ['text/plain', true],
      ['application/x-www-form-urlencoded', true],
      ['multipart/form-data; boundary=x', true],
      ['application/xml', true],
      [undefined, true],
      ['application/json; charset=latin1', true],
      ['application/json; charset=foo', true],
      ['application/json; charset=utf-16', true],
      ['application/json; charset=UTF-8', false],
      ['APPLICATION/JSON', false],
      ['application/merge-patch+json', true],
    ]);
    if (type === undefined) delete headers['Content-Type'];
    else headers['Content-Type'] = type;
    return assemble(draft, `content type ${type ?? 'missing'}`, refused, Buffer.from(text));
  }
  if (roll < 0.9) {
    headers['Content-Encoding'] = rng.pick(['x-foo', 'gzip', 'deflate', 'br', 'gzip, x-foo', 'identity']);
    const plainIsValid = headers['Content-Encoding'] === 'identity';
    return assemble(draft, `content encoding ${headers['Content-Encoding']}`, !plainIsValid, Buffer.from(text));
  }
  if (roll < 0.96) {
    const [name, raw] = rng.pick<[string, string]>([
      ['truncated JSON', text.slice(0, Math.max(1, text.length - 3))],
      ['not JSON', 'name=x&type=y'],
      ['JSON null', 'null'],
      ['JSON array', `[${text}]`],
      ['JSON number', '42'],
      ['JSON string', '"x"'],
      ['trailing garbage', `${text}x`],
      ['duplicate keys', text.replace(/^\{/, '{"name":"a","name":"b",').replace(',}', '}')],
      ['byte order mark', `\ufeff${text}`],
      ['deep nesting', deepJson(rng.pick([40, 1_000, 10_000]))],
      ['invalid UTF-8', '{"name":"\xff\xfe"}'],
    ]);
    const mustRefuse = ['truncated JSON', 'not JSON', 'trailing garbage', 'deep nesting', 'JSON null', 'JSON number', 'JSON string'].includes(name);
    return assemble(draft, name, mustRefuse, Buffer.from(raw, name === 'invalid UTF-8' ? 'latin1' : 'utf8'));
  }
  // Sizes: an empty body, a long string within the limit, and a body past it.
  const size = rng.pick([0, 20_000, 600_000, 1_100_000]);
  if (size === 0) return assemble(draft, 'empty body', false, Buffer.alloc(0));
  const body = draft.body;
  const padded = JSON.stringify({ ...(typeof body === 'object' && body ? body : {}), name: 'x'.repeat(size) });
  return assemble(draft, `body of ${size} bytes`, size > 1_000_000, Buffer.from(padded));
};
