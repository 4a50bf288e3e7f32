import { CommandHandler, ICommandHandler, IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError, existing, fold, newId } from '@kairos/core';
import {
  BookingPolicyFields,
  BookingPolicyPatch,
  BookingPolicyState,
  BookingPolicyView,
  DEFAULT_BOOKING_POLICY,
  bookingPolicyDecider,
  bookingPolicyStream,
  defaultPolicyDecider,
  defaultPolicyStream,
  strictestOf,
} from '@kairos/services';
import { plainData } from '../http/common.dto';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { CreateBookingPolicyDto, UpdateBookingPolicyDto } from './booking-policies.dto';

export class CreateBookingPolicy {
  constructor(readonly ctx: RequestContext, readonly dto: CreateBookingPolicyDto) {}
}
export class UpdateBookingPolicy {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly dto: UpdateBookingPolicyDto, readonly expectedRevision?: number) {}
}
export class DeleteBookingPolicy {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly expectedRevision?: number) {}
}
export class SetDefaultBookingPolicy {
  constructor(readonly ctx: RequestContext, readonly id: string) {}
}
export class GetStrictestPolicy {
  constructor(readonly ctx: RequestContext, readonly policyIds: string[]) {}
}

export type PolicyAnswer = BookingPolicyView & { isDefault: boolean };

const viewOf = (state: BookingPolicyState): BookingPolicyView => existing(state, 'booking policy');

@CommandHandler(CreateBookingPolicy)
export class CreateBookingPolicyHandler implements ICommandHandler<CreateBookingPolicy> {
  constructor(private readonly es: EventSourcing) {}

  async execute({ ctx, dto }: CreateBookingPolicy): Promise<Positioned<PolicyAnswer>> {
    const { id: givenId, isDefault, ...given } = plainData<CreateBookingPolicyDto>(dto);
    const id = givenId ?? newId();
    const fields: BookingPolicyFields = { ...DEFAULT_BOOKING_POLICY, ...given };
    return this.es.retrying(async () => {
      const now = this.es.now();
      const policy = await this.es.load(bookingPolicyStream(ctx.tenant, id), bookingPolicyDecider);
      const events = bookingPolicyDecider.decide({ type: 'CreateBookingPolicy', id, fields }, policy.state, { now });
      const defaults = await this.es.load(defaultPolicyStream(ctx.tenant), defaultPolicyDecider);
      const created = fold(bookingPolicyDecider, events, policy.state);
      const defaultEvents = isDefault ? defaultPolicyDecider.decide({ type: 'SetDefaultPolicy', policyId: id }, defaults.state, { now }) : [];
      const markEvents = isDefault ? bookingPolicyDecider.decide({ type: 'MakeDefault', previousDefaultId: defaults.state.policyId }, created, { now }) : [];
      const view = viewOf(fold(bookingPolicyDecider, markEvents, created));
      return this.es.commit(
        ctx,
        [
          { streamId: bookingPolicyStream(ctx.tenant, id), expected: policy.expected, events: [...events, ...markEvents] },
          { streamId: defaultPolicyStream(ctx.tenant), expected: defaults.expected, events: defaultEvents },
        ],
        now,
        { ...view, isDefault: isDefault ?? false },
        `/v1/booking-policies/${id}`,
      );
    });
  }
}

@CommandHandler(UpdateBookingPolicy)
export class UpdateBookingPolicyHandler implements ICommandHandler<UpdateBookingPolicy> {
  constructor(private readonly es: EventSourcing) {}

  async execute({ ctx, id, dto, expectedRevision }: UpdateBookingPolicy): Promise<Positioned<PolicyAnswer>> {
    const { revision: _revision, ...patch } = plainData<UpdateBookingPolicyDto>(dto);
    return this.es.retrying(async () => {
      const now = this.es.now();
      const policy = await this.es.load(bookingPolicyStream(ctx.tenant, id), bookingPolicyDecider);
      const events = bookingPolicyDecider.decide({ type: 'UpdateBookingPolicy', patch: patch as BookingPolicyPatch, expectedRevision }, policy.state, { now });
      const defaults = await this.es.load(defaultPolicyStream(ctx.tenant), defaultPolicyDecider);
      const view = viewOf(fold(bookingPolicyDecider, events, policy.state));
      return this.es.commit(ctx, [{ streamId: bookingPolicyStream(ctx.tenant, id), expected: policy.expected, events }], now, { ...view, isDefault: defaults.state.policyId === id });
    });
  }
}

