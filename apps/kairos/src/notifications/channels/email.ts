import { createEvent, EventAttributes } from 'ics';
import { ImapFlow } from 'imapflow';
import { createTransport, SendMailOptions, Transporter } from 'nodemailer';
import { SmtpConfig } from '../../config/config';
import { CalendarInvite, DeliveryReceipt, NotificationChannel, OutgoingMessage, PermanentDeliveryFailure, TransientDeliveryFailure } from './channel';

/** The Message-ID of every attempt at one notification: a resend is recognisable as the same message. */
export const messageIdOf = (message: Pick<OutgoingMessage, 'id'>) => `<${message.id}@kairos>`;

/** An RFC 5545 calendar (one VEVENT) a calendar client applies to the entry with the invite's UID. */
export const icsOf = (invite: CalendarInvite): string => {
  const event: EventAttributes = {
    productId: 'kairos',
    method: invite.method,
    uid: invite.uid,
    sequence: invite.sequence,
    start: Date.parse(invite.start),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: Date.parse(invite.end),
    endInputType: 'utc',
    endOutputType: 'utc',
    title: invite.summary,
    ...(invite.description ? { description: invite.description } : {}),
    ...(invite.location ? { location: invite.location } : {}),
    status: invite.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    ...(invite.organizer ? { organizer: invite.organizer } : {}),
    ...(invite.attendee
      ? { attendees: [{ ...(invite.attendee.name ? { name: invite.attendee.name } : {}), email: invite.attendee.email, role: 'REQ-PARTICIPANT', partstat: 'ACCEPTED', rsvp: false }] }
      : {}),
  };
  const { error, value } = createEvent(event);
  if (error || !value) throw new PermanentDeliveryFailure(`the calendar invite cannot be written: ${error?.message ?? 'no output'}`, 'ics');
  return value;
};

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

/**
 * An SMTP 5xx refuses the message for good; a 4xx, a refused or dropped connection, a timeout, or
 * a refused login (the server refuses us, not the message, until the setting is fixed) is tried again.
 */
export const smtpFailure = (error: SmtpError): PermanentDeliveryFailure | TransientDeliveryFailure => {
  const answer = error.response ?? error.code ?? error.message;
  const code = error.responseCode;
  if (code !== undefined && code >= 500 && code < 600 && error.code !== 'EAUTH') return new PermanentDeliveryFailure(`the SMTP server refused the message: ${answer}`, answer);
  return new TransientDeliveryFailure(`the SMTP server did not take the message: ${answer}`, answer);
};

/** The archive mailbox an `imap[s]://user:pass@host:port/Mailbox` URL names (INBOX when no path). */
const archiveMailbox = (imapUrl: string) => {
  const url = new URL(imapUrl);
  const secure = url.protocol === 'imaps:';
  return {
    options: {
      host: url.hostname,
      port: url.port ? Number(url.port) : secure ? 993 : 143,
      secure,
      auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
      logger: false as const,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    },
    mailbox: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'INBOX',
  };
};

/**
 * Email over SMTP (a pool of connections, every wait bounded), the invitation as a text/calendar
 * alternative with its method (the form calendar clients act on) and as an invite.ics attachment.
 * With an archive, every email is Bcc'd to it in the same SMTP transaction, so the archive holds a
 * copy exactly when the server took the message: that is what `wasDelivered` looks up.
 */
export class EmailChannel implements NotificationChannel {
  readonly channel = 'EMAIL' as const;
  readonly provider = 'smtp';
  private readonly transport: Transporter;

  constructor(private readonly config: SmtpConfig) {
    const url = new URL(config.url);
    const secure = url.protocol === 'smtps:';
    this.transport = createTransport({
      pool: true,
      maxConnections: 5,
      host: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      secure,
      ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
    const mail: SendMailOptions = {
      from: this.config.from,
      to: message.to,
      ...(this.config.archive ? { bcc: this.config.archive.address } : {}),
      subject: message.subject ?? '',
      messageId: messageIdOf(message),
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
      ...(message.calendar ? { icalEvent: { method: message.calendar.method, filename: 'invite.ics', content: icsOf(message.calendar) } } : {}),
    };
    let info: { response?: string; rejected?: unknown[]; rejectedErrors?: SmtpError[] };
    try {
      info = (await this.transport.sendMail(mail)) as typeof info;
    } catch (error) {
      throw smtpFailure(error as SmtpError);
    }
    // With an archive Bcc'd the server may take the message for it alone and refuse the recipient.
    if ((info.rejected ?? []).length > 0) {
      throw smtpFailure(info.rejectedErrors?.[0] ?? { name: 'Error', message: 'recipient refused', responseCode: 550 });
    }
    return { providerMessageId: messageIdOf(message), answer: info.response ?? '' };
  }

  /** Looks the Message-ID up in the archive mailbox; without an archive, or when it cannot be read, nobody can tell. */
  async wasDelivered(message: OutgoingMessage): Promise<boolean | null> {
    if (!this.config.archive) return null;
    const { options, mailbox } = archiveMailbox(this.config.archive.imapUrl);
    const client = new ImapFlow(options);
    // A connection dropped while idle must not crash the process; the awaited calls report their own failure.
    client.on('error', () => undefined);
    try {
      await client.connect();
      const lock = await client.getMailboxLock(mailbox, { readOnly: true });
      try {
        const found = await client.search({ header: { 'message-id': messageIdOf(message) } }, { uid: true });
        return Array.isArray(found) && found.length > 0;
      } finally {
        lock.release();
      }
    } catch {
      return null;
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
