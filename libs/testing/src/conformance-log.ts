import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Exchange, OpenApiConformance, Violation, describeViolation } from './openapi-conformance';
import { Json } from './openapi-schema';

type HeaderValue = string | string[] | number | undefined;

const lowerCased = (headers: Iterable<[string, HeaderValue]>): Record<string, string> =>
  Object.fromEntries([...headers].filter(([, v]) => v !== undefined).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)]));

/** One line per kind of departure, most frequent first, with how often and a request that got it. */
const summarize = (violations: Violation[]): string[] => {
  const groups = new Map<string, { count: number; request: string }>();
  for (const v of violations) {
    const line = describeViolation(v);
    const group = groups.get(line) ?? { count: 0, request: v.request };
    group.count++;
    groups.set(line, group);
  }
  return [...groups.entries()].sort(([, a], [, b]) => b.count - a.count).map(([line, g]) => `${line} (${g.count}×, e.g. ${g.request})`);
};

/** Every log made in this module registry: one test file's, as Jest keeps a registry per file. */
const logs = new Set<ConformanceLog>();

/**
 * Every answer a suite received, to be checked against the OpenAPI document the service serves at
 * /docs-json. Each log joins those `verifyRecordedAnswers` checks once the suite is done.
 */
export class ConformanceLog {
  private readonly exchanges: Exchange[] = [];
  private document?: Promise<Json>;

  constructor() {
    logs.add(this);
  }

  record(exchange: Exchange): void {
    this.exchanges.push(exchange);
  }
  /** The document to check against. */
  useDocument(document: Json): void {
    this.document = Promise.resolve(document);
  }

  /**
   * `fetch`, recording what it answered; the first answer also has the service's document fetched
   * from the same origin, while the service is known to be up.
   */
  readonly fetch = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const response = await fetch(url, init);
    const body = await response
      .clone()
      .text()
      .catch(() => undefined);
    const { origin, pathname, search } = new URL(url);
    // A body cut off (the service killed while answering) is no answer to check.
    if (body !== undefined) {
      this.record({ method: init.method ?? 'GET', path: pathname + search, status: response.status, headers: lowerCased(response.headers.entries()), body });
    }
    if (!this.document) {
      const document = fetch(`${origin}/docs-json`).then((r) => (r.ok ? (r.json() as Promise<Json>) : Promise.reject(new Error(`GET /docs-json answered ${r.status}`))));
      this.document = document;
      // Not up after all: the next answer tries again.
      document.catch(() => this.document === document && (this.document = undefined));
    }
    return response;
  };

  /** Records every answer `server` sends, whoever the client (supertest, fetch, a fuzzer). */
  recordServer(server: Server): void {
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      const path = req.url ?? '';
      const chunks: Buffer[] = [];
      const keep = (chunk: unknown, encoding: unknown) => {
        if (typeof chunk === 'string') chunks.push(Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
        else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
      };
      const write = res.write.bind(res) as (...args: unknown[]) => boolean;
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.write = ((chunk: unknown, ...rest: unknown[]) => (keep(chunk, rest[0]), write(chunk, ...rest))) as typeof res.write;
      res.end = ((chunk: unknown, ...rest: unknown[]) => (keep(chunk, rest[0]), end(chunk, ...rest))) as typeof res.end;
      res.on('finish', () =>
        this.record({
          method: req.method ?? 'GET',
          path,
          status: res.statusCode,
          headers: lowerCased(Object.entries(res.getHeaders())),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
  }

  /** Every departure from the document of the answers recorded since the last call. */
  async violations(): Promise<Violation[]> {
    const exchanges = this.exchanges.splice(0);
    if (exchanges.length === 0) return [];
    if (!this.document) throw new Error(`${exchanges.length} answers recorded but the service's OpenAPI document was never fetched`);
    const conformance = new OpenApiConformance(await this.document);
    return exchanges.flatMap((e) => conformance.check(e));
  }
}

/**
 * Checks what every log recorded: one error lists every departure, grouped. Run after each e2e suite
 * (test/conformance.setup.ts), once its apps are stopped.
 */
export const verifyRecordedAnswers = async (): Promise<void> => {
  const violations: Violation[] = [];
  for (const log of logs) violations.push(...(await log.violations()));
  if (violations.length === 0) return;
  throw new Error(`${violations.length} answers depart from the OpenAPI document (/docs-json):\n${summarize(violations).join('\n')}`);
};
