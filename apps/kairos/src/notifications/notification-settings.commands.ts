import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler, IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { fold } from '@kairos/core';
import { NOTIFICATION_SETTINGS, NotificationSettingsView, SETTINGS_ID, SettingsCommand, defaultSettings, notificationSettingsStream, settingsDecider } from '@kairos/notifications';
import { ReadStore } from '@kairos/read-store';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { handleCommand, streamOf } from '../infrastructure/command-handling';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { READ_STORE } from '../infrastructure/tokens';
import { waitUntilProjected } from '../queries/read-models';

export class ChangeNotificationSettings {
  constructor(readonly ctx: RequestContext, readonly command: SettingsCommand) {}
}

export class GetNotificationSettings {
  constructor(readonly ctx: RequestContext, readonly minPosition?: number) {}
}

/** Every change of a tenant's settings and templates goes through its one settings stream. */
@CommandHandler(ChangeNotificationSettings)
export class ChangeNotificationSettingsHandler implements ICommandHandler<ChangeNotificationSettings, Positioned<NotificationSettingsView>> {
  constructor(private readonly es: EventSourcing) {}

  execute({ ctx, command }: ChangeNotificationSettings) {
    const settings = streamOf(notificationSettingsStream(ctx.tenant), settingsDecider);
    return handleCommand(this.es, ctx, () => ({
      streams: [settings],
      decide: (states, now) => {
        const before = states.of(settings);
        const events = settingsDecider.decide(command, before, { now });
        return { appends: [{ streamId: settings.streamId, events }], answer: fold(settingsDecider, events, before) };
      },
    }));
  }
}


/** The settings as projected; a tenant that never changed them has the defaults. */
@QueryHandler(GetNotificationSettings)
export class GetNotificationSettingsHandler implements IQueryHandler<GetNotificationSettings, Positioned<NotificationSettingsView>> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute({ ctx, minPosition }: GetNotificationSettings) {
    const position = await waitUntilProjected(this.readStore, 'notifications', minPosition);
    const settings = await this.readStore.get<NotificationSettingsView>(NOTIFICATION_SETTINGS, ctx.tenant, SETTINGS_ID);
    return new Positioned(settings ?? defaultSettings(), position);
  }
}

export const NOTIFICATION_SETTINGS_HANDLERS = [ChangeNotificationSettingsHandler, GetNotificationSettingsHandler];
