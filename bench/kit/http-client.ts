import * as http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Answer<T = any> {
  status: number;
  /** Parsed when the answer says it is JSON, else the text. */
  body: T;
  /** Kairos-Position: how far the log is after a write, or how far the read model was for a read. */
  position: number | null;
  text: string;
  /** From the request sent to the last byte parsed. */
  ms: number;
}

export interface HttpClientOptions {
  tenant: string;
  /** Concurrent sockets of its keep-alive agent: 1 makes a client that waits for each answer. */
  maxSockets?: number;
  /** A request that takes longer fails (rejects); none by default. */
  timeoutMs?: number;
  headers?: http.OutgoingHttpHeaders;
}

/**
 * A tenant's client of the service over node:http with a keep-alive agent: lighter than fetch on a
 * two-core machine, where the load generator shares the cores with what it measures.
 */
export class HttpClient {
  private readonly agent: http.Agent;

  constructor(
    readonly port: number,
    private readonly options: HttpClientOptions,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 });
  }

  /** Rejects only when no answer came (a broken connection, the timeout). */
  call<T = any>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: http.OutgoingHttpHeaders = { 'kairos-tenant': this.options.tenant, ...this.options.headers };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    const begin = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: this.port, method, path, agent: this.agent, headers, timeout: this.options.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const position = res.headers['kairos-position'];
          let parsed: unknown;
          try {
            parsed = text && String(res.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : text;
          } catch {
            parsed = text;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as T, position: position === undefined ? null : Number(position), text, ms: performance.now() - begin });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** The answer of a request that must succeed; anything but a 2xx throws with what the service said. */
  async ok<T = any>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    return succeeded(method, path, await this.call<T>(method, path, body));
  }

  /**
   * As ok(), asked again (for up to `timeoutMs`) while the service answers 503: its read model is not
   * at the position yet, or a store is out of reach for a moment; on a busy machine either can
   * outlast the service's own wait. For reads only: a write asked again could be recorded twice.
   */
  async okOnceAvailable<T = any>(method: string, path: string, body?: unknown, timeoutMs = 120_000): Promise<Answer<T>> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const answer = await this.call<T>(method, path, body);
      if (answer.status !== 503 || performance.now() > deadline) return succeeded(method, path, answer);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  close(): void {
    this.agent.destroy();
  }
}

const succeeded = <T>(method: string, path: string, answer: Answer<T>): Answer<T> => {
  if (answer.status < 200 || answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${answer.text.slice(0, 500)}`);
  return answer;
};
