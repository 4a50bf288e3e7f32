import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { BOOKINGS, BookingDoc, bookingAnswerOf } from '@kairos/bookings';
import { DomainError } from '@kairos/core';
import { publicView } from '@kairos/projections';
import { FieldFilter, ReadStore } from '@kairos/read-store';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { CLOCK, Clock, READ_STORE } from '../infrastructure/tokens';
import { waitUntilProjected } from '../queries/read-models';

/** The filters and page of a bookings list (api.md §2, "Bookings"), as the controller validated them. */
export interface BookingListing {
  contactId?: string;
  serviceId?: string;
  resourceId?: string;
  sessionId?: string;
  status?: string;
  from?: string;
  to?: string;
  sort?: 'start' | '-start';
  limit: number;
  cursor?: string | null;
}

export class GetBooking {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly minPosition?: number) {}
}
export class ListBookings {
  constructor(readonly ctx: RequestContext, readonly query: BookingListing, readonly minPosition?: number) {}
}

@QueryHandler(GetBooking)
export class GetBookingHandler implements IQueryHandler<GetBooking> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore, @Inject(CLOCK) private readonly now: Clock) {}

  async execute({ ctx, id, minPosition }: GetBooking) {
    const position = await waitUntilProjected(this.readStore, 'bookings', minPosition);
    const doc = await this.readStore.get<BookingDoc>(BOOKINGS, ctx.tenant, id);
    if (!doc) throw new DomainError('not-found', `booking ${id} does not exist`);
    return new Positioned(bookingAnswerOf(publicView(doc), this.now(), ctx.actor.type), position);
  }
}

@QueryHandler(ListBookings)
export class ListBookingsHandler implements IQueryHandler<ListBookings> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore, @Inject(CLOCK) private readonly now: Clock) {}

  async execute({ ctx, query, minPosition }: ListBookings) {
    const position = await waitUntilProjected(this.readStore, 'bookings', minPosition);
    const where: Record<string, FieldFilter> = {};
    if (query.contactId) where.contactId = query.contactId;
    if (query.serviceId) where.serviceId = query.serviceId;
    if (query.status) where.status = query.status;
    if (query.resourceId) where._resourceIds = { contains: query.resourceId };
    if (query.sessionId) where.sessionId = query.sessionId;
    if (query.from || query.to) {
      where._start = {
        ...(query.from ? { gte: new Date(query.from).toISOString() } : {}),
        ...(query.to ? { lt: new Date(query.to).toISOString() } : {}),
      };
    }
    const page = await this.readStore.find<BookingDoc>(BOOKINGS, ctx.tenant, {
      where,
      orderBy: '_start',
      descending: query.sort === '-start',
      limit: query.limit,
      cursor: query.cursor,
    });
    const now = this.now();
    return new Positioned({ items: page.items.map((d) => bookingAnswerOf(publicView(d), now, ctx.actor.type)), nextCursor: page.nextCursor }, position);
  }
}

export const BOOKING_QUERY_HANDLERS = [GetBookingHandler, ListBookingsHandler];
