import { execFileSync } from 'node:child_process';
import ICAL from 'ical.js';
import { ImapFlow } from 'imapflow';
import { ParsedMail, simpleParser } from 'mailparser';

/** The GreenMail the global setup started (scripts/greenmail.sh): SMTP to send, IMAP and its HTTP API to read. */
export const greenMail = {
  smtpUrl: () => process.env.KAIROS_TEST_SMTP_URL,
  imapUrl: () => process.env.KAIROS_TEST_IMAP_URL,
  api: () => process.env.KAIROS_TEST_GREENMAIL_API,
};

export interface ReceivedMail {
  messageId: string;
  parsed: ParsedMail;
}

/** Every message in a mailbox (GreenMail makes one per recipient), parsed as a mail client would. */
export const mailbox = async (address: string, api = greenMail.api()!): Promise<ReceivedMail[]> => {
  const response = await fetch(`${api}/api/user/${encodeURIComponent(address)}/messages/INBOX`);
  // A recipient nothing was sent to has no mailbox yet.
  if (response.status === 400 || response.status === 404) return [];
  if (!response.ok) throw new Error(`GreenMail answered ${response.status} for ${address}'s mailbox: ${await response.text()}`);
  const messages = (await response.json()) as { 'Message-ID': string; mimeMessage: string }[];
  return Promise.all(messages.map(async (m) => ({ messageId: m['Message-ID'], parsed: await simpleParser(m.mimeMessage) })));
};

/**
 * How many messages a mailbox holds, asked over IMAP (STATUS): cheap enough to ask every second of
 * a mailbox with thousands, unlike reading them. GreenMail logs anyone in as the address they name.
 */
export const mailCount = async (address: string, imapUrl = greenMail.imapUrl()!): Promise<number> => {
  const { hostname, port } = new URL(imapUrl);
  const client = new ImapFlow({ host: hostname, port: Number(port), secure: false, auth: { user: address, pass: 'any' }, logger: false });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const status = await client.status('INBOX', { messages: true });
    return (status && status.messages) || 0;
  } finally {
    await client.logout().catch(() => client.close());
  }
};

/** Waits until the mailbox holds `count` messages (or more), then answers them all. */
export const waitForMail = async (address: string, count = 1, timeoutMs = 15_000, api = greenMail.api()!): Promise<ReceivedMail[]> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mail = await mailbox(address, api);
    if (mail.length >= count) return mail;
    if (Date.now() > deadline) throw new Error(`${address} got ${mail.length} messages, not ${count}, within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

export interface CalendarEvent {
  method: string;
  uid: string;
  sequence: number;
  status: string | null;
  start: Date;
  end: Date;
  summary: string;
  organizer: string | null;
  attendees: string[];
}

/** A calendar user address; the `mailto:` scheme is case-insensitive. */
const address = (value: unknown) => (typeof value === 'string' ? value.replace(/^mailto:/i, 'mailto:') : null);

/** The text/calendar part of a message, read by ical.js: what a calendar client would apply. */
export const calendarOf = (mail: ParsedMail): CalendarEvent => {
  const part = mail.attachments.find((a) => a.contentType === 'text/calendar') ?? mail.attachments.find((a) => /calendar|ics/.test(a.contentType));
  if (!part) throw new Error(`no calendar in the message "${mail.subject}"`);
  const calendar = new ICAL.Component(ICAL.parse(part.content.toString('utf8')) as unknown[]);
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('the calendar holds no VEVENT');
  const event = new ICAL.Event(vevent);
  return {
    method: String(calendar.getFirstPropertyValue('method')),
    uid: event.uid,
    sequence: event.sequence,
    status: (vevent.getFirstPropertyValue('status') as string | null) ?? null,
    start: event.startDate.toJSDate(),
    end: event.endDate.toJSDate(),
    summary: event.summary,
    organizer: address(vevent.getFirstPropertyValue('organizer')),
    attendees: vevent.getAllProperties('attendee').map((p) => address(p.getFirstValue())!),
  };
};

/**
 * A GreenMail of a test's own (KAIROS_GREENMAIL_STATE), which it may stop and start again on the
 * same ports without disturbing the run's shared one.
 */
export const privateGreenMail = (stateDir: string) => {
  const run = (command: 'start' | 'stop' | 'resume') =>
    execFileSync('bash', ['scripts/greenmail.sh', command], {
      cwd: `${__dirname}/../..`,
      env: { ...process.env, KAIROS_GREENMAIL_STATE: stateDir },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  const addresses = (out: string) => {
    const a = Object.fromEntries(out.trim().split('\n').map((line) => line.split('=', 2) as [string, string]));
    return { smtpUrl: a.SMTP, imapUrl: a.IMAP, api: a.API };
  };
  return {
    start: () => addresses(run('start')),
    stop: () => void run('stop'),
    resume: () => addresses(run('resume')),
  };
};
