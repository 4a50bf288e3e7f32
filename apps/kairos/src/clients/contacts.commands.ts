import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ContactCommand, ContactEvent, ContactNoteDoc, ContactState, ContactView, contactDecider, contactEmailDecider, contactEmailStream, contactStream, emailClaimOf } from '@kairos/clients';
import { fold } from '@kairos/core';
import { Positioned } from '../http/positioned';
import { RequestContext } from '../http/request-context';
import { StreamEvents, handleCommand, streamOf } from '../infrastructure/command-handling';
import { EventSourcing } from '../infrastructure/event-sourcing';

/** Any command on one contact; one that sets, changes or drops its email also moves the email's claim. */
export class DecideContact {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly command: ContactCommand) {}
}

/** The claim holding the contact's email, read from the claim kept in clear: an erasure retried after the key went still finds it. */
const claimOf = (state: ContactState): string | null => (state.status === 'LIVE' ? state.emailClaim : null);

/** The claim a command leaves the contact with, as far as can be told before deciding: none once erased, else its email's, else the one it has. */
const claimAsked = (command: ContactCommand, before: string | null): string | null => {
  if (command.type === 'EraseContact') return null;
  if (command.type === 'CreateContact') return emailClaimOf(command.fields.email);
  if (command.type === 'UpdateContact' && command.patch.email !== undefined) return emailClaimOf(command.patch.email);
  return before;
};

/** What a command answers: the contact, the note it added, or nothing (erasure, a note deleted). */
type ContactAnswer = ContactView | ContactNoteDoc | null;

const answerOf = (events: ContactEvent[], after: ContactState): ContactAnswer => {
  const [event] = events;
  // A note just decided is in clear: its text is null only when read back after an erasure.
  if (event?.type === 'contact.note-added' && event.data.text !== null) {
    const { id: contactId, noteId, text, author, at } = event.data;
    return { id: noteId, contactId, text, author, createdAt: at };
  }
  if (event?.type === 'contact.deleted' || event?.type === 'contact.note-deleted') return null;
  return after.status === 'LIVE' ? after.view : null;
};

const locationOf = (command: ContactCommand, id: string): string | undefined => {
  if (command.type === 'CreateContact') return `/v1/contacts/${id}`;
  if (command.type === 'AddNote') return `/v1/contacts/${id}/notes`;
  return undefined;
};

@CommandHandler(DecideContact)
export class DecideContactHandler implements ICommandHandler<DecideContact, Positioned<ContactAnswer>> {
  constructor(private readonly es: EventSourcing) {}

  execute({ ctx, id, command }: DecideContact) {
    const contact = streamOf(contactStream(ctx.tenant, id), contactDecider);
    return handleCommand(this.es, ctx, async (attempt) => {
      const held = claimOf(await attempt.read(contact));
      const asked = claimAsked(command, held);
      const release = held !== null && held !== asked ? streamOf(contactEmailStream(ctx.tenant, held), contactEmailDecider) : null;
      const claim = asked !== null && asked !== held ? streamOf(contactEmailStream(ctx.tenant, asked), contactEmailDecider) : null;
      return {
        streams: [contact, ...(release ? [release] : []), ...(claim ? [claim] : [])],
        decide: (states, now) => {
          const before = states.of(contact);
          const events = contactDecider.decide(command, before, { now });
          const after = fold(contactDecider, events, before);
          // Decided after the contact, so an id taken or a contact gone answers first, and only then an email taken.
          const kept = claimOf(after);
          const claims: StreamEvents[] = [];
          if (release && events.length > 0) claims.push({ streamId: release.streamId, events: contactEmailDecider.decide({ type: 'ReleaseEmail', contactId: id }, states.of(release), { now }) });
          if (claim && kept !== null) claims.push({ streamId: claim.streamId, events: contactEmailDecider.decide({ type: 'ClaimEmail', contactId: id }, states.of(claim), { now }) });
          return {
            appends: [{ streamId: contact.streamId, events }, ...claims],
            answer: answerOf(events, after),
            location: locationOf(command, id),
          };
        },
      };
    });
  }
}

export const CONTACT_COMMAND_HANDLERS = [DecideContactHandler];
