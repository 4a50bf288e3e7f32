import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Request } from 'express';
import { DomainError } from '@kairos/core';
import { RequestContext } from '../http/request-context';

/**
 * Contacts are the business's records of its customers, notes included, and calendar connections
 * hold its staff's calendars and their credentials: a CUSTOMER may not read or change them (403),
 * whatever the request carries, so this runs before the body is validated. The context guard,
 * global, has resolved the actor by then.
 */
@Injectable()
export class BusinessOnlyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { kairos } = context.switchToHttp().getRequest<Request & { kairos?: RequestContext }>();
    if (kairos?.actor.type !== 'BUSINESS') throw new DomainError('forbidden', 'only the business may see or change this');
    return true;
  }
}
