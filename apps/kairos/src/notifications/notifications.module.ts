import { Logger, Module } from '@nestjs/common';
import { KairosConfig } from '../config/config';
import { CONFIG } from '../infrastructure/tokens';
import { channelsFor } from './channels';
import { NOTIFICATION_CHANNELS, NotificationDispatcher } from './dispatcher';
import { NOTIFICATION_SETTINGS_HANDLERS } from './notification-settings.commands';
import { NotificationsController } from './notifications.controller';

/** The notifications capability: settings, templates and the delivery log over HTTP, and the dispatcher that sends. */
@Module({
  controllers: [NotificationsController],
  providers: [
    ...NOTIFICATION_SETTINGS_HANDLERS,
    NotificationDispatcher,
    { provide: NOTIFICATION_CHANNELS, useFactory: (config: KairosConfig) => channelsFor(config, new Logger('notifications')), inject: [CONFIG] },
  ],
})
export class NotificationsModule {}
