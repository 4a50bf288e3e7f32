import { SmsConfig } from '../../config/config';
import { DeliveryReceipt, NotificationChannel, OutgoingMessage, PermanentDeliveryFailure, TransientDeliveryFailure } from './channel';

/** Longest wait for the provider's answer: past it the attempt is tried again later. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Text messages through a Twilio-style REST API: `POST /2010-04-01/Accounts/{sid}/Messages.json`,
 * a form body, basic auth. The notification's id goes as the idempotency token, so the provider
 * drops a resend of a message it already took (an attempt whose answer was lost).
 */
export class SmsChannel implements NotificationChannel {
  readonly channel = 'SMS' as const;
  readonly provider = 'twilio';

  constructor(private readonly config: SmsConfig) {}

  async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
    const { url, accountSid, authToken, from } = this.config;
    let response: Response;
    let body: string;
    try {
      response = await fetch(`${url}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          'i-twilio-idempotency-token': message.id,
        },
        body: new URLSearchParams({ To: message.to, From: from, Body: message.text }).toString(),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      body = await response.text();
    } catch (error) {
      const answer = (error as Error).name === 'TimeoutError' ? `no answer within ${REQUEST_TIMEOUT_MS} ms` : String((error as Error & { cause?: Error }).cause?.message ?? (error as Error).message);
      throw new TransientDeliveryFailure(`the SMS provider could not be reached: ${answer}`, answer);
    }
    const answer = `${response.status} ${summary(body)}`;
    if (response.ok) return { providerMessageId: providerId(body), answer };
    // A request the provider refuses (bad number, unverified sender, bad credentials) fails the same way
    // every time; being asked to slow down (429) or a failure on its side may pass.
    if (response.status >= 400 && response.status < 500 && response.status !== 429) {
      throw new PermanentDeliveryFailure(`the SMS provider refused the message: ${answer}`, answer);
    }
    throw new TransientDeliveryFailure(`the SMS provider did not take the message: ${answer}`, answer);
  }

  async close(): Promise<void> {}
}

const parsed = (body: string): Record<string, unknown> | null => {
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

const providerId = (body: string) => {
  const sid = parsed(body)?.sid;
  return typeof sid === 'string' ? sid : null;
};

/** The provider's own words, short: its error message, or the message's status. */
const summary = (body: string) => {
  const json = parsed(body);
  const words = json ? [json.code, json.message ?? json.status].filter((v) => v !== undefined && v !== null).join(' ') : body;
  return words.slice(0, 200);
};
