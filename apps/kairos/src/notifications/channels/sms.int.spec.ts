import { freePort, uniqueName } from '@kairos/testing';
import { twilioStandIn } from '../../../../../test/support/twilio-stand-in';
import { OutgoingMessage, PermanentDeliveryFailure, TransientDeliveryFailure } from './channel';
import { SmsChannel } from './sms';

const credentials = { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'stand-in-token' };

const message = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  id: uniqueName('n'),
  channel: 'SMS',
  to: '+33612345678',
  text: 'Studio Lumen: see you Mon 1 Jun 09:30 (Europe/Paris).',
  ...over,
});

describe('SmsChannel (a local stand-in of the Twilio Messages API)', () => {
  let standIn: Awaited<ReturnType<typeof twilioStandIn>>;
  let sms: SmsChannel;
  beforeEach(async () => {
    standIn = await twilioStandIn(credentials);
    sms = new SmsChannel({ url: standIn.url, ...credentials, from: '+15005550006' });
  });
  afterEach(async () => standIn.close());

  it('posts the message as a form with basic auth and the notification id as idempotency token', async () => {
    const sent = message();
    const receipt = await sms.send(sent);
    expect(standIn.messages).toEqual([{ sid: receipt.providerMessageId, to: '+33612345678', from: '+15005550006', body: sent.text }]);
    expect(receipt.answer).toBe('201 queued');
    expect(standIn.requests[0]).toMatchObject({ accountSid: credentials.accountSid, idempotencyToken: sent.id });
  });

  it('sends a resend of the same notification once: the provider recognises its token', async () => {
    const sent = message();
    const first = await sms.send(sent);
    const second = await sms.send(sent);
    expect(second.providerMessageId).toBe(first.providerMessageId);
    expect(standIn.requests).toHaveLength(2);
    expect(standIn.messages).toHaveLength(1);
  });

  it('takes a refusal (4xx but 429) as permanent, with the provider\'s words', async () => {
    const refused = sms.send(message({ to: '12' }));
    await expect(refused).rejects.toBeInstanceOf(PermanentDeliveryFailure);
    await expect(refused).rejects.toMatchObject({ answer: "400 21211 The 'To' number 12 is not a valid phone number." });
    const wrongToken = new SmsChannel({ url: standIn.url, ...credentials, authToken: 'wrong', from: '+15005550006' });
    await expect(wrongToken.send(message())).rejects.toBeInstanceOf(PermanentDeliveryFailure);
    expect(standIn.messages).toEqual([]);
  });

  it('takes 429 and 5xx as transient, and sends once the provider takes it', async () => {
    standIn.failNext(429, 500, 503);
    const sent = message();
    for (const status of [429, 500, 503]) {
      const outcome = sms.send(sent);
      await expect(outcome).rejects.toBeInstanceOf(TransientDeliveryFailure);
      await expect(outcome).rejects.toMatchObject({ answer: `${status} ${status === 429 ? 20429 : 20500} stand-in answers ${status}` });
    }
    await sms.send(sent);
    expect(standIn.messages).toHaveLength(1);
  });

  it('gives up waiting for an answer after 10 s, as a transient failure', async () => {
    standIn.hangNext();
    const started = Date.now();
    const outcome = sms.send(message());
    await expect(outcome).rejects.toBeInstanceOf(TransientDeliveryFailure);
    await expect(outcome).rejects.toMatchObject({ answer: 'no answer within 10000 ms' });
    expect(Date.now() - started).toBeLessThan(12_000);
  });

  it('takes a provider that cannot be reached as transient', async () => {
    const unreachable = new SmsChannel({ url: `http://127.0.0.1:${await freePort()}`, ...credentials, from: '+15005550006' });
    await expect(unreachable.send(message())).rejects.toBeInstanceOf(TransientDeliveryFailure);
  });
});
