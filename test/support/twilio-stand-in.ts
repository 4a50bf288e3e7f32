import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface StandInRequest {
  accountSid: string;
  authorization: string | undefined;
  idempotencyToken: string | undefined;
  form: Record<string, string>;
}

export interface StandInMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
}

const MESSAGES = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;

/**
 * A local HTTP stand-in of Twilio's Messages API, as far as Kairos uses it: basic auth with the
 * account SID and token, a form body, 201 with the message's `sid`, Twilio's error bodies, and a
 * request repeating an idempotency token it already took answered like the first, creating nothing.
 * A test can make it answer the next requests with an error (`failNext`), or not at all (`hangNext`).
 */
export const twilioStandIn = async (credentials: { accountSid: string; authToken: string }) => {
  const requests: StandInRequest[] = [];
  const messages: StandInMessage[] = [];
  const taken = new Map<string, StandInMessage>();
  const failures: number[] = [];
  let hanging = 0;

  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => resolve(body));
      req.on('error', reject);
    });

  const server: Server = createServer((req, res) => {
    void read(req).then((raw) => {
      const answer = (status: number, body: object) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const route = MESSAGES.exec(req.url ?? '');
      if (req.method !== 'POST' || !route) return answer(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
      const form = Object.fromEntries(new URLSearchParams(raw));
      const request: StandInRequest = {
        accountSid: decodeURIComponent(route[1]),
        authorization: req.headers.authorization,
        idempotencyToken: req.headers['i-twilio-idempotency-token'] as string | undefined,
        form,
      };
      requests.push(request);
      if (hanging > 0) {
        hanging -= 1;
        return;
      }
      const expected = `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString('base64')}`;
      if (request.accountSid !== credentials.accountSid || request.authorization !== expected) {
        return answer(401, { code: 20003, message: 'Authenticate', status: 401 });
      }
      const failure = failures.shift();
      if (failure !== undefined) return answer(failure, { code: failure === 429 ? 20429 : 20500, message: `stand-in answers ${failure}`, status: failure });
      const again = request.idempotencyToken ? taken.get(request.idempotencyToken) : undefined;
      if (again) return answer(201, { ...again, status: 'queued' });
      if (!/^\+[1-9]\d{6,14}$/.test(form.To ?? '')) {
        return answer(400, { code: 21211, message: `The 'To' number ${form.To ?? ''} is not a valid phone number.`, status: 400 });
      }
      const message: StandInMessage = { sid: `SM${randomBytes(16).toString('hex')}`, to: form.To, from: form.From, body: form.Body };
      messages.push(message);
      if (request.idempotencyToken) taken.set(request.idempotencyToken, message);
      return answer(201, { ...message, status: 'queued' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    messages,
    /** The next requests (past authentication) are answered with these statuses, in order. */
    failNext: (...statuses: number[]) => void failures.push(...statuses),
    /** The next requests get no answer at all. */
    hangNext: (count = 1) => void (hanging += count),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
