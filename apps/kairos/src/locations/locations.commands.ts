import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { existing, fold, newId } from '@kairos/core';
import { Address, LocationCommand, LocationPatch, LocationState, LocationView, locationDecider, locationStream } from '@kairos/resources';
import { plainData } from '../http/common.dto';
import { RequestContext } from '../http/request-context';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { CreateLocationDto, UpdateLocationDto } from './locations.dto';

export class CreateLocation {
  constructor(readonly ctx: RequestContext, readonly dto: CreateLocationDto) {}
}
export class UpdateLocation {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly dto: UpdateLocationDto, readonly expectedRevision?: number) {}
}
export class ArchiveLocation {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly expectedRevision?: number) {}
}

const viewOf = (state: LocationState): LocationView => existing(state, 'location');

const addressOf = (dto: CreateLocationDto['address']): Address | null =>
  dto
    ? { formatted: dto.formatted ?? null, street: dto.street ?? null, city: dto.city ?? null, postalCode: dto.postalCode ?? null, country: dto.country ?? null }
    : null;

/** Every location command is one stream, one decision. */
const decideOn = async (es: EventSourcing, ctx: RequestContext, id: string, command: LocationCommand, location?: string) =>
  es.retrying(async () => {
    const now = es.now();
    const loaded = await es.load(locationStream(ctx.tenant, id), locationDecider);
    const events = locationDecider.decide(command, loaded.state, { now });
    return es.commit(ctx, [{ streamId: locationStream(ctx.tenant, id), expected: loaded.expected, events }], now, viewOf(fold(locationDecider, events, loaded.state)), location);
  });

@CommandHandler(CreateLocation)
export class CreateLocationHandler implements ICommandHandler<CreateLocation> {
  constructor(private readonly es: EventSourcing) {}

  execute({ ctx, dto }: CreateLocation) {
    const id = dto.id ?? newId();
    return decideOn(
      this.es,
      ctx,
      id,
      {
        type: 'CreateLocation',
        id,
        fields: { name: dto.name, type: dto.type ?? 'BUSINESS', timeZone: dto.timeZone, address: addressOf(dto.address), isDefault: dto.isDefault ?? false },
      },
      `/v1/locations/${id}`,
    );
  }
}

@CommandHandler(UpdateLocation)
export class UpdateLocationHandler implements ICommandHandler<UpdateLocation> {
  constructor(private readonly es: EventSourcing) {}

  execute({ ctx, id, dto, expectedRevision }: UpdateLocation) {
    const { revision: _revision, address, ...rest } = plainData<UpdateLocationDto>(dto);
    const patch: LocationPatch = { ...rest, ...(address !== undefined ? { address: addressOf(address) } : {}) };
    return decideOn(this.es, ctx, id, { type: 'UpdateLocation', patch, expectedRevision });
  }
}

@CommandHandler(ArchiveLocation)
export class ArchiveLocationHandler implements ICommandHandler<ArchiveLocation> {
  constructor(private readonly es: EventSourcing) {}

  execute({ ctx, id, expectedRevision }: ArchiveLocation) {
    return decideOn(this.es, ctx, id, { type: 'ArchiveLocation', expectedRevision });
  }
}

export const LOCATION_HANDLERS = [CreateLocationHandler, UpdateLocationHandler, ArchiveLocationHandler];
