import { DocumentLookup, DocumentWrite, ProjectedEvent, ProjectionDefinition, advance, deleteDoc, eventTypesOf, putDoc } from '@kairos/core';
import { normalisedEmail } from './contact/contact-email';
import { ContactEvent, ContactView, NoteAuthor, contactEvents } from './contact/contact.events';
import { searchKeysOf } from './contact/contact-search';

export const CONTACTS = 'contacts';
export const CONTACT_NOTES = 'contact_notes';

/** A contact as stored for queries: `_email` for the exact, case-insensitive filter, `_search` the keys of `q`, `_noteIds` to forget its notes on erasure. */
export interface ContactDoc extends ContactView {
  _email: string | null;
  _search: string[];
  _noteIds: string[];
}

export interface ContactNoteDoc {
  id: string;
  contactId: string;
  text: string;
  author: NoteAuthor;
  createdAt: string;
}

const contactDoc = (view: ContactView, noteIds: string[]): ContactDoc => ({
  ...view,
  _email: view.email === null ? null : normalisedEmail(view.email),
  _search: searchKeysOf(view),
  _noteIds: noteIds,
});

const viewOf = ({ _email: _e, _search: _s, _noteIds: _n, ...view }: ContactDoc): ContactView => view;

const contactDocs = (event: ProjectedEvent<ContactEvent>, documents: DocumentLookup): DocumentWrite[] => {
  const tenant = event.metadata.tenant;
  if (event.type === 'contact.created') {
    const { emailClaim: _claim, ...view } = event.data;
    return [putDoc(CONTACTS, tenant, { ...contactDoc(view, []) })];
  }
  const current = documents.get<ContactDoc>(CONTACTS, tenant, event.data.id);
  if (!current) return [];
  const view = viewOf(current);
  switch (event.type) {
    case 'contact.updated':
      return [putDoc(CONTACTS, tenant, { ...contactDoc(advance(view, event.data.updatedAt, event.data.changes ?? {}), current._noteIds) })];
    case 'contact.note-added': {
      const { id: contactId, noteId, text, author, at } = event.data;
      // Read after the contact's erasure (a rebuild), the text is gone: no note to show, and the erasure that follows removes the contact.
      if (text === null) return [putDoc(CONTACTS, tenant, { ...contactDoc(advance(view, at), current._noteIds) })];
      return [
        putDoc(CONTACTS, tenant, { ...contactDoc(advance(view, at), [...current._noteIds, noteId]) }),
        putDoc(CONTACT_NOTES, tenant, { id: noteId, contactId, text, author, createdAt: at } satisfies ContactNoteDoc),
      ];
    }
    case 'contact.note-deleted':
      return [
        putDoc(CONTACTS, tenant, { ...contactDoc(advance(view, event.data.at), current._noteIds.filter((id) => id !== event.data.noteId)) }),
        deleteDoc(CONTACT_NOTES, tenant, event.data.noteId),
      ];
    // Erased: the contact and its notes are forgotten, not marked deleted.
    case 'contact.deleted':
      return [deleteDoc(CONTACTS, tenant, current.id), ...current._noteIds.map((noteId) => deleteDoc(CONTACT_NOTES, tenant, noteId))];
  }
};

/** Live contacts by id, searchable by name, email and phone, and their notes. */
export const clientsProjection: ProjectionDefinition<ContactEvent> = {
  name: 'clients',
  collections: [CONTACTS, CONTACT_NOTES],
  canHandle: eventTypesOf(contactEvents),
  evolve: contactDocs,
};
