import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Positioned } from '../../http/positioned';
import { RequestContext } from '../../http/request-context';
import { CalendarSync, SyncOutcome } from './calendar-sync';

/** `POST /v1/calendar-connections/{id}/sync`: the same sync the timer runs. */
export class SyncConnection {
  constructor(readonly ctx: RequestContext, readonly id: string) {}
}

@CommandHandler(SyncConnection)
export class SyncConnectionHandler implements ICommandHandler<SyncConnection, Positioned<SyncOutcome>> {
  constructor(private readonly calendarSync: CalendarSync) {}

  async execute({ ctx, id }: SyncConnection) {
    const { outcome, position } = await this.calendarSync.sync(ctx, id);
    return new Positioned(outcome, position);
  }
}
