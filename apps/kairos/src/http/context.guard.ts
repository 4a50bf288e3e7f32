import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { KairosConfig } from '../config/config';
import { CONFIG } from '../infrastructure/tokens';
import { RequestContext, readRequestContext } from './request-context';

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
    const req = context.switchToHttp().getRequest<Request & { kairos?: RequestContext }>();
    req.kairos = readRequestContext(req, this.config);
    return true;
  }
}
