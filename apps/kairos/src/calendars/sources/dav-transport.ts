import * as http from 'node:http';
import * as https from 'node:https';
import { getBasicAuthHeaders } from 'tsdav';
import { SourceConnection, SourceFailure, SourceOptions } from './source';
import { checkCalendarUrl, publicLookup } from './url-guard';

const MAX_REDIRECTS = 5;
/** Statuses whose answer has no body (the Response constructor refuses one). */
const NULL_BODY = new Set([204, 205, 304]);

/** The server refused a sync token (RFC 6578 §3.2 valid-sync-token: expired, or of another collection). */
export class StaleSyncToken extends Error {}

/** The server answered 412: the entry changed since its ETag was taken (If-Match), or already exists (If-None-Match: *). */
export class PreconditionFailed extends Error {}

/**
 * The HTTP of one CalDAV read or write, given to tsdav as its `fetch`: every address (redirects
 * included) checked like the connection's and connected to only when it resolves to an allowed
 * address, one deadline (limits.timeoutMs) and one byte budget (limits.maxBytes) for all its
 * requests, Basic auth from the connection, and an HTTP error turned into the failure a connection shows.
 */
export class DavTransport {
  readonly signal: AbortSignal;
  readonly headers: Record<string, string>;
  readonly fetch: typeof fetch;
  private bytesLeft: number;

  constructor(
    private readonly options: SourceOptions,
    connection: Pick<SourceConnection, 'username' | 'secret'>,
    signal: AbortSignal,
  ) {
    this.signal = AbortSignal.any([signal, AbortSignal.timeout(options.limits.timeoutMs)]);
    this.bytesLeft = options.limits.maxBytes;
    const { username, secret } = connection;
    this.headers = username !== null || secret !== null ? getBasicAuthHeaders({ username: username ?? '', password: secret ?? '' }) : {};
    this.fetch = ((input: string | URL | Request, init?: RequestInit) => this.send(input instanceof Request ? input.url : String(input), init ?? {})) as typeof fetch;
  }

  /** An error thrown while using the transport, as the failure the connection shows; `otherwise` for what tsdav throws itself. */
  failureOf(error: unknown, otherwise: () => SourceFailure): SourceFailure {
    if (error instanceof SourceFailure) return error;
    if (this.signal.aborted) return this.timeout('the calendar');
    return otherwise();
  }

  async send(address: string, init: RequestInit): Promise<Response> {
    let url = address;
    for (let hop = 0; ; hop++) {
      await checkCalendarUrl(url, this.options.allowPrivateHosts);
      const answer = await this.exchange(url, init);
      const location = answer.status >= 300 && answer.status < 400 ? answer.headers.get('location') : null;
      if (location !== null) {
        // tsdav's service discovery reads the Location of /.well-known/caldav itself.
        if (init.redirect === 'manual') return new Response(null, answer);
        if (hop === MAX_REDIRECTS) throw new SourceFailure('unreachable', `more than ${MAX_REDIRECTS} redirects from ${address}`);
        url = new URL(location, url).href;
        continue;
      }
      if (answer.status < 200 || answer.status >= 300) throw this.statusFailure(answer.status, url, answer.body);
      return new Response(NULL_BODY.has(answer.status) ? null : answer.body, answer);
    }
  }

  /** One HTTP exchange over node:http(s), whose `lookup` refuses private addresses at connect time too (a name that resolves elsewhere by then). */
  private exchange(url: string, init: RequestInit): Promise<{ status: number; statusText: string; headers: Headers; body: string }> {
    const target = new URL(url);
    const transport = target.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        reject(this.transportFailure(url, error));
      };
      const request = transport.request(
        target,
        { method: init.method ?? 'GET', headers: Object.fromEntries(new Headers(init.headers).entries()), lookup: publicLookup(this.options.allowPrivateHosts), signal: this.signal },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => {
            this.bytesLeft -= chunk.length;
            if (this.bytesLeft >= 0) chunks.push(chunk);
            else if (!settled) {
              fail(new SourceFailure('too-large', `the calendar's answers exceed ${this.options.limits.maxBytes} bytes`));
              request.destroy();
            }
          });
          response.on('error', fail);
          response.on('end', () => {
            if (settled) return;
            settled = true;
            const headers = new Headers();
            for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
            resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', headers, body: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      request.on('error', fail);
      request.end(typeof init.body === 'string' ? init.body : undefined);
    });
  }

  private timeout(what: string) {
    return new SourceFailure('timeout', `${what} did not answer within ${this.options.limits.timeoutMs} ms`);
  }

  private transportFailure(url: string, error: Error): SourceFailure {
    if (error instanceof SourceFailure) return error;
    if (this.signal.aborted) return this.timeout(url);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPRIVATE') return new SourceFailure('refused', error.message);
    return new SourceFailure('unreachable', `${url}: ${code ?? error.message}`);
  }

  private statusFailure(status: number, url: string, body: string): Error {
    if ((status === 403 || status === 409) && body.includes('valid-sync-token')) return new StaleSyncToken(body);
    if (status === 412) return new PreconditionFailed(`${url} answered 412`);
    if (status === 401 || status === 403) return new SourceFailure('unauthorized', `${url} answered ${status}`);
    if (status === 404 || status === 410) return new SourceFailure('not-found', `${url} answered ${status}`);
    if (status >= 500) return new SourceFailure('unreachable', `${url} answered ${status}`);
    // 405, 400, 415...: a server that does not speak WebDAV or CalDAV.
    return new SourceFailure('not-a-calendar', `${url} answered ${status}`);
  }
}
