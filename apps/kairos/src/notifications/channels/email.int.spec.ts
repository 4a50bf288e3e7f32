import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { describeWith, freePort, uniqueName } from '@kairos/testing';
import { calendarOf, greenMail, mailbox, waitForMail } from '../../../../../test/support/greenmail';
import { CalendarInvite, OutgoingMessage, PermanentDeliveryFailure, TransientDeliveryFailure } from './channel';
import { EmailChannel } from './email';

const invite = (over: Partial<CalendarInvite> = {}): CalendarInvite => ({
  method: 'REQUEST',
  uid: 'booking-b1@kairos',
  sequence: 0,
  start: '2026-06-01T07:30:00.000Z',
  end: '2026-06-01T08:15:00.000Z',
  summary: 'Deep tissue massage',
  location: 'Room 2',
  organizer: { name: 'Studio Lumen', email: 'bookings@studio.test' },
  attendee: { name: 'Ada Lovelace', email: 'ada@example.test' },
  ...over,
});

const message = (to: string, over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  id: uniqueName('n'),
  channel: 'EMAIL',
  to,
  subject: 'Your booking is confirmed',
  text: 'See you on Monday 1 June at 09:30 (Europe/Paris).',
  html: '<p>See you on Monday 1 June at 09:30 (Europe/Paris).</p>',
  calendar: invite(),
  ...over,
});

/** A real SMTP peer on a socket that takes the connection and then answers RCPT TO with the given reply. */
const refusingSmtpServer = async (rcptReply: string): Promise<{ url: string; close: () => Promise<void> }> => {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.write('220 refuser ESMTP\r\n');
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end).toUpperCase();
        buffered = buffered.slice(end + 2);
        if (line.startsWith('EHLO')) socket.write('250 refuser\r\n');
        else if (line.startsWith('RCPT TO')) socket.write(`${rcptReply}\r\n`);
        else if (line.startsWith('QUIT')) socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
};

describeWith('GreenMail', greenMail.smtpUrl(), 'EmailChannel (GreenMail)', () => {
  const from = 'Studio Lumen <bookings@studio.test>';
  const channels: EmailChannel[] = [];
  const channel = (config: ConstructorParameters<typeof EmailChannel>[0]) => {
    const made = new EmailChannel(config);
    channels.push(made);
    return made;
  };
  afterAll(async () => Promise.all(channels.map((c) => c.close())));

  it('sends the text, the HTML and an invitation a calendar client accepts, under a Message-ID of the notification', async () => {
    const to = `${uniqueName('ada')}@example.test`;
    const sent = message(to);
    const receipt = await channel({ url: greenMail.smtpUrl()!, from }).send(sent);
    expect(receipt).toEqual({ providerMessageId: `<${sent.id}@kairos>`, answer: expect.stringMatching(/^250/) });

    const [mail] = await waitForMail(to);
    expect(mail.messageId).toBe(`<${sent.id}@kairos>`);
    expect(mail.parsed.from?.value).toEqual([{ name: 'Studio Lumen', address: 'bookings@studio.test' }]);
    expect(mail.parsed.subject).toBe('Your booking is confirmed');
    expect(mail.parsed.text?.trim()).toBe('See you on Monday 1 June at 09:30 (Europe/Paris).');
    expect(mail.parsed.html).toContain('<p>See you on Monday 1 June at 09:30 (Europe/Paris).</p>');
    // The calendar travels as a text/calendar alternative naming its method (what mail clients turn into an invitation) and as invite.ics.
    const calendarPart = mail.parsed.attachments.find((a) => a.contentType === 'text/calendar');
    expect(calendarPart?.headers.get('content-type')).toMatchObject({ params: expect.objectContaining({ method: 'REQUEST' }) });
    expect(mail.parsed.attachments.some((a) => a.filename === 'invite.ics')).toBe(true);

    expect(calendarOf(mail.parsed)).toEqual({
      method: 'REQUEST',
      uid: 'booking-b1@kairos',
      sequence: 0,
      status: 'CONFIRMED',
      start: new Date('2026-06-01T07:30:00.000Z'),
      end: new Date('2026-06-01T08:15:00.000Z'),
      summary: 'Deep tissue massage',
      organizer: 'mailto:bookings@studio.test',
      attendees: ['mailto:ada@example.test'],
    });
  });

  it('sends a cancellation of the same calendar entry with its next sequence', async () => {
    const to = `${uniqueName('ada')}@example.test`;
    await channel({ url: greenMail.smtpUrl()!, from }).send(message(to, { subject: 'Your booking is canceled', calendar: invite({ method: 'CANCEL', sequence: 2 }) }));
    const [mail] = await waitForMail(to);
    expect(calendarOf(mail.parsed)).toMatchObject({ method: 'CANCEL', uid: 'booking-b1@kairos', sequence: 2, status: 'CANCELLED' });
  });

  it('sends a message without an invitation as text and HTML only', async () => {
    const to = `${uniqueName('ada')}@example.test`;
    await channel({ url: greenMail.smtpUrl()!, from }).send(message(to, { calendar: undefined }));
    const [mail] = await waitForMail(to);
    expect(mail.parsed.attachments).toEqual([]);
  });

  it('takes an SMTP 5xx refusal as permanent and a 4xx as transient', async () => {
    for (const [reply, failure] of [
      ['550 5.1.1 no such mailbox', PermanentDeliveryFailure],
      ['452 4.2.2 mailbox full, try later', TransientDeliveryFailure],
    ] as const) {
      const server = await refusingSmtpServer(reply);
      try {
        const outcome = channel({ url: server.url, from }).send(message('nobody@example.test'));
        await expect(outcome).rejects.toBeInstanceOf(failure);
        await expect(outcome).rejects.toMatchObject({ answer: expect.stringContaining(reply) });
      } finally {
        await server.close();
      }
    }
  });

  it('takes an SMTP server that cannot be reached as transient', async () => {
    const outcome = channel({ url: `smtp://127.0.0.1:${await freePort()}`, from }).send(message('ada@example.test'));
    await expect(outcome).rejects.toBeInstanceOf(TransientDeliveryFailure);
  });

  it('tells from the IMAP archive whether a message went out, and that it cannot tell without one', async () => {
    const archive = { imapUrl: `${greenMail.imapUrl()}/INBOX`, address: `${uniqueName('archive')}@kairos.test` };
    // GreenMail logs anyone in with the mailbox's address as user name.
    archive.imapUrl = archive.imapUrl.replace('imap://', `imap://${encodeURIComponent(archive.address)}:any@`);
    const archived = channel({ url: greenMail.smtpUrl()!, from, archive });
    const to = `${uniqueName('ada')}@example.test`;
    const sent = message(to);
    await archived.send(sent);

    expect(await archived.wasDelivered(sent)).toBe(true);
    expect(await archived.wasDelivered(message(to))).toBe(false);
    // The Bcc is the server's envelope only: the recipient's copy does not show the archive.
    const [mail] = await waitForMail(to);
    expect(mail.parsed.bcc).toBeUndefined();
    expect(await mailbox(archive.address)).toHaveLength(1);

    expect(await channel({ url: greenMail.smtpUrl()!, from }).wasDelivered(sent)).toBeNull();
    const unreachable = channel({ url: greenMail.smtpUrl()!, from, archive: { ...archive, imapUrl: `imap://a:b@127.0.0.1:${await freePort()}/INBOX` } });
    expect(await unreachable.wasDelivered(sent)).toBeNull();
  });
});
