import { LoggerService } from '@nestjs/common';
import { EmailChannel } from './email';
import { channelsFor } from './index';
import { LogChannel } from './log';
import { SmsChannel } from './sms';

const recordingLogger = () => {
  const lines: { level: string; message: unknown }[] = [];
  const logger: LoggerService = {
    log: (message) => void lines.push({ level: 'log', message }),
    warn: (message) => void lines.push({ level: 'warn', message }),
    error: (message) => void lines.push({ level: 'error', message }),
  };
  return { logger, lines };
};

describe('channelsFor', () => {
  it('logs emails and text messages instead of sending them when no provider is configured, and says so', () => {
    const { logger, lines } = recordingLogger();
    const channels = channelsFor({}, logger);
    expect(channels.map((c) => [c.channel, c.provider, c instanceof LogChannel])).toEqual([
      ['EMAIL', 'log', true],
      ['SMS', 'log', true],
    ]);
    expect(lines).toEqual([
      { level: 'warn', message: expect.objectContaining({ message: 'no KAIROS_SMTP_URL configured: EMAIL notifications are written to the log, not sent' }) },
      { level: 'warn', message: expect.objectContaining({ message: 'no KAIROS_SMS_URL configured: SMS notifications are written to the log, not sent' }) },
    ]);
  });

  it('sends through the configured SMTP server and SMS provider', async () => {
    const { logger, lines } = recordingLogger();
    const channels = channelsFor(
      { smtp: { url: 'smtp://127.0.0.1:2525', from: 'k@example.test' }, sms: { url: 'http://127.0.0.1:1', accountSid: 'AC1', authToken: 't', from: '+15005550006' } },
      logger,
    );
    expect(channels[0]).toBeInstanceOf(EmailChannel);
    expect(channels[1]).toBeInstanceOf(SmsChannel);
    expect(lines).toEqual([]);
    await Promise.all(channels.map((c) => c.close()));
  });
});

describe('LogChannel', () => {
  it('answers "logged" and writes what went to whom without the body', async () => {
    const { logger, lines } = recordingLogger();
    const receipt = await new LogChannel('EMAIL', logger).send({
      id: 'n1',
      channel: 'EMAIL',
      to: 'ada@example.test',
      subject: 'Your booking is confirmed',
      text: 'Dear Ada, see you at 09:30.',
      calendar: { method: 'REQUEST', uid: 'b1@kairos', sequence: 1, start: '2026-06-01T07:30:00Z', end: '2026-06-01T08:00:00Z', summary: 'Massage' },
    });
    expect(receipt).toEqual({ providerMessageId: null, answer: 'logged' });
    expect(lines).toEqual([
      {
        level: 'log',
        message: { message: 'EMAIL notification logged, not sent', notification: 'n1', channel: 'EMAIL', subject: 'Your booking is confirmed', calendar: 'REQUEST b1@kairos #1', characters: 27 },
      },
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/Dear Ada|ada@example/);
  });
});
