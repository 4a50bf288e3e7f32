import { Static } from '@sinclair/typebox';
import { DocumentLookup, DocumentWrite, ProjectedEvent, ProjectionDefinition, SYSTEM_TENANT, advance, deleteDoc, eventTypesOf, instant, integer, nullable, oneOf, putDoc, record, text, updatedFields, viewDocuments } from '@kairos/core';
import { PlanEvent, PlanView } from './plan/plan';
import { PlanOrderEvent, PlanOrderView, evolvePlanOrder, nextDueAt } from './plan-order/plan-order';
import { planOrderEvents } from './plan-order/plan-order.events';

export const PLANS = 'plans';
export const PLAN_ORDERS = 'plan_orders';
/** One document per movement of an order's credits: granted, expired, redeemed, restored. */
export const PLAN_ORDER_LEDGER = 'plan_order_ledger';
/**
 * Durable timers: one document per ACTIVE order with something ahead of it (its cycle's end, its
 * end, a scheduled cancel), under the system tenant so one query finds every tenant's due orders.
 */
export const PLAN_ORDER_TIMERS = 'plan_order_timers';

export const LedgerKind = oneOf(['GRANTED', 'EXPIRED', 'REDEEMED', 'RESTORED'], 'granted by a cycle, expired unused at its end, taken or given back by a booking');
export type LedgerKind = Static<typeof LedgerKind>;

export const LedgerEntry = record({
  id: text(),
  orderId: text(),
  bookingId: nullable(text('the booking that took or gave back the credits; null for grants and expiries')),
  kind: LedgerKind,
  credits: integer(undefined, 0),
  remaining: nullable(integer('the balance after it; null for an UNLIMITED benefit', 0)),
  at: instant(),
});
export type LedgerEntry = Static<typeof LedgerEntry>;

export interface PlanOrderTimer {
  id: string;
  tenant: string;
  orderId: string;
  dueAt: string;
}

const planDocs = viewDocuments<PlanEvent>(
  PLANS,
  {
    'plan.created': 'creates',
    'plan.updated': updatedFields,
    'plan.archived': (doc, data) => advance(doc, data.archivedAt, { archivedAt: data.archivedAt }),
  },
  (doc) => {
    const plan = doc as unknown as PlanView;
    return { _pricingType: plan.pricing.type, _benefitKind: plan.benefit.kind, _serviceIds: plan.benefit.serviceIds, _archived: plan.archivedAt !== null };
  },
);

/** The ledger's entries for an event of the order after which the order is `order`. */
const ledgerEntries = (event: ProjectedEvent<PlanOrderEvent>, order: PlanOrderView): LedgerEntry[] => {
  // Entries of one event share its instant; the id keeps them in log order (find orders by `at`, then id).
  const entry = (n: number, kind: LedgerKind, credits: number, bookingId: string | null, remaining: number | null): LedgerEntry => ({
    id: `${order.id}:${String(order.revision).padStart(10, '0')}:${n}`,
    orderId: order.id,
    bookingId,
    kind,
    credits,
    remaining,
    at: order.updatedAt,
  });
  const limited = order.credits.remaining !== null;
  switch (event.type) {
    case 'plan-order.purchased':
      return limited ? [entry(0, 'GRANTED', order.credits.granted, null, order.credits.remaining)] : [];
    case 'plan-order.cycle-started': {
      if (!limited) return [];
      const { creditsExpired, creditsGranted, remaining } = event.data;
      return [
        ...(creditsExpired > 0 ? [entry(0, 'EXPIRED', creditsExpired, null, remaining! - creditsGranted)] : []),
        entry(1, 'GRANTED', creditsGranted, null, remaining),
      ];
    }
    case 'plan-order.credits-redeemed':
      return [entry(0, 'REDEEMED', event.data.credits, event.data.bookingId, event.data.remaining)];
    case 'plan-order.credits-restored':
      return [entry(0, 'RESTORED', event.data.credits, event.data.bookingId, event.data.remaining)];
    default:
      return [];
  }
};

const planOrderDocs = (event: ProjectedEvent<PlanOrderEvent>, documents: DocumentLookup): DocumentWrite[] => {
  const tenant = event.metadata.tenant;
  const current = event.type === 'plan-order.purchased' ? null : documents.get<PlanOrderView>(PLAN_ORDERS, tenant, event.data.id);
  const order = event.type === 'plan-order.purchased' ? event.data : current && evolvePlanOrder(current, event);
  if (!order) return [];
  const dueAt = nextDueAt(order);
  const timer = `${tenant}|${order.id}`;
  return [
    putDoc(PLAN_ORDERS, tenant, { ...order }),
    ...ledgerEntries(event, order).map((entry) => putDoc(PLAN_ORDER_LEDGER, tenant, { ...entry })),
    dueAt === null ? deleteDoc(PLAN_ORDER_TIMERS, SYSTEM_TENANT, timer) : putDoc(PLAN_ORDER_TIMERS, SYSTEM_TENANT, { id: timer, tenant, orderId: order.id, dueAt }),
  ];
};

const PLAN_ORDER_TYPES = eventTypesOf(planOrderEvents);

/** Plans by id (filterable by pricing type, benefit kind, service, archived); plan orders with their balances, ledger and timers. */
export const membershipsProjection: ProjectionDefinition<PlanEvent | PlanOrderEvent> = {
  name: 'memberships',
  collections: [PLANS, PLAN_ORDERS, PLAN_ORDER_LEDGER, PLAN_ORDER_TIMERS],
  canHandle: [...planDocs.canHandle, ...PLAN_ORDER_TYPES],
  evolve(event, documents) {
    return planDocs.handles(event) ? planDocs.writes(event, documents) : planOrderDocs(event as ProjectedEvent<PlanOrderEvent>, documents);
  },
};
