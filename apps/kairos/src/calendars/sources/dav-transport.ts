import { getBasicAuthHeaders } from 'tsdav';
import { HttpAnswer, httpRead } from './http-read';
import { SourceConnection, SourceFailure, SourceOptions } from './source';

/** Statuses whose answer has no body (the Response constructor refuses one). */
const NULL_BODY = new Set([204, 205, 304]);

/** The server refused a sync token (RFC 6578 §3.2 valid-sync-token: expired, or of another collection). */
export class StaleSyncToken extends Error {}

/** The server answered 412: the entry changed since its ETag was taken (If-Match), or already exists (If-None-Match: *). */
export class PreconditionFailed extends Error {}

/**
 * The HTTP of one CalDAV read or write, given to tsdav as its `fetch`: each request an `httpRead`
 * (addresses and redirects checked, credentials kept to the first origin), all of them within one
 * deadline (limits.timeoutMs) and one byte budget (limits.maxBytes), Basic auth from the
 * connection, and an HTTP error turned into the failure a connection shows.
 */
export class DavTransport {
  readonly headers: Record<string, string>;
  readonly fetch: typeof fetch;
  private readonly deadline: number;
  private bytesLeft: number;

  constructor(
    private readonly options: SourceOptions,
    connection: Pick<SourceConnection, 'username' | 'secret'>,
    private readonly signal: AbortSignal,
  ) {
    this.deadline = Date.now() + options.limits.timeoutMs;
    this.bytesLeft = options.limits.maxBytes;
    const { username, secret } = connection;
    this.headers = username !== null || secret !== null ? getBasicAuthHeaders({ username: username ?? '', password: secret ?? '' }) : {};
    this.fetch = ((input: string | URL | Request, init?: RequestInit) => this.send(input instanceof Request ? input.url : String(input), init ?? {})) as typeof fetch;
  }

  /** An error thrown while using the transport, as the failure the connection shows; `otherwise` for what tsdav throws itself. */
  failureOf(error: unknown, otherwise: () => SourceFailure): SourceFailure {
    if (error instanceof SourceFailure) return error;
    if (this.signal.aborted || Date.now() >= this.deadline) return this.timeout();
    return otherwise();
  }

  async send(url: string, init: RequestInit): Promise<Response> {
    const timeoutMs = this.deadline - Date.now();
    if (timeoutMs <= 0) throw this.timeout();
    let answer: HttpAnswer;
    try {
      answer = await httpRead({
        url,
        method: init.method ?? 'GET',
        headers: Object.fromEntries(new Headers(init.headers).entries()),
        body: typeof init.body === 'string' ? init.body : undefined,
        limits: { ...this.options.limits, timeoutMs, maxBytes: this.bytesLeft },
        allowPrivateHosts: this.options.allowPrivateHosts,
        signal: this.signal,
      });
    } catch (error) {
      // httpRead was given what is left of the read's bounds; the failure names the read's own.
      if (error instanceof SourceFailure && error.reason === 'too-large') throw new SourceFailure('too-large', `the calendar's answers exceed the ${this.options.limits.maxBytes} bytes a read takes`);
      if (error instanceof SourceFailure && error.reason === 'timeout') throw this.timeout();
      throw error;
    }
    this.bytesLeft -= answer.body.length;
    const body = answer.body.toString('utf8');
    if (answer.status < 200 || answer.status >= 300) throw this.statusFailure(answer.status, url, body);
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    return new Response(NULL_BODY.has(answer.status) ? null : body, { status: answer.status, headers });
  }

  private timeout() {
    return new SourceFailure('timeout', `the calendar did not answer within ${this.options.limits.timeoutMs} ms`);
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
