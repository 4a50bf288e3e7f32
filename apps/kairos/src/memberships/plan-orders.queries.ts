import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError } from '@kairos/core';
import { LedgerEntry, PLAN_ORDERS, PLAN_ORDER_LEDGER } from '@kairos/memberships';
import { ReadStore } from '@kairos/read-store';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { READ_STORE } from '../infrastructure/tokens';
import { waitUntilProjected } from '../queries/read-models';

export class GetPlanOrderLedger {
  constructor(readonly ctx: RequestContext, readonly orderId: string, readonly page: { limit: number; cursor?: string | null }, readonly minPosition?: number) {}
}

/** An order's credit movements in the order they happened: grants, expiries, and each booking's redemptions and restorations. */
@QueryHandler(GetPlanOrderLedger)
export class GetPlanOrderLedgerHandler implements IQueryHandler<GetPlanOrderLedger> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute({ ctx, orderId, page, minPosition }: GetPlanOrderLedger) {
    const position = await waitUntilProjected(this.readStore, 'memberships', minPosition);
    if (!(await this.readStore.get(PLAN_ORDERS, ctx.tenant, orderId))) throw new DomainError('not-found', `plan order ${orderId} does not exist`);
    const entries = await this.readStore.find<LedgerEntry>(PLAN_ORDER_LEDGER, ctx.tenant, { where: { orderId }, orderBy: 'at', limit: page.limit, cursor: page.cursor });
    return new Positioned(entries, position);
  }
}
