/** The channels a notification can go out on. */
export type ChannelKind = 'EMAIL' | 'SMS';

/** An RFC 5545 invitation attached to an email: the booking as a calendar client should hold it. */
export interface CalendarInvite {
  method: 'REQUEST' | 'CANCEL';
  /** Stable for the booking, so every update replaces the same calendar entry. */
  uid: string;
  /** Grows with every change of the booking the client should apply. */
  sequence: number;
  /** UTC instants. */
  start: string;
  end: string;
  summary: string;
  description?: string;
  location?: string;
  organizer?: { name: string; email: string };
  attendee?: { name: string | null; email: string };
}

/** One message, rendered, to one recipient on one channel. */
export interface OutgoingMessage {
  /** The notification's id: stable across attempts, so a provider (or an in-doubt check) can recognise a resend. */
  id: string;
  channel: ChannelKind;
  /** An email address or an E.164 phone number. */
  to: string;
  subject?: string;
  text: string;
  html?: string;
  calendar?: CalendarInvite;
}

/** What the provider answered when it took the message. */
export interface DeliveryReceipt {
  providerMessageId: string | null;
  answer: string;
}

/** The provider refused the message for good (a bad address, a rejected sender): retrying cannot help. */
export class PermanentDeliveryFailure extends Error {
  constructor(
    message: string,
    readonly answer: string,
  ) {
    super(message);
    this.name = 'PermanentDeliveryFailure';
  }
}

/** The provider could not be reached or asked to try later: the message is retried with back-off. */
export class TransientDeliveryFailure extends Error {
  constructor(
    message: string,
    readonly answer: string,
  ) {
    super(message);
    this.name = 'TransientDeliveryFailure';
  }
}

/**
 * A way out to people: an SMTP server, an SMS provider, or the log when none is configured. `send`
 * throws one of the two failures above; anything else counts as transient.
 */
export interface NotificationChannel {
  readonly channel: ChannelKind;
  /** Names the provider in the delivery log (`smtp`, `twilio`, `log`). */
  readonly provider: string;
  send(message: OutgoingMessage): Promise<DeliveryReceipt>;
  /**
   * For a message whose last attempt has no recorded outcome (the process died while sending):
   * whether the provider already took it (true), did not (false), or cannot tell (null: send it
   * again, at-least-once). Channels without a way to tell leave it out.
   */
  wasDelivered?(message: OutgoingMessage): Promise<boolean | null>;
  close(): Promise<void>;
}
