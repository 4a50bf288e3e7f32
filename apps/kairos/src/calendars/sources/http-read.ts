import { IncomingHttpHeaders, IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { SourceFailure, SourceLimits } from './source';
import { checkCalendarUrl, publicLookup } from './url-guard';

export interface HttpRead {
  url: string;
  /** GET and POST; CalDAV's PROPFIND, REPORT, PUT and DELETE. */
  method: string;
  headers: Record<string, string>;
  body?: string;
  limits: SourceLimits;
  allowPrivateHosts: boolean;
  signal: AbortSignal;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The failure a calendar server's final status means, for statuses a source has no meaning of its own for. */
export const failureForStatus = (status: number, detail: string): SourceFailure => {
  if (status === 401 || status === 403) return new SourceFailure('unauthorized', `${detail}: the server answered ${status}`);
  if (status === 404 || status === 410) return new SourceFailure('not-found', `${detail}: the server answered ${status}`);
  return new SourceFailure('refused', `${detail}: the server answered ${status}`);
};

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ETIMEDOUT', 'EPROTO']);

/**
 * One HTTP exchange with a calendar server, bounded: the whole of it (redirects included) within
 * `limits.timeoutMs`, at most `limits.maxBytes` of body taken (the rest never read), at most five
 * redirects, each target checked as a calendar URL, and the address actually connected to checked
 * too (node:http with a guarding `lookup` rather than fetch, which cannot check it). Credentials
 * are not sent to another origin than the first. Answers the final status, headers and body.
 */
export const httpRead = async (read: HttpRead): Promise<HttpAnswer> => {
  const deadline = AbortSignal.timeout(read.limits.timeoutMs);
  const signal = AbortSignal.any([read.signal, deadline]);
  let method = read.method;
  let body = read.body;
  try {
    let url = await within(checkCalendarUrl(read.url, read.allowPrivateHosts), signal);
    const origin = url.origin;
    for (let redirects = 0; ; redirects += 1) {
      const headers = url.origin === origin ? read.headers : withoutCredentials(read.headers);
      const response = await send(url, method, headers, body, read, signal);
      const location = response.headers.location;
      if (!REDIRECTS.has(response.statusCode ?? 0) || !location) return { status: response.statusCode ?? 0, headers: response.headers, body: await take(response, read.limits.maxBytes) };
      response.resume();
      if (redirects >= MAX_REDIRECTS) throw new SourceFailure('refused', `the calendar server redirected more than ${MAX_REDIRECTS} times`);
      url = await within(checkCalendarUrl(new URL(location, url).href, read.allowPrivateHosts), signal);
      if (response.statusCode === 303 || ((response.statusCode === 301 || response.statusCode === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
    }
  } catch (error) {
    if (error instanceof SourceFailure) throw error;
    if (deadline.aborted) throw new SourceFailure('timeout', `the calendar server did not answer within ${read.limits.timeoutMs} ms`);
    if (read.signal.aborted) throw new SourceFailure('timeout', 'the read was cancelled');
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EPRIVATE') throw new SourceFailure('refused', (error as Error).message);
    if (UNREACHABLE.has(code) || code.startsWith('ERR_TLS') || code.includes('CERT')) throw new SourceFailure('unreachable', `the calendar server cannot be reached: ${code} ${(error as Error).message}`.trim());
    throw new SourceFailure('unreachable', `the calendar server cannot be read: ${(error as Error).message}`);
  }
};

/** A promise given up when the signal aborts: a name lookup takes no signal of its own. */
const within = <T>(promise: Promise<T>, signal: AbortSignal) =>
  new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });

const withoutCredentials = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));

const send = (url: URL, method: string, headers: Record<string, string>, body: string | undefined, read: HttpRead, signal: AbortSignal) =>
  new Promise<IncomingMessage>((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      {
        method,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) },
        signal,
        lookup: publicLookup(read.allowPrivateHosts),
      },
      resolve,
    );
    request.on('error', reject);
    request.end(body);
  });

/** The body, up to `maxBytes`: a longer one is cut off where it passes the bound, never read to its end. */
const take = (response: IncomingMessage, maxBytes: number) =>
  new Promise<Buffer>((resolve, reject) => {
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      response.destroy();
      reject(new SourceFailure('too-large', `the calendar is ${declared} bytes, more than the ${maxBytes} a read takes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        response.destroy();
        reject(new SourceFailure('too-large', `the calendar is more than the ${maxBytes} bytes a read takes`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', reject);
  });
