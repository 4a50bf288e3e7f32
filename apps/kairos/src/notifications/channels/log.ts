import { LoggerService } from '@nestjs/common';
import { ChannelKind, DeliveryReceipt, NotificationChannel, OutgoingMessage } from './channel';

/**
 * Where a channel's messages go when no provider is configured (the embedded default): the log
 * says what would have gone out to whom, without its body, which holds personal details.
 */
export class LogChannel implements NotificationChannel {
  readonly provider = 'log';

  constructor(
    readonly channel: ChannelKind,
    private readonly logger: LoggerService,
  ) {}

  async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
    this.logger.log(
      {
        message: `${this.channel} notification logged, not sent`,
        notification: message.id,
        channel: this.channel,
        ...(message.subject ? { subject: message.subject } : {}),
        ...(message.calendar ? { calendar: `${message.calendar.method} ${message.calendar.uid} #${message.calendar.sequence}` } : {}),
        characters: message.text.length,
      },
      'notifications',
    );
    return { providerMessageId: null, answer: 'logged' };
  }

  async close(): Promise<void> {}
}
