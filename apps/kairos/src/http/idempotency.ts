import { createHash } from 'node:crypto';
import { NextFunction, Request, Response } from 'express';
import { DomainError, PersonalDataRule, canonicalJson, streamId } from '@kairos/core';
import { EventStore, ExpectedRevision } from '@kairos/event-store';
import { ReadStore } from '@kairos/read-store';
import { KairosConfig } from '../config/config';
import { sendProblem, toProblem } from './problem';
import { KeyedRequest, readRequestContext } from './request-context';

/** Answers of keyed requests that committed nothing (refusals, no-ops), kept for their replay. */
export const IDEMPOTENCY = 'idempotency';
/** The key's record in the event store, appended with the request's events; internal, never published. */
export const KEY_RECORDED = 'idempotency.recorded';
const KEPT_MS = 24 * 60 * 60 * 1000;

/** What a committed request answered, recorded with its events: a retry answers it again. */
export interface KeyRecord {
  requestHash: string;
  /** The request's path: whose answer it is, for sealing (KEY_RECORD_PERSONAL_DATA). */
  path: string;
  status: number;
  location: string | null;
  /** The body as sent, JSON text; null once the contact it was about is erased. */
  body: string | null;
}

const jsonObject = (text: unknown): Record<string, unknown> => {
  try {
    const value = typeof text === 'string' ? (JSON.parse(text) as unknown) : null;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/**
 * The contact an answer is about, whose name, email and phone it may repeat: the contact of a
 * `/v1/contacts/{id}...` path, the one a new contact's answer names, or the body's `contactId`.
 */
const contactOfAnswer = (path: string, body: unknown): string | null => {
  const contactInPath = /^\/v1\/contacts\/([^/]+)/.exec(path)?.[1];
  if (contactInPath) return contactInPath;
  const answer = jsonObject(body);
  if (path === '/v1/contacts' && typeof answer.id === 'string') return answer.id;
  return typeof answer.contactId === 'string' ? answer.contactId : null;
};

/** A recorded answer's body is sealed with the key of the contact it is about, so an erased contact leaves no readable copy in the key's stream. */
export const KEY_RECORD_PERSONAL_DATA: PersonalDataRule = {
  eventType: KEY_RECORDED,
  fields: ['body'],
  subjectOf: (record) => contactOfAnswer(typeof record.path === 'string' ? record.path : '', record.body),
};

type Answer = { status: number; headers: Record<string, string>; body: string };

type StoredAnswer = { id: string; requestHash: string; expiresAt: number; response: Answer };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export const idempotencyStream = (tenant: string, keyId: string) => streamId('idempotency', tenant, keyId);

const keyReused = () =>
  new DomainError('idempotency-key-reused', 'this Idempotency-Key was used with another request', [{ field: 'Idempotency-Key', reason: 'reused with a different request' }]);

const problemType = (text: string): unknown => jsonObject(text).type;

/**
 * `Idempotency-Key` on state-changing requests (api.md §1), kept per tenant + method + path for 24 h:
 * the same request replays the first answer, another is 422, a duplicate while the first still runs
 * in this process is 409.
 *
 * A request that changes something records the key and its answer in its own append (EventSourcing
 * .commit): the event store alone says whether the key was used, so a crash between the commit and
 * the answer loses nothing, and of two attempts running at once (two instances, or a retry after a
 * crash racing a slow first attempt) only one can commit; the other answers what that one did. A
 * request that changed nothing (a refusal, a no-op) keeps its answer in the read store; running it
 * again could not have done harm, so nothing more is needed there.
 */
export const idempotencyMiddleware = (eventStore: EventStore, readStore: ReadStore, config: Pick<KairosConfig, 'auth' | 'jwtSecret'>, now: () => Date) => {
  const running = new Set<string>();

  /** The key's current record, or the revision a new use must expect (`noStream`, or a record past its 24 h). */
  const committedAnswer = async (streamId: string): Promise<{ record: KeyRecord; position: number } | { expected: ExpectedRevision }> => {
    const events = await eventStore.readStream(streamId);
    const last = events[events.length - 1];
    if (!last) return { expected: 'noStream' };
    if (Date.parse(last.metadata.occurredAt) + KEPT_MS < now().getTime()) return { expected: last.streamRevision };
    return { record: last.data as KeyRecord, position: last.position };
  };

  const answerOf = ({ record, position }: { record: KeyRecord; position: number }): Answer => ({
    status: record.status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'kairos-position': String(position), ...(record.location ? { location: record.location } : {}) },
    body: record.body ?? '',
  });

  return async (req: Request & { idempotency?: KeyedRequest }, res: Response, next: NextFunction) => {
    const key = req.header('Idempotency-Key');
    if (!key || !['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method) || !req.path.startsWith('/v1/')) return next();
    const send = res.send.bind(res);
    const replay = (answer: Answer) => {
      res.status(answer.status);
      for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
      res.setHeader('Idempotency-Replayed', 'true');
      send(answer.body);
    };
    try {
      if (key.length > 255) throw new DomainError('validation', 'Idempotency-Key is too long', [{ field: 'Idempotency-Key', reason: 'at most 255 characters' }]);
      const { tenant } = readRequestContext(req, config);
      const id = sha256(`${req.method} ${req.path} ${key}`);
      const streamId = idempotencyStream(tenant, id);
      const requestHash = sha256(canonicalJson([req.originalUrl, req.body ?? null, req.header('If-Match') ?? '']));

      const committed = await committedAnswer(streamId);
      if ('record' in committed) {
        if (committed.record.requestHash !== requestHash) throw keyReused();
        return replay(answerOf(committed));
      }
      const stored = await readStore.get<StoredAnswer>(IDEMPOTENCY, tenant, id);
      if (stored?.response && stored.expiresAt >= now().getTime()) {
        if (stored.requestHash !== requestHash) throw keyReused();
        return replay(stored.response);
      }
      if (running.has(streamId)) throw new DomainError('request-in-progress', 'the first request with this Idempotency-Key is still running');
      running.add(streamId);
      res.once('close', () => running.delete(streamId));

      const keyed: KeyedRequest = { streamId, path: req.path, requestHash, expected: committed.expected, status: 200, committed: false };
      req.idempotency = keyed;
      res.send = ((body?: unknown) => {
        res.send = send;
        const text = typeof body === 'string' || Buffer.isBuffer(body) ? body.toString() : JSON.stringify(body ?? '');
        if (keyed.committed || res.statusCode >= 500) return send(body);
        void (async () => {
          // A refusal may be this attempt losing to another that committed the key meanwhile: that one's answer stands.
          const other = res.statusCode >= 400 ? await committedAnswer(streamId) : null;
          if (other && 'record' in other) {
            if (other.record.requestHash !== requestHash) return sendProblem(res, toProblem(keyReused()));
            return replay(answerOf(other));
          }
          // A revision conflict wrote nothing and may be gone on the next try (lost races on a busy stream): not kept.
          if (res.statusCode === 409 && problemType(text) === 'urn:kairos:problem:revision-conflict') return send(body);
          // An answer about a contact may repeat their name, email and phone: the read store would keep them in clear, out of erasure's reach. Running it again is harmless, since it wrote nothing.
          if (contactOfAnswer(req.path, text) !== null) return send(body);
          const headers = Object.fromEntries(
            ['content-type', 'location', 'kairos-position'].flatMap((name) => (res.getHeader(name) === undefined ? [] : [[name, String(res.getHeader(name))]])),
          );
          const answer: StoredAnswer = {
            id,
            requestHash,
            expiresAt: now().getTime() + KEPT_MS,
            response: { status: res.statusCode, headers, body: text },
          };
          // The first answer stays; one past its 24 h (or left by an older version) gives way.
          if (!(await readStore.insertIfAbsent(IDEMPOTENCY, tenant, { ...answer })) && stored) {
            await readStore.replaceIf(IDEMPOTENCY, tenant, { ...answer }, 'expiresAt', stored.expiresAt);
          }
          send(body);
        })()
          // The answer must still go out when storing it failed; a socket that is gone by then takes nothing.
          .catch(() => (res.headersSent ? undefined : send(body)))
          .catch(() => res.destroy());
        return res;
      }) as Response['send'];
      next();
    } catch (error) {
      sendProblem(res, toProblem(error));
    }
  };
};
