import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Request } from 'express';
import { Actor, DomainError, ParticipantNotification, newId } from '@kairos/core';
import { ExpectedRevision } from '@kairos/event-store';
import { KairosConfig } from '../config/config';
import { isStorable } from './validation';

/** Who asks, for which tenant: scopes every id and stamps every event. */
export interface RequestContext {
  tenant: string;
  actor: Actor;
  correlationId: string;
  /** What a booking or session write said about telling its participants; it goes into the metadata of every event the write appends. */
  participantNotification?: ParticipantNotification;
  /** A write with an Idempotency-Key: its first append records the key and the answer (idempotency.ts). */
  idempotency?: KeyedRequest;
  /** A write's `Kairos-Min-Position`: a refusal made on read models behind it waits for them (handleCommand). */
  minPosition?: number;
}

export interface KeyedRequest {
  /** `idempotency:<tenant>:<key id>`: whoever appends to it first owns the key. */
  streamId: string;
  /** The request's path, recorded with the key: whose answer it is. */
  path: string;
  requestHash: string;
  /** `noStream`, or the revision of a record past its time that this request takes over. */
  expected: ExpectedRevision;
  /** The status the route answers a success with. */
  status: number;
  /** Set once an append of this request recorded the key; later appends of the request leave it out. */
  committed: boolean;
}

const TENANT = /^[A-Za-z0-9_-]{1,64}$/;

const unauthenticated = (detail: string) => new DomainError('unauthenticated', detail);

const verifyHs256 = (token: string, secret: string): Record<string, unknown> => {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) throw unauthenticated('malformed bearer token');
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw unauthenticated('bad token signature');
  const { alg } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string };
  if (alg !== 'HS256') throw unauthenticated('unsupported token algorithm');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) throw unauthenticated('token expired');
  return claims;
};

export const readRequestContext = (req: Request, config: Pick<KairosConfig, 'auth' | 'jwtSecret'>): RequestContext => {
  const correlationId = (req.header('X-Correlation-Id') ?? '').slice(0, 128) || newId();
  let tenant: unknown;
  let actor: Actor = { type: 'BUSINESS' };
  if (config.auth === 'jwt') {
    const auth = req.header('Authorization') ?? '';
    if (!auth.startsWith('Bearer ')) throw unauthenticated('a Bearer token is required');
    const claims = verifyHs256(auth.slice(7), config.jwtSecret!);
    tenant = claims.tenant;
    if (claims.actor !== 'BUSINESS' && claims.actor !== 'CUSTOMER') throw unauthenticated('the token has no actor BUSINESS or CUSTOMER');
    // The actor's id goes into every event it causes: a token may name none, but not one no event can hold.
    if (typeof claims.sub === 'string' && !isStorable(claims.sub)) throw unauthenticated('the token names no valid subject');
    actor = { type: claims.actor, id: typeof claims.sub === 'string' ? claims.sub : undefined };
  } else {
    tenant = req.header('Kairos-Tenant');
    const actorType = req.header('Kairos-Actor');
    if (actorType === 'CUSTOMER') actor = { type: 'CUSTOMER' };
  }
  if (typeof tenant !== 'string' || !TENANT.test(tenant)) {
    throw unauthenticated(config.auth === 'jwt' ? 'the token names no valid tenant' : 'the Kairos-Tenant header is missing or not [A-Za-z0-9_-]{1,64}');
  }
  return { tenant, actor, correlationId };
};

/** The context of a write that said whether to tell its participants (and what). */
export const notifying = (ctx: RequestContext, participantNotification: ParticipantNotification | undefined): RequestContext =>
  participantNotification ? { ...ctx, participantNotification } : ctx;

/** The caller's context, resolved once per request by the context middleware. */
export const Ctx = createParamDecorator((_: unknown, host: ExecutionContext): RequestContext => {
  const req = host.switchToHttp().getRequest<Request & { kairos?: RequestContext }>();
  if (!req.kairos) throw new Error('request context missing: is the route outside /v1?');
  return req.kairos;
});
