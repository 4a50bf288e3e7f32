import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { CONFIG, KairosConfig } from '../config/config';
import { isQueryByPost } from './admission';
import { minPositionHeader } from './common.dto';
import { KeyedRequest, RequestContext, readRequestContext } from './request-context';

const OPEN = 'kairos:open';
/** Ops endpoints (health, metrics, docs) need no tenant. */
export const Open = () => SetMetadata(OPEN, true);

/** Resolves tenant and actor for every /v1 route before anything else runs; a bad token is 401. */
@Injectable()
export class ContextGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(CONFIG) private readonly config: KairosConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(OPEN, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<Request & { kairos?: RequestContext; idempotency?: KeyedRequest }>();
    const keyed = req.idempotency;
    // A keyed write's record says how its success was answered: the route's code, as Nest will send it.
    if (keyed) keyed.status = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? (req.method === 'POST' ? 201 : 200);
    // A query reads Kairos-Min-Position where it reads its minPosition parameter, which wins.
    const query = req.method === 'GET' || req.method === 'HEAD' || isQueryByPost(context.getHandler());
    const minPosition = query ? undefined : minPositionHeader(req.header('Kairos-Min-Position'));
    req.kairos = { ...readRequestContext(req, this.config), ...(keyed ? { idempotency: keyed } : {}), ...(minPosition === undefined ? {} : { minPosition }) };
    return true;
  }
}
