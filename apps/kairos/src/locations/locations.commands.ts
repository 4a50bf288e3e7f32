import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { existing, fold } from '@kairos/core';
import { LocationCommand, LocationView, locationDecider, locationStream } from '@kairos/resources';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { handleCommand, streamOf } from '../infrastructure/command-handling';
import { EventSourcing } from '../infrastructure/event-sourcing';

/** Any location command: each is one stream, one decision. */
export class DecideLocation {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly command: LocationCommand) {}
}

@CommandHandler(DecideLocation)
export class DecideLocationHandler implements ICommandHandler<DecideLocation, Positioned<LocationView>> {
  constructor(private readonly es: EventSourcing) {}

  execute({ ctx, id, command }: DecideLocation) {
    const location = streamOf(locationStream(ctx.tenant, id), locationDecider);
    return handleCommand(this.es, ctx, () => ({
      streams: [location],
      decide: (states, now) => {
        const state = states.of(location);
        const events = locationDecider.decide(command, state, { now });
        return {
          appends: [{ streamId: location.streamId, events }],
          answer: existing(fold(locationDecider, events, state), 'location'),
          location: command.type === 'CreateLocation' ? `/v1/locations/${id}` : undefined,
        };
      },
    }));
  }
}

export const LOCATION_HANDLERS = [DecideLocationHandler];
