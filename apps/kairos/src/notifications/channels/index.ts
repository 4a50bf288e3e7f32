import { LoggerService } from '@nestjs/common';
import { KairosConfig } from '../../config/config';
import { NotificationChannel } from './channel';
import { EmailChannel } from './email';
import { LogChannel } from './log';
import { SmsChannel } from './sms';

/** Kills the process once the provider took a message, before anyone records it: the crash a resend check must survive. */
const crashingAfterSend = (channel: NotificationChannel): NotificationChannel => ({
  channel: channel.channel,
  provider: channel.provider,
  send: async (message) => {
    const receipt = await channel.send(message);
    process.kill(process.pid, 'SIGKILL');
    return receipt;
  },
  ...(channel.wasDelivered ? { wasDelivered: (message) => channel.wasDelivered!(message) } : {}),
  close: () => channel.close(),
});

/**
 * One channel per kind: the configured SMTP server and SMS provider, else the log (the embedded
 * default), which start-up announces so nobody waits for messages that are not sent.
 */
export const channelsFor = (config: Pick<KairosConfig, 'smtp' | 'sms' | 'faultAfterSend'>, logger: LoggerService): NotificationChannel[] => {
  const email = config.smtp ? new EmailChannel(config.smtp) : new LogChannel('EMAIL', logger);
  const sms = config.sms ? new SmsChannel(config.sms) : new LogChannel('SMS', logger);
  for (const [setting, channel] of [['KAIROS_SMTP_URL', email], ['KAIROS_SMS_URL', sms]] as const) {
    if (channel instanceof LogChannel) {
      logger.warn({ message: `no ${setting} configured: ${channel.channel} notifications are written to the log, not sent`, channel: channel.channel }, 'notifications');
    }
  }
  const channels = [email, sms];
  return config.faultAfterSend === 'exit' ? channels.map(crashingAfterSend) : channels;
};