@CommandHandler(DeleteBookingPolicy)
export class DeleteBookingPolicyHandler implements ICommandHandler<DeleteBookingPolicy> {
  constructor(private readonly es: EventSourcing) {}

  async execute({ ctx, id, expectedRevision }: DeleteBookingPolicy): Promise<Positioned<PolicyAnswer>> {
    return this.es.retrying(async () => {
      const now = this.es.now();
      const policy = await this.es.load(bookingPolicyStream(ctx.tenant, id), bookingPolicyDecider);
      const defaults = await this.es.load(defaultPolicyStream(ctx.tenant), defaultPolicyDecider);
      const isDefault = defaults.state.policyId === id;
      const events = bookingPolicyDecider.decide({ type: 'DeleteBookingPolicy', expectedRevision, isDefault }, policy.state, { now });
      return this.es.commit(ctx, [{ streamId: bookingPolicyStream(ctx.tenant, id), expected: policy.expected, events }], now, { ...viewOf(fold(bookingPolicyDecider, events, policy.state)), isDefault });
    });
  }
}

@CommandHandler(SetDefaultBookingPolicy)
export class SetDefaultBookingPolicyHandler implements ICommandHandler<SetDefaultBookingPolicy> {
  constructor(private readonly es: EventSourcing) {}

  async execute({ ctx, id }: SetDefaultBookingPolicy): Promise<Positioned<PolicyAnswer>> {
    return this.es.retrying(async () => {
      const now = this.es.now();
      const policy = await this.es.load(bookingPolicyStream(ctx.tenant, id), bookingPolicyDecider);
      const defaults = await this.es.load(defaultPolicyStream(ctx.tenant), defaultPolicyDecider);
      const defaultEvents = defaultPolicyDecider.decide({ type: 'SetDefaultPolicy', policyId: id }, defaults.state, { now });
      const events =
        defaultEvents.length > 0 ? bookingPolicyDecider.decide({ type: 'MakeDefault', previousDefaultId: defaults.state.policyId }, policy.state, { now }) : [];
      return this.es.commit(
        ctx,
        [
          { streamId: bookingPolicyStream(ctx.tenant, id), expected: policy.expected, events },
          { streamId: defaultPolicyStream(ctx.tenant), expected: defaults.expected, events: defaultEvents },
        ],
        now,
        { ...viewOf(fold(bookingPolicyDecider, events, policy.state)), isDefault: true },
      );
    });
  }
}

@QueryHandler(GetStrictestPolicy)
export class GetStrictestPolicyHandler implements IQueryHandler<GetStrictestPolicy> {
  constructor(private readonly es: EventSourcing) {}

  async execute({ ctx, policyIds }: GetStrictestPolicy): Promise<BookingPolicyFields> {
    const policies = await Promise.all(
      policyIds.map(async (id, i) => {
        const { state } = await this.es.load(bookingPolicyStream(ctx.tenant, id), bookingPolicyDecider);
        if (state.status !== 'active') {
          throw new DomainError('not-found', `booking policy ${id} does not exist`, [{ field: `policyIds[${i}]`, reason: 'no such booking policy' }]);
        }
        const { id: _id, revision: _r, createdAt: _c, updatedAt: _u, deletedAt: _d, ...fields } = state.view;
        return fields;
      }),
    );
    return strictestOf(policies);
  }
}

export const BOOKING_POLICY_HANDLERS = [
  CreateBookingPolicyHandler,
  UpdateBookingPolicyHandler,
  DeleteBookingPolicyHandler,
  SetDefaultBookingPolicyHandler,
  GetStrictestPolicyHandler,
];
