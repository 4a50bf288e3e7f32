import { Static } from '@sinclair/typebox';
import { ActorType, AggregateMeta, EventsOf, aggregateId, describedAs, eventSchema, instant, nullable, patchOf, record, text, timeZoneName, updatedBody } from '@kairos/core';

export const ContactFields = record({
  name: nullable(text('null: a booking named the contact by email or phone only')),
  email: nullable(text('unique per tenant whatever its case')),
  phone: nullable(text('E.164, e.g. +351912345678')),
  timeZone: nullable(timeZoneName()),
});
export type ContactFields = Static<typeof ContactFields>;

export const ContactPatch = patchOf(ContactFields, 'contact fields');
export type ContactPatch = Static<typeof ContactPatch>;

export const ContactView = record({ ...AggregateMeta.properties, ...ContactFields.properties });
export type ContactView = Static<typeof ContactView>;

export const NoteAuthor = record({ type: ActorType, id: nullable(text("the actor's id (its token's sub); null: none given")) }, 'who wrote it');
export type NoteAuthor = Static<typeof NoteAuthor>;

/**
 * What holds the contact's email unique, kept in clear beside the sealed email so the contact can
 * give it back on erasure, when the email itself can no longer be read.
 */
const EmailClaim = nullable(text('a hash of the normalised email naming the claim that keeps it unique (never the email); null: no email'));

export const contactEvents = [
  eventSchema(
    'contact.created',
    'A contact was created, by itself or by the booking that first named its email; the body is the contact as GET shows it, with its email claim.',
    record({ ...ContactView.properties, emailClaim: EmailClaim }),
  ),
  eventSchema(
    'contact.updated',
    'Fields of a contact changed; `emailClaim` is the claim of the email it has now.',
    record({
      ...updatedBody(ContactPatch).properties,
      // Sealed with the contact's key: a message sent after the erasure (a late one, a replay) has null here.
      changes: nullable(describedAs(ContactPatch, 'new values of the changed fields; null once the contact is erased')),
      previous: nullable(describedAs(ContactPatch, 'old values of the same fields; null once the contact is erased')),
      emailClaim: EmailClaim,
    }),
  ),
  eventSchema(
    'contact.deleted',
    'A contact was erased: its personal data can no longer be read anywhere, its email is free again; its bookings stay, without their contact details.',
    record({ id: aggregateId(), deletedAt: instant() }),
  ),
  eventSchema(
    'contact.note-added',
    'Staff wrote a note about a contact.',
    record({ id: aggregateId('the contact'), noteId: text(), text: nullable(text('null once the contact is erased')), author: NoteAuthor, at: instant() }),
  ),
  eventSchema('contact.note-deleted', 'A note about a contact was deleted.', record({ id: aggregateId('the contact'), noteId: text(), at: instant() })),
] as const;
export type ContactEvent = EventsOf<typeof contactEvents>;
