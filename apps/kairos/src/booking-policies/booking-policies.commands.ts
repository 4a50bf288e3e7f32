import { CommandHandler, ICommandHandler, IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError, existing, fold } from '@kairos/core';
import {
  BookingPolicyFields,
  BookingPolicyPatch,
  BookingPolicyState,
  BookingPolicyView,
  bookingPolicyDecider,
  bookingPolicyStream,
  defaultPolicyDecider,
  defaultPolicyStream,
  strictestOf,
} from '@kairos/services';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { handleCommand, streamOf } from '../infrastructure/command-handling';
import { EventSourcing } from '../infrastructure/event-sourcing';

export class CreateBookingPolicy {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly fields: BookingPolicyFields, readonly isDefault?: boolean) {}
}
export class UpdateBookingPolicy {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly patch: BookingPolicyPatch, readonly expectedRevision?: number) {}
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

/** The policy's stream and the tenant's default-policy stream: every policy command reads both. */
const streamsOf = (tenant: string, id: string) => ({
  policy: streamOf(bookingPolicyStream(tenant, id), bookingPolicyDecider),
  defaults: streamOf(defaultPolicyStream(tenant), defaultPolicyDecider),
});

@CommandHandler(CreateBookingPolicy)
export class CreateBookingPolicyHandler implements ICommandHandler<CreateBookingPolicy> {
  constructor(private readonly es: EventSourcing) {}

  execute({ ctx, id, fields, isDefault }: CreateBookingPolicy): Promise<Positioned<PolicyAnswer>> {
    const { policy, defaults } = streamsOf(ctx.tenant, id);
    return handleCommand(this.es, ctx, () => ({
      streams: [policy, defaults],
      decide: (states, now) => {
        const events = bookingPolicyDecider.decide({ type: 'CreateBookingPolicy', id, fields }, states.of(policy), { now });
        const created = fold(bookingPolicyDecider, events, states.of(policy));
        const previousDefaultId = states.of(defaults).policyId;
        const defaultEvents = isDefault ? defaultPolicyDecider.decide({ type: 'SetDefaultPolicy', policyId: id }, states.of(defaults), { now }) : [];
        const markEvents = isDefault ? bookingPolicyDecider.decide({ type: 'MakeDefault', previousDefaultId }, created, { now }) : [];
        return {
          appends: [
            { streamId: policy.streamId, events: [...events, ...markEvents] },
            { streamId: defaults.streamId, events: defaultEvents },
          ],
          answer: { ...viewOf(fold(bookingPolicyDecider, markEvents, created)), isDefault: isDefault ?? false },
          location: `/v1/booking-policies/${id}`,
        };
      },
    }));
  }
}

@CommandHandler(UpdateBookingPolicy)
export class UpdateBookingPolicyHandler implements ICommandHandler<UpdateBookingPolicy> {
  constructor(private readonly es: EventSourcing) {}

  execute({ ctx, id, patch, expectedRevision }: UpdateBookingPolicy): Promise<Positioned<PolicyAnswer>> {
    const { policy, defaults } = streamsOf(ctx.tenant, id);
    return handleCommand(this.es, ctx, () => ({
      streams: [policy, defaults],
      decide: (states, now) => {
        const events = bookingPolicyDecider.decide({ type: 'UpdateBookingPolicy', patch, expectedRevision }, states.of(policy), { now });
        const view = viewOf(fold(bookingPolicyDecider, events, states.of(policy)));
        return { appends: [{ streamId: policy.streamId, events }], answer: { ...view, isDefault: states.of(defaults).policyId === id } };
      },
    }));
  }
}

@CommandHandler(DeleteBookingPolicy)
export class DeleteBookingPolicyHandler implements ICommandHandler<DeleteBookingPolicy> {
  constructor(private readonly es: EventSourcing) {}

  execute({ ctx, id, expectedRevision }: DeleteBookingPolicy): Promise<Positioned<PolicyAnswer>> {
    const { policy, defaults } = streamsOf(ctx.tenant, id);
    return handleCommand(this.es, ctx, () => ({
      streams: [policy, defaults],
      decide: (states, now) => {
        const isDefault = states.of(defaults).policyId === id;
        const events = bookingPolicyDecider.decide({ type: 'DeleteBookingPolicy', expectedRevision, isDefault }, states.of(policy), { now });
        return { appends: [{ streamId: policy.streamId, events }], answer: { ...viewOf(fold(bookingPolicyDecider, events, states.of(policy))), isDefault } };
      },
    }));
  }
}

@CommandHandler(SetDefaultBookingPolicy)
export class SetDefaultBookingPolicyHandler implements ICommandHandler<SetDefaultBookingPolicy> {
  constructor(private readonly es: EventSourcing) {}

  execute({ ctx, id }: SetDefaultBookingPolicy): Promise<Positioned<PolicyAnswer>> {
    const { policy, defaults } = streamsOf(ctx.tenant, id);
    return handleCommand(this.es, ctx, () => ({
      streams: [policy, defaults],
      decide: (states, now) => {
        const defaultEvents = defaultPolicyDecider.decide({ type: 'SetDefaultPolicy', policyId: id }, states.of(defaults), { now });
        const events =
          defaultEvents.length > 0 ? bookingPolicyDecider.decide({ type: 'MakeDefault', previousDefaultId: states.of(defaults).policyId }, states.of(policy), { now }) : [];
        return {
          appends: [
            { streamId: policy.streamId, events },
            { streamId: defaults.streamId, events: defaultEvents },
          ],
          answer: { ...viewOf(fold(bookingPolicyDecider, events, states.of(policy))), isDefault: true },
        };
      },
    }));
  }
}

@QueryHandler(GetStrictestPolicy)
export class GetStrictestPolicyHandler implements IQueryHandler<GetStrictestPolicy> {
  constructor(private readonly es: EventSourcing) {}

  async execute({ ctx, policyIds }: GetStrictestPolicy): Promise<BookingPolicyFields> {
    const policies = await Promise.all(
      policyIds.map(async (id, i) => {
        const state = await this.es.read(streamOf(bookingPolicyStream(ctx.tenant, id), bookingPolicyDecider));
        if (state.status !== 'ACTIVE') {
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
