import { createHash, randomUUID } from 'node:crypto';
import { NextFunction, Request, Response } from 'express';
import { DomainError } from '@kairos/core';
import { ReadStore } from '@kairos/read-store';
import { KairosConfig } from '../config/config';
import { sendProblem, toProblem } from './problem';
import { readRequestContext } from './request-context';

export const IDEMPOTENCY = 'idempotency';
const KEPT_MS = 24 * 60 * 60 * 1000;
/** A "running" record older than this belongs to a process that died mid-request; the retry takes over. */
const ABANDONED_MS = 60 * 1000;
const REPLAYED_HEADERS = ['content-type', 'location', 'kairos-position'];

type IdempotencyRecord = {
  id: string;
  owner: string;
  state: 'running' | 'done' | 'failed';
  requestHash: string;
  startedAt: number;
  expiresAt: number;
  response?: { status: number; headers: Record<string, string>; body: string };
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * `Idempotency-Key` on state-changing requests (api.md §1), kept per tenant + method + path for 24 h:
 * the same body replays the first answer, another body is 422, a first attempt still running is 409.
 * The answer is stored before it is sent, so a client that saw it will always get it again.
 */
export const idempotencyMiddleware = (readStore: ReadStore, config: Pick<KairosConfig, 'auth' | 'jwtSecret'>, now: () => Date) =>
  async (req: Request, res: Response, next: NextFunction) => {
    const key = req.header('Idempotency-Key');
    if (!key || !['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method) || !req.path.startsWith('/v1/')) return next();
    try {
      if (key.length > 255) throw new DomainError('validation', 'Idempotency-Key is too long', [{ field: 'Idempotency-Key', reason: 'at most 255 characters' }]);
      const { tenant } = readRequestContext(req, config);
      const id = sha256(`${req.method} ${req.path} ${key}`);
      const requestHash = sha256(`${req.originalUrl}\n${JSON.stringify(req.body ?? null)}\n${req.header('If-Match') ?? ''}`);
      const at = now().getTime();
      const mine: IdempotencyRecord = { id, owner: randomUUID(), state: 'running', requestHash, startedAt: at, expiresAt: at + KEPT_MS };

      if (!(await readStore.insertIfAbsent(IDEMPOTENCY, tenant, { ...mine }))) {
        const existing = await readStore.get<IdempotencyRecord>(IDEMPOTENCY, tenant, id);
        const stale =
          !existing || existing.expiresAt < at || existing.state === 'failed' || (existing.state === 'running' && existing.startedAt < at - ABANDONED_MS);
        if (!existing || !stale) {
          if (existing?.requestHash !== requestHash) {
            throw new DomainError('idempotency-key-reused', 'this Idempotency-Key was used with another request', [
              { field: 'Idempotency-Key', reason: 'reused with a different request' },
            ]);
          }
          if (existing.state === 'running' || !existing.response) {
            throw new DomainError('request-in-progress', 'the first request with this Idempotency-Key is still running');
          }
          res.status(existing.response.status);
          for (const [name, value] of Object.entries(existing.response.headers)) res.setHeader(name, value);
          res.setHeader('Idempotency-Replayed', 'true');
          res.send(existing.response.body);
          return;
        }
        if (!(await readStore.replaceIf(IDEMPOTENCY, tenant, { ...mine }, 'owner', existing.owner))) {
          throw new DomainError('request-in-progress', 'another retry with this Idempotency-Key took over');
        }
      }

      const send = res.send.bind(res);
      res.send = ((body?: unknown) => {
        const text = typeof body === 'string' || Buffer.isBuffer(body) ? body.toString() : JSON.stringify(body ?? '');
        const headers = Object.fromEntries(
          REPLAYED_HEADERS.flatMap((name) => (res.getHeader(name) === undefined ? [] : [[name, String(res.getHeader(name))]])),
        );
        const record: IdempotencyRecord =
          res.statusCode >= 500 ? { ...mine, state: 'failed' } : { ...mine, state: 'done', response: { status: res.statusCode, headers, body: text } };
        readStore
          .replaceIf(IDEMPOTENCY, tenant, { ...record }, 'owner', mine.owner)
          .catch(() => undefined)
          .finally(() => send(body));
        return res;
      }) as Response['send'];
      next();
    } catch (error) {
      sendProblem(res, toProblem(error));
    }
  };
